import type { FastifyBaseLogger } from 'fastify';
import { databaseAnswers } from '../../db/sql.js';
import { loggableMessage } from '../../infra/log-redaction.js';
import { checkService, type ServiceCheck } from '../../infra/service-check.js';
import type { ApiContext } from '../context.js';
import { answers, json, problemContent, type ApiRoutes } from '../responses.js';

const CHECK_TIMEOUT_MS = 2000;

const serviceCheck = {
  type: 'object',
  required: ['ok', 'latencyMs'],
  additionalProperties: false,
  properties: { ok: { type: 'boolean' }, latencyMs: { type: 'integer' }, error: { type: 'string', description: 'Why the check failed, in general terms (the details are in the API log): does not answer in time, cannot be reached, or answers with an error.' } },
} as const;

function serviceReport<const S extends readonly string[]>(statuses: S) {
  return {
    type: 'object',
    required: ['status', 'services'],
    additionalProperties: false,
    properties: {
      status: { type: 'string', enum: statuses },
      services: {
        type: 'object',
        required: ['temporal', 'postgres', 'redis'],
        additionalProperties: false,
        properties: { temporal: serviceCheck, postgres: serviceCheck, redis: serviceCheck },
      },
    },
  } as const;
}

const healthAnswer = serviceReport(['ok', 'degraded']);
const readyAnswer = serviceReport(['ok', 'degraded', 'unready']);
const liveAnswer = { type: 'object', required: ['status'], additionalProperties: false, properties: { status: { type: 'string', enum: ['ok'] } } } as const;

async function checkServices(ctx: ApiContext, log: FastifyBaseLogger): Promise<Record<'temporal' | 'postgres' | 'redis', ServiceCheck>> {
  const logAs = (service: string) => (detail: string) => log.warn(`health: ${service} check failed: ${loggableMessage(detail)}`);
  const [temporal, postgres, redis] = await Promise.all([
    checkService(() => ctx.temporal.workflowService.getSystemInfo({}), CHECK_TIMEOUT_MS, logAs('temporal')),
    checkService(() => databaseAnswers(ctx.orm), CHECK_TIMEOUT_MS, logAs('postgres')),
    checkService(() => ctx.redis.ping(), CHECK_TIMEOUT_MS, logAs('redis')),
  ]);
  return { temporal, postgres, redis };
}

export function healthRoutes(app: ApiRoutes, ctx: ApiContext): void {
  const health = {
    summary: 'Whether Temporal, PostgreSQL and Redis answer',
    tags: ['operations'],
    operationId: 'checkHealth',
    response: answers({
      200: json('Every service answers.', healthAnswer),
      // A degraded answer is the same report, not a problem: a monitor reads which service failed.
      503: { description: 'A service does not answer: which one, and why.', content: { 'application/json': { schema: healthAnswer }, ...problemContent } },
    }),
  } as const;
  app.get('/health', { config: { access: 'public' }, schema: health }, async (req, reply) => {
    const services = await checkServices(ctx, req.log);
    const ok = services.temporal.ok && services.postgres.ok && services.redis.ok;
    return reply.status(ok ? 200 : 503).send({ status: ok ? 'ok' : 'degraded', services });
  });

  const live = {
    summary: 'Whether the API process answers (liveness), without asking any service',
    tags: ['operations'],
    operationId: 'checkLiveness',
    response: answers({ 200: json('The process answers.', liveAnswer) }),
  } as const;
  app.get('/health/live', { config: { access: 'public' }, schema: live }, async () => ({ status: 'ok' as const }));

  const ready = {
    summary: 'Whether the API can do its job (readiness): Temporal and PostgreSQL answer',
    tags: ['operations'],
    operationId: 'checkReadiness',
    response: answers({
      200: json('Temporal and PostgreSQL answer. `degraded`: Redis does not, so filing and the inbox work but the kiosk and the notification queues wait for it.', readyAnswer),
      503: {
        description: 'Temporal or PostgreSQL does not answer: which one, and why.',
        content: { 'application/json': { schema: readyAnswer }, ...problemContent },
      },
    }),
  } as const;
  app.get('/health/ready', { config: { access: 'public' }, schema: ready }, async (req, reply) => {
    const services = await checkServices(ctx, req.log);
    // Filing, the inbox and the deadlines need Temporal and PostgreSQL; without Redis only messages wait.
    const ready = services.temporal.ok && services.postgres.ok;
    const status = !ready ? 'unready' : services.redis.ok ? 'ok' : 'degraded';
    return reply.status(ready ? 200 : 503).send({ status, services });
  });
}
