/**
 * Incidents for administrators: transitions PostgreSQL refused for good, and how they were stored
 * instead (activities/unstorable.ts). The application carries on; this says what its projection lacks.
 */
import type { FastifyInstance } from 'fastify';
import type { FromSchema } from 'json-schema-to-ts';
import { projectionIncidents } from '../../db/projection.js';
import type { ApiContext } from '../context.js';
import { incidentView } from '../views.js';
import { canonicalTrackingNumber } from './applications.js';

const incidentQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    trackingNumber: { type: 'string', maxLength: 32 },
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 200 },
  },
} as const;

export function incidentRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get<{ Querystring: FromSchema<typeof incidentQuery> }>(
    '/incidents',
    {
      config: { access: ['admin'] },
      schema: { summary: 'Projection writes PostgreSQL refused for good, most recent first, and what was stored instead', tags: ['applications'], querystring: incidentQuery },
    },
    async (request) => {
      const { trackingNumber, limit } = request.query;
      const rows = await projectionIncidents(ctx.orm, {
        ...(trackingNumber ? { trackingNumber: canonicalTrackingNumber(trackingNumber, 'querystring:/trackingNumber') } : {}),
        limit: limit ?? 200,
      });
      return { incidents: rows.map(incidentView) };
    },
  );
}
