/**
 * One page of the inbox: tasks in the order agents read them (legal due date, tasks without one last,
 * then id), filtered, after a cursor. Plain SQL on the `task_inbox_index` (office, due date, id) of the
 * open and claimed tasks: each office's page is read off its index range and stops at the page size,
 * so a page costs the same with a thousand open tasks or a million, and the first page the same as the
 * hundredth. Callers working for several offices get each office's first rows, merged.
 *
 * The statement's text depends only on which filters are present (and on the status, one of four
 * fixed words, written into the text so that PostgreSQL can match the index's condition); the values
 * are parameters. So there are a bounded number of texts, each prepared once per connection (db/sql.ts).
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import type { TaskRecord } from './entities.js';
import { query } from './sql.js';

export type TaskStatus = 'open' | 'claimed' | 'completed' | 'cancelled';

export interface InboxFilter {
  /** The offices whose tasks are listed, or every office (administrators). */
  offices: readonly string[] | 'all';
  /** One status; without it, the tasks still to do (open and claimed). */
  status?: TaskStatus;
  role?: string;
  procedureId?: string;
  assignee?: string;
  dueBefore?: Date;
  /** The last row of the previous page: its due instant (null when it has none) and id. */
  after?: { dueAt: Date | null; id: string };
  /** Rows to return at most. */
  limit: number;
}

/** What the inbox shows of a task. */
export type InboxTask = Pick<
  TaskRecord,
  | 'id'
  | 'trackingNumber'
  | 'procedureId'
  | 'stepId'
  | 'role'
  | 'officeId'
  | 'status'
  | 'assignee'
  | 'outcome'
  | 'escalated'
  | 'createdAt'
  | 'completedAt'
  | 'dueAt'
  | 'serviceLevelDueAt'
>;

export interface InboxRow {
  task: InboxTask;
  /** Whether the application's legal deadline is paused (waiting on the citizen). */
  paused: boolean;
  /** The application's named clocks as the read model keeps them, or null. */
  clocks: unknown;
}

/** Tasks without a due date sort after every date, as in the index. */
const ORDER = `coalesce(t.due_at, 'infinity'::timestamptz), t.id`;

const STATUS_CONDITION: Record<TaskStatus | 'to do', string> = {
  'to do': `t.status in ('open', 'claimed')`,
  open: `t.status = 'open'`,
  claimed: `t.status = 'claimed'`,
  completed: `t.status = 'completed'`,
  cancelled: `t.status = 'cancelled'`,
};

/**
 * Every office with a task of that status, one index probe each (PostgreSQL 15 has no skip scan): how
 * an administrator's inbox finds the offices to merge.
 */
function everyOffice(status: string): string {
  const next = (after: string) => `select t.office_id from task t where ${status}${after} order by t.office_id limit 1`;
  return `(with recursive offices(office_id) as (
      (${next('')})
      union all
      select (${next(' and t.office_id > o.office_id')}) from offices o where o.office_id is not null)
    select office_id from offices where office_id is not null)`;
}

/** Instants as milliseconds since the epoch: a number each, instead of text to parse. */
const epochMs = (column: string) => `(extract(epoch from ${column}) * 1000)::float8`;

const COLUMNS = `t.id, t.tracking_number, t.procedure_id, t.step_id, t.role, t.office_id, t.status, t.assignee, t.outcome, t.escalated,
  ${epochMs('t.created_at')} as created_at, ${epochMs('t.completed_at')} as completed_at, ${epochMs('t.due_at')} as due_at,
  ${epochMs('t.service_level_due_at')} as service_level_due_at, t.visit`;

interface InboxQueryRow {
  id: string;
  tracking_number: string;
  procedure_id: string;
  step_id: string;
  role: string;
  office_id: string;
  status: string;
  assignee: string | null;
  outcome: string | null;
  escalated: boolean;
  created_at: number;
  completed_at: number | null;
  due_at: number | null;
  service_level_due_at: number | null;
  visit: number | null;
  paused: boolean;
  clocks: unknown;
}

const instant = (ms: number | null) => (ms === null ? null : new Date(ms));

export async function inboxPage(orm: MikroORM, filter: InboxFilter): Promise<InboxRow[]> {
  if (filter.offices !== 'all' && !filter.offices.length) return [];
  const values: unknown[] = [];
  const param = (value: unknown, type: string) => {
    values.push(value);
    return `$${values.length}::${type}`;
  };
  const status = STATUS_CONDITION[filter.status ?? 'to do'];
  const offices = filter.offices === 'all' ? everyOffice(status) : `unnest(${param(filter.offices, 'text[]')})`;
  const conditions = [`t.office_id = o.office_id`, status];
  if (filter.role !== undefined) conditions.push(`t.role = ${param(filter.role, 'text')}`);
  if (filter.procedureId !== undefined) conditions.push(`t.procedure_id = ${param(filter.procedureId, 'text')}`);
  if (filter.assignee !== undefined) conditions.push(`t.assignee = ${param(filter.assignee, 'text')}`);
  // A due date is finite, so this keeps exactly the tasks due before it, and reads as a bound of the index.
  if (filter.dueBefore !== undefined) conditions.push(`coalesce(t.due_at, 'infinity'::timestamptz) < ${param(filter.dueBefore, 'timestamptz')}`);
  if (filter.after) {
    const due = param(filter.after.dueAt, 'timestamptz');
    conditions.push(`(${ORDER}) > (coalesce(${due}, 'infinity'::timestamptz), ${param(filter.after.id, 'text')})`);
  }
  const limit = param(filter.limit, 'int');
  const rows = await query<InboxQueryRow>(
    orm,
    `select t.* from ${offices} as o(office_id)
       cross join lateral (
         select ${COLUMNS}, coalesce((a.deadline->>'paused')::boolean, false) as paused, a.clocks
           from task t join application a on a.tracking_number = t.tracking_number
          where ${conditions.join(' and ')}
          order by ${ORDER} limit ${limit}) t
      order by coalesce(t.due_at, 'infinity'::float8), t.id limit ${limit}`,
    values,
  );
  return rows.map((r) => ({
    task: {
      id: r.id,
      trackingNumber: r.tracking_number,
      procedureId: r.procedure_id,
      stepId: r.step_id,
      role: r.role,
      officeId: r.office_id,
      status: r.status,
      assignee: r.assignee,
      outcome: r.outcome,
      escalated: r.escalated,
      createdAt: new Date(r.created_at),
      completedAt: instant(r.completed_at),
      dueAt: instant(r.due_at),
      serviceLevelDueAt: instant(r.service_level_due_at),
      visit: r.visit,
    },
    paused: r.paused,
    clocks: r.clocks,
  }));
}
