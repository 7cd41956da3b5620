import { databaseAnswers } from '../../db/sql.js';
import { loggableMessage } from '../../infra/log-redaction.js';
import type { ApiContext } from '../context.js';
import { answers, json, problemContent, type ApiRoutes } from '../responses.js';

type Check = () => Promise<unknown>;

const TIMEOUT = 'TIMEOUT';

/**
 * What a public monitor is told of a failed check: whether the service is slow, refuses connections or
 * fails otherwise. The driver's own message (hosts, ports, roles, database names) goes to the log only,
 * since /health answers anyone.
 */
function publicReason(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  if ((err as Error).message === TIMEOUT) return 'does not answer in time';
  if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EHOSTUNREACH' || code === 'ENOTFOUND') return 'cannot be reached';
  return 'answers with an error';
}

async function timed(check: Check, timeoutMs: number, log: (detail: string) => void): Promise<{ ok: boolean; latencyMs: number; error?: string }> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(TIMEOUT)), timeoutMs);
      }),
    ]);
    return { ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch (err) {
    log((err as Error).message === TIMEOUT ? `no answer within ${timeoutMs} ms` : String((err as Error).message));
    return { ok: false, latencyMs: Math.round(performance.now() - started), error: publicReason(err) };
  } finally {
    clearTimeout(timer);
  }
}

const serviceCheck = {
  type: 'object',
  required: ['ok', 'latencyMs'],
  additionalProperties: false,
  properties: { ok: { type: 'boolean' }, latencyMs: { type: 'integer' }, error: { type: 'string', description: 'Why the check failed, in general terms (the details are in the API log): does not answer in time, cannot be reached, or answers with an error.' } },
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
  app.get('/health', { config: { access: 'public' }, schema }, async (req, reply) => {
    const logAs = (service: string) => (detail: string) => req.log.warn(`health: ${service} check failed: ${loggableMessage(detail)}`);
    const [temporal, postgres, redis] = await Promise.all([
      timed(() => ctx.temporal.workflowService.getSystemInfo({}), 2000, logAs('temporal')),
      timed(() => databaseAnswers(ctx.orm), 2000, logAs('postgres')),
      timed(() => ctx.redis.ping(), 2000, logAs('redis')),
    ]);
    const ok = temporal.ok && postgres.ok && redis.ok;
    return reply.status(ok ? 200 : 503).send({ status: ok ? 'ok' : 'degraded', services: { temporal, postgres, redis } });
  });
}
