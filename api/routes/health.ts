import type { FastifyInstance } from 'fastify';
import { databaseAnswers } from '../../db/sql.js';
import type { ApiContext } from '../context.js';

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

export function healthRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get('/health', { config: { access: 'public' }, schema: { summary: 'Whether Temporal, PostgreSQL and Redis answer', tags: ['operations'] } }, async (_req, reply) => {
    const [temporal, postgres, redis] = await Promise.all([
      timed(() => ctx.temporal.workflowService.getSystemInfo({}), 2000),
      timed(() => databaseAnswers(ctx.orm), 2000),
      timed(() => ctx.redis.ping(), 2000),
    ]);
    const ok = temporal.ok && postgres.ok && redis.ok;
    return reply.status(ok ? 200 : 503).send({ status: ok ? 'ok' : 'degraded', services: { temporal, postgres, redis } });
  });
}
