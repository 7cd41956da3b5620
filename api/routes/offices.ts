import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../context.js';

export function officeRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get(
    '/offices',
    { config: { access: 'public' }, schema: { summary: 'The offices applications can be filed with, by kind', tags: ['procedures'] } },
    async () => ({ offices: ctx.offices }),
  );
}
