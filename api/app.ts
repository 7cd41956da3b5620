import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { registerAuth, tokenVerifier } from './auth.js';
import { registerRateLimits } from './rate-limits.js';
import { registerRequestMetrics } from './request-metrics.js';
import { registerRequestSpans } from './request-spans.js';
import { registerSecurityHeaders } from './security-headers.js';
import { loggableError } from '../infra/log-redaction.js';
import { loggerOptions } from '../infra/logger.js';
import type { ApiContext } from './context.js';
import { edgeServerOptions, registerEdge } from './edge.js';
import { PROBLEM_TYPE_BASE, problemSchema, sendProblem, toProblem } from './problem.js';
import { withSchemaTypes } from './responses.js';
import { applicationRoutes } from './routes/applications.js';
import { citizenTurnRoutes } from './routes/citizen-turn.js';
import { auditRoutes } from './routes/audit.js';
import { calendarRoutes } from './routes/calendars.js';
import { codecRoutes, registerCodecSession } from './routes/codec.js';
import { migrationRoutes } from './routes/migrations.js';
import { documentRoutes } from './routes/documents.js';
import { issuedDocumentRoutes } from './routes/issued-documents.js';
import { verificationRoutes } from './routes/verification.js';
import { documentKeyRing, documentPublicUrl } from '../documents/key-ring.js';
import { healthRoutes } from './routes/health.js';
import { incidentRoutes } from './routes/incidents.js';
import { notificationRoutes } from './routes/notifications.js';
import { officeRoutes } from './routes/offices.js';
import { procedureRoutes } from './routes/procedures.js';
import { receiptAssetRoutes } from './routes/receipt-assets.js';
import { signInRoutes } from './routes/sign-in.js';
import { statisticsRoutes } from './routes/statistics.js';
import { taskRoutes } from './routes/tasks.js';
import { trackingRoutes } from './routes/tracking.js';
import { webRoutes } from './web.js';

/**
 * Bodies are checked strictly (a number is not a string); query strings and path parameters arrive as
 * text and are coerced to the types their schemas declare.
 */
function validatorCompilers() {
  const options = { allErrors: true, removeAdditional: false, useDefaults: true, strict: false } as const;
  const strict = addFormats.default(new Ajv({ ...options, coerceTypes: false }));
  const coercing = addFormats.default(new Ajv({ ...options, coerceTypes: 'array' }));
  return ({ schema, httpPart }: { schema: object; httpPart?: string }) => (httpPart === 'body' ? strict : coercing).compile(schema);
}

/**
 * Logs say who asked what and how it went; never the form's contents, a document or a token, nor the
 * values an error quotes (a failing query's SQL carries them).
 */
const serializers = {
  err: (err: Error) => {
    const loggable = loggableError(err);
    return { ...loggable, stack: loggable.stack ?? '' };
  },
  req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url.replace(/pin=[^&]*/g, 'pin=***') }),
  res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
};

export async function buildApp(ctx: ApiContext, options: FastifyServerOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    ...edgeServerOptions,
    // A caller's request id is kept so a counter's log and ours can be matched; otherwise we make one.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{8,128}$/.test(given) ? given : randomUUID();
    },
    ...options,
    // JSON lines with Mohla's fields and censored paths (infra/logger.ts); the caller sets level and stream.
    ...(options.logger && typeof options.logger === 'object' ? { logger: { ...loggerOptions('mohla-api', 'info', { traceFromContext: false }), ...options.logger, serializers } } : {}),
  });
  app.setValidatorCompiler(validatorCompilers());
  registerRequestSpans(app);
  if (ctx.metrics) registerRequestMetrics(app, ctx.metrics);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  await registerSecurityHeaders(app, { oidcIssuer: ctx.oidc?.issuer });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Mohla API', version: '0.1.0', description: 'Administrative procedures with legal deadlines.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      security: [{ bearer: [] }],
    },
    // Shared schemas appear under their own names (#/components/schemas/Problem) rather than def-0.
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  await app.register(multipart, { limits: { files: 1, fields: 5 } });
  // The codec session cookie authenticates the Temporal UI's calls before the bearer-token check runs.
  await registerCodecSession(app, ctx);
  registerAuth(app, tokenVerifier({ secret: ctx.secret, tokens: ctx.tokens, oidc: ctx.oidc, oidcOptions: ctx.oidcOptions }));
  registerEdge(app);
  if (ctx.rateLimits) await registerRateLimits(app, ctx.redis, ctx.rateLimits, ctx.secret);

  // Every route's error answers refer to it.
  app.addSchema(problemSchema);

  app.setErrorHandler((error, request, reply) => {
    const body = toProblem(error);
    if (body) return sendProblem(reply, request, body);
    request.log.error({ err: error }, 'unhandled error');
    return sendProblem(reply, request, {
      type: 'about:blank',
      title: 'Internal error',
      status: 500,
      detail: `Something went wrong on our side; quote request id ${request.id}.`,
      code: 'internal',
    });
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, request, {
      type: `${PROBLEM_TYPE_BASE}not_found`,
      title: 'Not found',
      status: 404,
      detail: `No route ${request.method} ${request.url}.`,
      code: 'not_found',
      errors: [{ pointer: 'url', message: 'names no route of this API' }],
    }),
  );

  const routes = withSchemaTypes(app);
  healthRoutes(routes, ctx);
  applicationRoutes(routes, ctx);
  citizenTurnRoutes(routes, ctx);
  documentRoutes(routes, ctx);
  // Issued documents are verified with the keys the worker signs with, and re-issued at the same address.
  const documents = { ...ctx, documentKeys: ctx.documentKeys ?? (await documentKeyRing()), publicUrl: ctx.publicUrl ?? documentPublicUrl() };
  issuedDocumentRoutes(routes, documents);
  verificationRoutes(routes, documents, documents.documentKeys);
  trackingRoutes(routes, ctx);
  taskRoutes(routes, ctx);
  procedureRoutes(routes, ctx);
  migrationRoutes(routes, ctx);
  calendarRoutes(routes, ctx);
  auditRoutes(routes, ctx);
  statisticsRoutes(routes, ctx);
  notificationRoutes(routes, ctx);
  incidentRoutes(routes, ctx);
  officeRoutes(routes, ctx);
  signInRoutes(routes, ctx);
  receiptAssetRoutes(routes);
  codecRoutes(routes, ctx);
  await webRoutes(routes);
  return app;
}
