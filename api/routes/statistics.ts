import type { FastifyRequest } from 'fastify';
import type { FromSchema } from 'json-schema-to-ts';
import { computeStatistics, statisticsCsv, type ApplicationFacts, type Statistics } from '../../audit/statistics.js';
import { DomainError } from '../../engine/errors.js';
import { periodRecords } from '../../db/applications.js';
import { principalOf, worksFor } from '../auth.js';
import type { ApiContext } from '../context.js';
import { instant } from '../answers.js';
import { answers, json, text, type ApiRoutes } from '../responses.js';
import type { Fits } from '../same-type.js';

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

/** Working days: the mean (two decimals), the median and the 90th percentile; null without any. */
const summary = {
  type: 'object',
  required: ['mean', 'median', 'p90'],
  additionalProperties: false,
  properties: { mean: { type: ['number', 'null'] }, median: { type: ['number', 'null'] }, p90: { type: ['number', 'null'] } },
} as const;

const groupFigures = {
  type: 'object',
  required: [
    'procedureId',
    'officeId',
    'filed',
    'decided',
    'pending',
    'processingWorkingDays',
    'decidedWithinDeadline',
    'shareWithinDeadline',
    'grantedBySilence',
    'escalations',
    'pausedWorkingDays',
  ],
  additionalProperties: false,
  properties: {
    procedureId: { type: ['string', 'null'] },
    officeId: { type: ['string', 'null'] },
    filed: { type: 'integer' },
    decided: { type: 'integer', description: 'Closed with an answer: approved, partially granted, rejected or forwarded to the competent body.' },
    pending: { type: 'integer' },
    processingWorkingDays: { ...summary, description: 'From filing to decision, days waiting for the citizen left out.' },
    decidedWithinDeadline: { type: 'integer' },
    shareWithinDeadline: { type: ['number', 'null'] },
    grantedBySilence: { type: 'integer' },
    escalations: { type: 'integer' },
    pausedWorkingDays: { type: 'integer', description: "Spent waiting for citizens' documents." },
  },
} as const;

const watchItem = {
  type: 'object',
  required: ['trackingNumber', 'procedureId', 'officeId', 'dueAt'],
  additionalProperties: false,
  properties: { trackingNumber: { type: 'string' }, procedureId: { type: 'string' }, officeId: { type: 'string' }, dueAt: instant },
} as const;

const statisticsAnswer = {
  type: 'object',
  required: ['period', 'total', 'byProcedure', 'byOffice', 'byAgent', 'overdue', 'atRisk'],
  additionalProperties: false,
  properties: {
    period: { type: 'object', required: ['from', 'to'], additionalProperties: false, properties: { from: instant, to: instant } },
    total: groupFigures,
    byProcedure: { type: 'array', items: groupFigures },
    byOffice: { type: 'array', items: groupFigures },
    byAgent: {
      type: 'array',
      items: {
        type: 'object',
        required: ['agent', 'officeId', 'tasksCompleted', 'taskWorkingDays'],
        additionalProperties: false,
        properties: { agent: { type: 'string' }, officeId: { type: 'string' }, tasksCompleted: { type: 'integer' }, taskWorkingDays: summary },
      },
    },
    overdue: { type: 'array', items: watchItem },
    atRisk: { type: 'array', items: watchItem },
  },
} as const;

const _statisticsFit: Fits<Statistics, FromSchema<typeof statisticsAnswer>> = true;
void _statisticsFit;

const csvAnswers = answers({ 200: text('One line per procedure and office, with the same figures.', ['text/csv']) });

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

export function statisticsRoutes(app: ApiRoutes, ctx: ApiContext): void {
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

  function scopeOf(request: FastifyRequest & { query: PeriodQuery }): string[] | 'all' {
    const principal = principalOf(request);
    if (request.query.officeId && !worksFor(principal, request.query.officeId)) {
      throw new DomainError('forbidden', `You do not work for office ${request.query.officeId}.`, [{ pointer: 'querystring:/officeId', message: 'is not one of your offices' }]);
    }
    return principal.role === 'admin' ? 'all' : principal.offices;
  }

  app.get(
    '/statistics',
    {
      config: { access: ['auditor', 'supervisor', 'admin'] },
      schema: {
        summary: 'Deadline compliance and processing times per procedure, office and agent, over a period',
        tags: ['audit'],
        operationId: 'getStatistics',
        querystring: periodQuery,
        response: answers({ 200: json('The figures for the period, within the offices the caller may see.', statisticsAnswer) }),
      },
    },
    async (request) => statistics(request.query, scopeOf(request)),
  );

  app.get(
    '/statistics.csv',
    {
      config: { access: ['auditor', 'supervisor', 'admin'] },
      schema: { summary: 'The same figures as CSV', tags: ['audit'], operationId: 'exportStatistics', querystring: periodQuery, response: csvAnswers },
    },
    async (request, reply) =>
      reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="mohla-statistics-${request.query.from}-${request.query.to}.csv"`)
        .send(statisticsCsv(await statistics(request.query, scopeOf(request)))),
  );

  app.get(
    '/open-data/statistics.csv',
    {
      config: { access: 'public' },
      schema: {
        summary: "The commune's data bank: figures per procedure and office, with no personal data",
        tags: ['audit'],
        operationId: 'exportOpenDataStatistics',
        querystring: periodQuery,
        response: csvAnswers,
      },
    },
    async (request, reply) =>
      reply.type('text/csv; charset=utf-8').send(statisticsCsv(await statistics(request.query, 'all'))),
  );
}
