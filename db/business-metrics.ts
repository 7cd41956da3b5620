/**
 * Mohla's business figures as Prometheus gauges, read from the projections when Prometheus scrapes:
 * open applications and tasks, legal deadlines about to fall or already passed, the notification outbox,
 * and running totals of escalations, of complements asked of citizens and of decisions granted by silence.
 *
 * Labels are the office, the procedure and a status: sets bounded by the directory and the shipped
 * definitions, never a tracking number or a person. One statement per family, all of them in one
 * read-only transaction per scrape, under a statement timeout: a slow database costs the scrape at most
 * `timeoutMs`, and `mohla_business_metrics_up` then says the figures are missing rather than stale.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { Counter, Gauge, type Registry } from 'prom-client';
import { transaction, type Sql } from './sql.js';

export interface BusinessMetricsOptions {
  /** Longest wait for the database per scrape. */
  timeoutMs?: number;
}

interface Count {
  office_id?: string;
  procedure_id?: string;
  status?: string;
  count: number;
}

/** The legal deadline is running: not paused while the administration waits for the citizen. */
const RUNNING = `not coalesce((deadline->>'paused')::boolean, false)`;

const STATEMENTS = {
  openApplications: `select office_id, procedure_id,
       case when ${RUNNING} then 'in_progress' else 'deadline_paused' end as status, count(*)::int as count
     from application where status = 'open' group by 1, 2, 3`,
  openTasks: `select office_id, procedure_id, status, count(*)::int as count
     from task where status in ('open', 'claimed') group by 1, 2, 3`,
  dueWithinDay: `select office_id, procedure_id, count(*)::int as count from application
     where status = 'open' and ${RUNNING} and due_at >= now() and due_at < now() + interval '24 hours' group by 1, 2`,
  // Still undecided an hour before the law's deadline: what the deadline alert pages on.
  dueWithinHour: `select office_id, procedure_id, count(*)::int as count from application
     where status = 'open' and ${RUNNING} and due_at >= now() and due_at < now() + interval '1 hour' group by 1, 2`,
  overdue: `select office_id, procedure_id, count(*)::int as count from application
     where status = 'open' and ${RUNNING} and due_at < now() group by 1, 2`,
  notifications: `select status, count(*)::int as count from notification group by 1`,
  // The timeline is append-only and retention only blanks its personal fields: these totals never fall.
  escalations: `select a.office_id, a.procedure_id, count(*)::int as count
     from timeline_entry e join application a on a.tracking_number = e.tracking_number
     where e.kind = 'taskEscalated' group by 1, 2`,
  complementRequests: `select a.office_id, a.procedure_id, count(*)::int as count
     from timeline_entry e join application a on a.tracking_number = e.tracking_number
     where e.kind = 'complementRequested' group by 1, 2`,
  silenceGrants: `select a.office_id, a.procedure_id, count(*)::int as count
     from timeline_entry e join application a on a.tracking_number = e.tracking_number
     where e.kind = 'closed' and (e.detail->>'grantedBySilence')::boolean group by 1, 2`,
} as const;

type Figures = Record<keyof typeof STATEMENTS, Count[]>;

async function readFigures(sql: Sql, timeoutMs: number): Promise<Figures> {
  await sql('set transaction read only');
  // A constant text (db/sql.ts prepares every statement by its text); the value is PostgreSQL's own.
  await sql(`select set_config('statement_timeout', $1, true)`, [String(timeoutMs)]);
  const figures: Partial<Figures> = {};
  for (const [family, text] of Object.entries(STATEMENTS)) figures[family as keyof Figures] = await sql<Count>(text);
  return figures as Figures;
}

/** Rejects after `ms`: the pool may be exhausted or the server gone, where no statement timeout applies. */
function within<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** Registers the business gauges on `registry`; each scrape reads the database once for all of them. */
export function registerBusinessMetrics(registry: Registry, orm: MikroORM, options: BusinessMetricsOptions = {}): void {
  const timeoutMs = options.timeoutMs ?? 2000;
  // prom-client collects every metric of a scrape at once: they share the one read in flight.
  let reading: Promise<Figures | undefined> | undefined;
  const read = (): Promise<Figures | undefined> => {
    reading ??= within(
      transaction(orm, (sql) => readFigures(sql, timeoutMs)),
      timeoutMs + 500,
    )
      .catch(() => {
        failures.inc();
        return undefined;
      })
      .finally(() => setImmediate(() => (reading = undefined)));
    return reading;
  };
  // Both wait for this scrape's read, so they describe it rather than the one before.
  const failures = new Counter({
    name: 'mohla_business_metrics_read_failures_total',
    help: 'Scrapes whose read of the business figures failed or timed out.',
    registers: [registry],
    async collect() {
      await read();
    },
  });
  new Gauge({
    name: 'mohla_business_metrics_up',
    help: '1 when this scrape read the business figures from PostgreSQL, 0 when it could not (they are then absent).',
    registers: [registry],
    async collect() {
      this.set((await read()) ? 1 : 0);
    },
  });
  const gauge = (name: string, help: string, family: keyof Figures, labelNames: readonly ('office' | 'procedure' | 'status')[]) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        const figures = await read();
        // Missing rather than stale: a series from an earlier scrape must not pass for today's.
        this.reset();
        for (const row of figures?.[family] ?? []) this.set(labelsOf(row), row.count);
      },
    });
  const total = (name: string, help: string, family: keyof Figures) =>
    new Counter({
      name,
      help,
      labelNames: ['office', 'procedure'],
      registers: [registry],
      async collect() {
        const figures = await read();
        this.reset();
        for (const row of figures?.[family] ?? []) this.inc(labelsOf(row), row.count);
      },
    });

  gauge('mohla_open_applications', 'Open applications; status in_progress, or deadline_paused while the legal deadline waits for the citizen.', 'openApplications', ['office', 'procedure', 'status']);
  gauge('mohla_open_tasks', 'Tasks still to do; status open (in the office inbox) or claimed (taken by an agent).', 'openTasks', ['office', 'procedure', 'status']);
  gauge('mohla_applications_due_within_24h', 'Open applications whose running legal deadline falls within the next 24 hours.', 'dueWithinDay', ['office', 'procedure']);
  gauge('mohla_applications_due_within_1h', 'Open applications whose running legal deadline falls within the next hour: still undecided, and about to be late.', 'dueWithinHour', ['office', 'procedure']);
  gauge('mohla_applications_overdue', 'Open applications whose running legal deadline has passed.', 'overdue', ['office', 'procedure']);
  gauge('mohla_notifications', 'Rows of the notification outbox by status: pending, failed, sent, unreachable.', 'notifications', ['status']);
  total('mohla_task_escalations_total', 'Tasks escalated when their deadline expired, since the first application.', 'escalations');
  total('mohla_complement_requests_total', 'Complements (documents or fields) asked of citizens, since the first application.', 'complementRequests');
  total('mohla_silence_grants_total', 'Applications granted by the silence of the administration, since the first application.', 'silenceGrants');
}

function labelsOf(row: Count): Record<string, string> {
  return {
    ...(row.office_id !== undefined ? { office: row.office_id } : {}),
    ...(row.procedure_id !== undefined ? { procedure: row.procedure_id } : {}),
    ...(row.status !== undefined ? { status: row.status } : {}),
  };
}
