import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { FromSchema } from 'json-schema-to-ts';
import { computeStatistics, statisticsCsv, type ApplicationFacts, type Statistics } from '../../audit/statistics.js';
import { DomainError } from '../../engine/errors.js';
import { periodRecords } from '../../db/applications.js';
import { principalOf, worksFor } from '../auth.js';
import type { ApiContext } from '../context.js';

const periodQuery = {
  type: 'object',
  required: ['from', 'to'],
  additionalProperties: false,
  properties: {
    from: { type: 'string', format: 'date' },
    to: { type: 'string', format: 'date' },
    officeId: { type: 'string', minLength: 1, maxLength: 64 },
    procedureId: { type: 'string', minLength: 1, maxLength: 64 },
  },
} as const;

type PeriodQuery = FromSchema<typeof periodQuery>;

/**
 * Statistics cover days on which applications can exist: PostgreSQL's timestamps and the working-day
 * calendar both go wrong far from today (year 0, year 9999), and a century of days is no report anyone
 * reads. Bounded so that such a period is a 400 naming the field rather than a failed query.
 */
const EARLIEST_DAY = '1970-01-01';
const LONGEST_PERIOD_DAYS = 3_660;

function period(query: PeriodQuery): { from: Date; to: Date } {
  const refuse = (field: 'from' | 'to', message: string) =>
    new DomainError('invalid_input', `${field} ${message}.`, [{ pointer: `querystring:/${field}`, message }]);
  if (query.from < EARLIEST_DAY) throw refuse('from', `must be ${EARLIEST_DAY} or later`);
  const from = new Date(`${query.from}T00:00:00Z`);
  const to = new Date(Date.parse(`${query.to}T00:00:00Z`) + 86_400_000);
  if (Number.isNaN(from.getTime())) throw refuse('from', 'is not a calendar day');
  if (Number.isNaN(to.getTime())) throw refuse('to', 'is not a calendar day');
  if (to <= from) throw refuse('to', 'must not be before from');
  if (to.getTime() - from.getTime() > LONGEST_PERIOD_DAYS * 86_400_000) throw refuse('to', `must be at most ${LONGEST_PERIOD_DAYS} days after from`);
  return { from, to };
}

export function statisticsRoutes(app: FastifyInstance, ctx: ApiContext): void {
  /** The figures for the period [from, to] (whole local days) within the offices the caller may see. */
  async function statistics(query: PeriodQuery, offices: string[] | 'all'): Promise<Statistics> {
    const { from, to } = period(query);
    const calendar = await ctx.calendars.current();
    const { applications: rows, escalatedTasks: escalated, completedTasks: tasks } = await periodRecords(ctx.orm, {
      offices,
      ...(query.officeId ? { officeId: query.officeId } : {}),
      ...(query.procedureId ? { procedureId: query.procedureId } : {}),
      from,
      to,
    });
    const apps: ApplicationFacts[] = rows.map((r) => {
      const deadline = (r.deadline ?? {}) as { paused?: boolean; ledger?: Array<{ type: string; at: string }> };
      return {
        trackingNumber: r.trackingNumber,
        procedureId: r.procedureId,
        officeId: r.officeId,
        status: r.status,
        outcome: r.outcome ?? null,
        filedAt: r.filedAt,
        closedAt: r.closedAt ?? null,
        dueAt: r.dueAt ?? null,
        grantedBySilence: r.grantedBySilence,
        paused: deadline.paused ?? false,
        ledger: deadline.ledger ?? [],
        escalations: escalated.filter((t) => t.trackingNumber === r.trackingNumber).length,
      };
    });
    return computeStatistics(
      apps,
      tasks.map((t) => ({ officeId: t.officeId, completedBy: t.completedBy ?? null, createdAt: t.createdAt, completedAt: t.completedAt ?? null })),
      { from, to },
      new Date(),
      calendar,
    );
  }

  function scopeOf(request: FastifyRequest<{ Querystring: PeriodQuery }>): string[] | 'all' {
    const principal = principalOf(request);
    if (request.query.officeId && !worksFor(principal, request.query.officeId)) {
      throw new DomainError('forbidden', `You do not work for office ${request.query.officeId}.`, [{ pointer: 'querystring:/officeId', message: 'is not one of your offices' }]);
    }
    return principal.role === 'admin' ? 'all' : principal.offices;
  }

  app.get<{ Querystring: PeriodQuery }>(
    '/statistics',
    {
      config: { access: ['auditor', 'supervisor', 'admin'] },
      schema: { summary: 'Deadline compliance and processing times per procedure, office and agent, over a period', tags: ['audit'], querystring: periodQuery },
    },
    async (request) => statistics(request.query, scopeOf(request)),
  );

  app.get<{ Querystring: PeriodQuery }>(
    '/statistics.csv',
    {
      config: { access: ['auditor', 'supervisor', 'admin'] },
      schema: { summary: 'The same figures as CSV', tags: ['audit'], querystring: periodQuery },
    },
    async (request, reply) =>
      reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="mohla-statistics-${request.query.from}-${request.query.to}.csv"`)
        .send(statisticsCsv(await statistics(request.query, scopeOf(request)))),
  );

  app.get<{ Querystring: PeriodQuery }>(
    '/open-data/statistics.csv',
    {
      config: { access: 'public' },
      schema: { summary: "The commune's data bank: figures per procedure and office, with no personal data", tags: ['audit'], querystring: periodQuery },
    },
    async (request, reply) =>
      reply.type('text/csv; charset=utf-8').send(statisticsCsv(await statistics(request.query, 'all'))),
  );
}
