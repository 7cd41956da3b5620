import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { PROJECT_ROOT } from '../infra/config.js';
import { DomainError } from '../engine/errors.js';
import { answers, text } from './responses.js';

/** Where `vite build` puts the front end (scripts/lib.sh `ensure_web_build`). */
export const WEB_DIST = path.join(PROJECT_ROOT, 'web', 'dist');

/** URL prefixes of the front end's files: public, like the API's documentation. */
export const WEB_PREFIXES = ['/assets/'] as const;

/**
 * The front end, served by the API's own server: pages and API share an origin, so the browser sends the
 * bearer token to no one else. Pages route with the URL's fragment (`/#/inbox`), which keeps every API path
 * free for the API.
 */
export async function webRoutes(app: FastifyInstance, dist = WEB_DIST): Promise<void> {
  // Read once: the page names the build's assets, and a new build comes with a restart (`npm run dev`).
  const page = existsSync(path.join(dist, 'index.html')) ? await readFile(path.join(dist, 'index.html')) : undefined;
  if (page) {
    await app.register(fastifyStatic, {
      root: path.join(dist, 'assets'),
      prefix: '/assets/',
      // File names carry their content hash: a browser may keep them for good.
      immutable: true,
      maxAge: '365d',
      decorateReply: false,
    });
  }
  // The page, not an operation of the API: out of the OpenAPI document.
  const schema = { hide: true, operationId: 'getWebPage', response: answers({ 200: text('The web front end.', ['text/html']) }) } as const;
  app.get('/', { config: { access: 'public' }, schema }, async (_request, reply) => {
    if (!page) throw new DomainError('service_unavailable', 'The web front end is not built: run `npm run web:build` (npm run dev does it).');
    return reply
      .type('text/html; charset=utf-8')
      // The page itself must be revalidated so a new build's asset names are picked up.
      .header('cache-control', 'no-cache')
      .send(page);
  });
}
