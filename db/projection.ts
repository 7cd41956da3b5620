/**
 * The read model's writes: a transition of an application (its row, its tasks, its timeline, its
 * outbox, its audit entries, the result of a move to a corrected version) in one statement (the
 * incidents recorded when PostgreSQL refuses one for good are in db/incidents.ts). The column lists come
 * from the entities (db/entities.ts), so a column added there is written here too.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { Application, columnsOf, Notification, Task, TimelineEntry, type TaskRecord, type TimelineRecord } from './entities.js';
import type { OutboxRow, ProjectedApplication } from './rows.js';
import { query } from './sql.js';

const APPLICATION_COLUMNS = columnsOf(Application, ['erasedAt']);
const TASK_COLUMNS = columnsOf(Task);
const TIMELINE_COLUMNS = columnsOf(TimelineEntry);
// queued_at stays null: the rows are handed to the queue after the statement (activities/projection.ts).
const NOTIFICATION_COLUMNS = columnsOf(Notification, ['queuedAt']);

const list = (columns: Record<string, string>) => Object.keys(columns).join(', ');

/** A row as JSON keyed by column name: PostgreSQL turns it back into the table's row type. */
function byColumn(row: object, columns: Record<string, string>): Record<string, unknown> {
  const values = row as Record<string, unknown>;
  return Object.fromEntries(Object.entries(columns).map(([column, field]) => [column, values[field] ?? null]));
}

/** An upsert that never lets an older revision overwrite a newer one (a late retry changes nothing). */
function upsertByRevision(table: string, key: string, columns: string[], source: string): string {
  const list = columns.join(', ');
  return `insert into ${table} (${list}) select ${list} from ${source}
    on conflict (${key}) do update set (${list}) = (${columns.map((c) => `excluded.${c}`).join(', ')})
    where ${table}.revision <= excluded.revision`;
}

/**
 * The whole projection of a transition in one statement, so one round trip and one implicit
 * transaction: the application, its tasks, the timeline, the notification outbox, then the audit
 * chain. The `written` subquery (kept apart by `offset 0`) finishes every row write before the chain
 * is appended: the chain's lock is always taken last, after any row lock, as in a transaction that
 * writes the rows first. The statement answers the notifications still to hand to the queue: the ones
 * it inserted, and any an earlier attempt inserted but did not queue (the second branch's snapshot
 * predates this statement's inserts, so nothing is listed twice).
 */
const PROJECTION_STATEMENT = `with
  application_row as (${upsertByRevision('application', 'tracking_number', Object.keys(APPLICATION_COLUMNS), 'jsonb_populate_record(null::application, $1::jsonb)')} returning 1),
  task_rows as (${upsertByRevision('task', 'id', Object.keys(TASK_COLUMNS), 'jsonb_populate_recordset(null::task, $2::jsonb)')} returning 1),
  timeline_rows as (
    insert into timeline_entry (${list(TIMELINE_COLUMNS)}) select ${list(TIMELINE_COLUMNS)} from jsonb_populate_recordset(null::timeline_entry, $3::jsonb)
    on conflict (tracking_number, seq) do nothing returning 1),
  -- A move to a corrected version is reported on its plan by the same statement that projects it, so the
  -- plan's results hold it even when the administrator's request died after the workflow moved.
  migration_rows as (
    insert into application_migration (plan_id, tracking_number, result, reasons, actor, at)
    select t.detail->>'plan', t.tracking_number, 'moved', '[]'::jsonb, coalesce(t.actor, ''), t.at
      from jsonb_populate_recordset(null::timeline_entry, $3::jsonb) t where t.kind = 'migrated' and t.detail ? 'plan'
    on conflict (plan_id, tracking_number) do update set result = 'moved', reasons = '[]'::jsonb, actor = excluded.actor, at = excluded.at
      where application_migration.result <> 'moved' returning 1),
  notification_rows as (
    insert into notification (${list(NOTIFICATION_COLUMNS)}) select ${list(NOTIFICATION_COLUMNS)} from jsonb_populate_recordset(null::notification, $4::jsonb)
    on conflict (key) do nothing returning key)
select written.waiting, audit_chain_append($6, $7::jsonb) as appended
  from (select array(select key from notification_rows
                     union all
                     select key from notification where key = any($5::text[]) and status = 'pending' and queued_at is null) as waiting,
               (select count(*) from application_row) + (select count(*) from task_rows) + (select count(*) from timeline_rows)
                 + (select count(*) from migration_rows) as rows
        offset 0) as written`;

export interface ProjectionRows {
  application: ProjectedApplication;
  tasks: TaskRecord[];
  timeline: TimelineRecord[];
  notifications: OutboxRow[];
  /** The timeline's entries as the database's audit_chain_append() takes them (audit/chain.ts). */
  auditEntries: unknown[];
}

/**
 * Writes a transition's rows in one statement (one round trip) and answers the keys of the
 * notifications still to hand to the queue. Idempotent: a retry writes the same rows, and rows older
 * than the stored revision change nothing.
 */
export async function writeProjection(orm: MikroORM, rows: ProjectionRows): Promise<string[]> {
  const [written] = await query<{ waiting: string[] }>(orm, PROJECTION_STATEMENT, [
    JSON.stringify(byColumn(rows.application, APPLICATION_COLUMNS)),
    JSON.stringify(rows.tasks.map((task) => byColumn(task, TASK_COLUMNS))),
    JSON.stringify(rows.timeline.map((entry) => byColumn(entry, TIMELINE_COLUMNS))),
    JSON.stringify(rows.notifications.map((notification) => byColumn(notification, NOTIFICATION_COLUMNS))),
    rows.notifications.map((n) => n.key),
    rows.application.trackingNumber,
    JSON.stringify(rows.auditEntries),
  ]);
  return written?.waiting ?? [];
}

/** The outbox rows the notification queue now holds. */
export async function markNotificationsQueued(orm: MikroORM, keys: string[], at: Date): Promise<void> {
  await query(orm, 'update notification set queued_at = $2 where key = any($1::text[]) and queued_at is null', [keys, at]);
}
