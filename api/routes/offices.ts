import { officesFileSchema } from '../../registry/offices.js';
import type { ApiContext } from '../context.js';
import { answers, json, type ApiRoutes } from '../responses.js';

export function officeRoutes(app: ApiRoutes, ctx: ApiContext): void {
  app.get(
    '/offices',
    {
      config: { access: 'public' },
      schema: {
        summary: 'The offices applications can be filed with, by kind',
        tags: ['procedures'],
        operationId: 'listOffices',
        // The directory as procedures/offices.json gives it.
        response: answers({ 200: json('The office directory.', officesFileSchema) }),
      },
    },
    async () => ({ offices: ctx.offices }),
  );
}
