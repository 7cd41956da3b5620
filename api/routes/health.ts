import { databaseAnswers } from '../../db/sql.js';
import type { ApiContext } from '../context.js';
import { answers, json, problemContent, type ApiRoutes } from '../responses.js';

type Check = () => Promise<unknown>;

async function timed(check: Check, timeoutMs: number): Promise<{ ok: boolean; latencyMs: number; error?: string }> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch (err) {
    return { ok: false, latencyMs: Math.round(performance.now() - started), error: (err as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

const serviceCheck = {
  type: 'object',
  required: ['ok', 'latencyMs'],
  additionalProperties: false,
  properties: { ok: { type: 'boolean' }, latencyMs: { type: 'integer' }, error: { type: 'string', description: 'Why the check failed.' } },
} as const;

const healthAnswer = {
  type: 'object',
  required: ['status', 'services'],
  additionalProperties: false,
  properties: {
    status: { type: 'string', enum: ['ok', 'degraded'] },
    services: {
      type: 'object',
      required: ['temporal', 'postgres', 'redis'],
      additionalProperties: false,
      properties: { temporal: serviceCheck, postgres: serviceCheck, redis: serviceCheck },
    },
  },
} as const;

export function healthRoutes(app: ApiRoutes, ctx: ApiContext): void {
  const schema = {
    summary: 'Whether Temporal, PostgreSQL and Redis answer',
    tags: ['operations'],
    operationId: 'checkHealth',
    response: answers({
      200: json('Every service answers.', healthAnswer),
      // A degraded answer is the same report, not a problem: a monitor reads which service failed.
      503: { description: 'A service does not answer: which one, and why.', content: { 'application/json': { schema: healthAnswer }, ...problemContent } },
    }),
  } as const;
  app.get('/health', { config: { access: 'public' }, schema }, async (_req, reply) => {
    const [temporal, postgres, redis] = await Promise.all([
      timed(() => ctx.temporal.workflowService.getSystemInfo({}), 2000),
      timed(() => databaseAnswers(ctx.orm), 2000),
      timed(() => ctx.redis.ping(), 2000),
    ]);
    const ok = temporal.ok && postgres.ok && redis.ok;
    return reply.status(ok ? 200 : 503).send({ status: ok ? 'ok' : 'degraded', services: { temporal, postgres, redis } });
  });
}
