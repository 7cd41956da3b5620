/**
 * Incidents for administrators: transitions PostgreSQL refused for good, and how they were stored
 * instead (activities/unstorable.ts). The application carries on; this says what its projection lacks.
 */
import { projectionIncidents } from '../../db/projection.js';
import type { ApiContext } from '../context.js';
import { incidentView } from '../views.js';
import { canonicalTrackingNumber } from './applications.js';
import { instant } from '../answers.js';
import { answers, json, type ApiRoutes } from '../responses.js';

const incidentQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    trackingNumber: { type: 'string', maxLength: 32 },
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 200 },
  },
} as const;

const incidentsAnswer = {
  type: 'object',
  required: ['incidents'],
  additionalProperties: false,
  properties: {
    incidents: {
      type: 'array',
      items: {
        type: 'object',
        required: ['trackingNumber', 'revision', 'code', 'reason', 'occurredAt'],
        additionalProperties: false,
        properties: {
          trackingNumber: { type: 'string' },
          revision: { type: 'integer', description: "The application's revision whose write was refused." },
          code: { type: 'string' },
          reason: { type: 'string' },
          occurredAt: instant,
        },
      },
    },
  },
} as const;

export function incidentRoutes(app: ApiRoutes, ctx: ApiContext): void {
  app.get(
    '/incidents',
    {
      config: { access: ['admin'] },
      schema: {
        summary: 'Projection writes PostgreSQL refused for good, most recent first, and what was stored instead',
        tags: ['applications'],
        operationId: 'listIncidents',
        querystring: incidentQuery,
        response: answers({ 200: json('The incidents, most recent first.', incidentsAnswer) }),
      },
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
