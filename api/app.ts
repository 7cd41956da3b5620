import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import type { ApiContext } from './context.js';
import { problem, sendProblem, toProblem } from './problem.js';
import { applicationActionRoutes, applicationRoutes } from './routes/applications.js';
import { calendarRoutes } from './routes/calendars.js';
import { healthRoutes } from './routes/health.js';
import { procedureRoutes } from './routes/procedures.js';
import { moreTaskRoutes, taskRoutes } from './routes/tasks.js';

/**
 * Bodies are checked strictly (a number is not a string); query strings and path parameters arrive as
 * text and are coerced to the types their schemas declare.
 */
function validatorCompilers() {
  const options = { allErrors: true, removeAdditional: false, useDefaults: true, strict: false } as const;
  const strict = addFormats.default(new Ajv({ ...options, coerceTypes: false }));
  const coercing = addFormats.default(new Ajv({ ...options, coerceTypes: 'array' }));
  return ({ schema, httpPart }: { schema: object; httpPart?: string }) =>
    (httpPart === 'body' ? strict : coercing).compile(schema);
}

export async function buildApp(ctx: ApiContext, options: FastifyServerOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    ...options,
  });
  app.setValidatorCompiler(validatorCompilers());

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Mohla API', version: '0.1.0', description: 'Administrative procedures with legal deadlines.' },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.setErrorHandler((error, request, reply) => {
    const body = toProblem(error);
    if (body) return sendProblem(reply, request, body);
    request.log.error({ err: error }, 'unhandled error');
    return sendProblem(reply, request, {
      type: 'about:blank',
      title: 'Internal error',
      status: 500,
      detail: 'Something went wrong on our side; the request id identifies it in the logs.',
      code: 'internal',
    });
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, request, { ...problem('invalid_input', `No route ${request.method} ${request.url}.`), status: 404, title: 'Not found', code: 'not_found' }),
  );

  healthRoutes(app, ctx);
  applicationRoutes(app, ctx);
  applicationActionRoutes(app, ctx);
  taskRoutes(app, ctx);
  moreTaskRoutes(app, ctx);
  procedureRoutes(app, ctx);
  calendarRoutes(app, ctx);
  return app;
}
