import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import type { Redis } from 'ioredis';
import { DomainError } from '../engine/errors.js';
import type { Rate } from '../infra/config.js';
import { counterKeys } from './counter-keys.js';

/** How often a caller may sign in, file, follow an application at a kiosk and check a document; counted in Redis, across API processes. */
export interface RateLimitSettings {
  authentication: Rate;
  filing: Rate;
  tracking: Rate;
  /** Checks of issued documents by their code; none counted when absent. */
  verification?: Rate;
}

type Kind = keyof RateLimitSettings;

/**
 * Which routes are limited, and whom a limit counts. Sign-in and the kiosk have no caller yet, so they
 * count per address; filing counts per person, so that a counter filing for a queue of citizens behind
 * one office address is not held back by its neighbours.
 */
function kindOf(route: RouteOptions): Kind | undefined {
  // Every sign-in route, whatever its method (an identity provider's redirect back is a GET).
  if (route.url.startsWith('/auth/')) return 'authentication';
  // Public and without a caller: each look-up of a code, by GET or with a file, counts per address.
  if (route.url === '/verify' || route.url.startsWith('/verify/')) return 'verification';
  const methods = ([] as string[]).concat(route.method);
  if (!methods.includes('POST')) return undefined;
  if (route.url === '/applications') return 'filing';
  if (route.url === '/track' || route.url.startsWith('/track/')) return 'tracking';
  return undefined;
}

function seconds(ms: number): string {
  const s = Math.max(1, Math.ceil(ms / 1000));
  return s === 1 ? '1 second' : `${s} seconds`;
}

/**
 * Rate limits (@fastify/rate-limit on Redis) on sign-in, filing and tracking: 429 with Retry-After once a
 * caller has used up the period's allowance. If Redis does not answer, requests go through: a limit must
 * not take filing down with it.
 */
export async function registerRateLimits(app: FastifyInstance, redis: Redis, settings: RateLimitSettings, secret: string): Promise<void> {
  const key = counterKeys(secret);
  const byAddress = (request: FastifyRequest) => key('address', request.ip);
  const byPerson = (request: FastifyRequest) => (request.principal ? key('person', request.principal.sub) : byAddress(request));
  // Runs before the plugin's own route hook (hooks run in the order added), which reads this config.
  app.addHook('onRoute', (route) => {
    const kind = kindOf(route);
    if (!kind) return;
    const rate = settings[kind];
    if (!rate) return;
    const { max, durationMs } = rate;
    const config = (route.config ?? {}) as Record<string, unknown>;
    route.config = {
      ...config,
      rateLimit: {
        max,
        timeWindow: durationMs,
        // After authentication, so filing can count per person.
        hook: kind === 'filing' ? 'preHandler' : 'onRequest',
        keyGenerator: kind === 'filing' ? byPerson : byAddress,
      },
    } as typeof route.config;
  });
  await app.register(rateLimit, {
    global: false,
    redis,
    // Under the deployment's prefix already: the API's Redis connection carries NOTIFY_QUEUE_PREFIX.
    nameSpace: 'rate-limit:',
    skipOnError: true,
    errorResponseBuilder: (_request, context) =>
      new DomainError('rate_limited', `Too many requests; try again in ${seconds(context.ttl)}.`),
  });
}
