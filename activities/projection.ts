import type { MikroORM } from '@mikro-orm/postgresql';
import type { ApplicationState, TaskState } from '../engine/interpreter/state.js';
import type { Command } from '../engine/interpreter/commands.js';
import type { ApplicationRecord, TaskRecord } from '../db/entities.js';
import { applicationRow, taskRow } from '../db/rows.js';
import { query } from '../db/sql.js';
import { chainEntries } from '../audit/chain.js';
import { hasPersonalFields, newSalt } from '../audit/commitment.js';
import type { NotificationQueues } from '../notifications/queues.js';
import { permanentRefusal, storableText, withoutClientData, type PermanentRefusal } from './unstorable.js';
import { loggableMessage } from '../infra/log-redaction.js';

export interface ProjectionChange {
  state: ApplicationState;
  /** The commands of the transition: tasks created or changed, timeline entries, notifications. */
  commands: Command[];
  procedureHash: string;
}

/** The projection's columns, as the row mappers (db/rows.ts) name them. */
const APPLICATION_COLUMNS = {
  tracking_number: 'trackingNumber',
  procedure_id: 'procedureId',
  procedure_version: 'procedureVersion',
  procedure_hash: 'procedureHash',
  office_id: 'officeId',
  status: 'status',
  outcome: 'outcome',
  document: 'document',
  data: 'data',
  filed_by: 'filedBy',
  filed_at: 'filedAt',
  closed_at: 'closedAt',
  granted_by_silence: 'grantedBySilence',
  motivation: 'motivation',
  due_at: 'dueAt',
  deadline: 'deadline',
  citizen: 'citizen',
  revision: 'revision',
  updated_at: 'updatedAt',
} as const satisfies Record<string, keyof ApplicationRecord>;

const TASK_COLUMNS = {
  id: 'id',
  tracking_number: 'trackingNumber',
  procedure_id: 'procedureId',
  step_id: 'stepId',
  role: 'role',
  office_id: 'officeId',
  status: 'status',
  assignee: 'assignee',
  outcome: 'outcome',
  created_at: 'createdAt',
  completed_at: 'completedAt',
  completed_by: 'completedBy',
  escalated: 'escalated',
  due_at: 'dueAt',
  service_level_due_at: 'serviceLevelDueAt',
  revision: 'revision',
  updated_at: 'updatedAt',
} as const satisfies Record<string, keyof TaskRecord>;

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

const TIMELINE_COLUMNS = 'tracking_number, seq, at, kind, actor, step_id, task_id, detail, salt';
const NOTIFICATION_COLUMNS = 'key, tracking_number, template, recipients, context, status, created_at';

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
    insert into timeline_entry (${TIMELINE_COLUMNS}) select ${TIMELINE_COLUMNS} from jsonb_populate_recordset(null::timeline_entry, $3::jsonb)
    on conflict (tracking_number, seq) do nothing returning 1),
  notification_rows as (
    insert into notification (${NOTIFICATION_COLUMNS}) select ${NOTIFICATION_COLUMNS} from jsonb_populate_recordset(null::notification, $4::jsonb)
    on conflict (key) do nothing returning key)
select written.waiting, audit_chain_append($6, $7::jsonb) as appended
  from (select array(select key from notification_rows
                     union all
                     select key from notification where key = any($5::text[]) and status = 'pending' and queued_at is null) as waiting,
               (select count(*) from application_row) + (select count(*) from task_rows) + (select count(*) from timeline_rows) as rows
        offset 0) as written`;

/**
 * Hands the transition's new outbox rows to the notification queue, job id = business key. Redis being
 * away does not fail the activity: the rows are committed, and the notification worker's relay queues
 * them when Redis is back. Failing here would hold every update (a filing at a counter, an agent's
 * decision) until Redis returned, for messages that are safe in PostgreSQL anyway.
 */
async function handOverNotifications(orm: MikroORM, queues: NotificationQueues, waiting: string[]): Promise<void> {
  try {
    await queues.enqueue(waiting);
  } catch (err) {
    console.warn(`notifications ${waiting.join(', ')} wait for the relay: ${loggableMessage((err as Error).message)}`);
    return;
  }
  await query(orm, 'update notification set queued_at = $2 where key = any($1::text[]) and queued_at is null', [waiting, new Date()]);
}

/** The statement's parameters for one transition. */
function projectionParams(change: ProjectionChange, now: Date): unknown[] {
  const { state, commands } = change;
  // Every open task carries the legal due date, which moves with pauses and extensions.
  const changed = new Map<string, TaskState>();
  for (const c of commands) if (c.type === 'createTask' || c.type === 'updateTask') changed.set(c.task.id, c.task);
  for (const task of Object.values(state.tasks)) {
    if (task.status === 'open' || task.status === 'claimed') changed.set(task.id, task);
  }
  // A fresh salt per attempt is safe: the timeline row and its audit row are written by one statement, so a
  // retry that finds them there keeps the first attempt's salt in both.
  const timeline = commands.flatMap((c) => (c.type === 'timeline' ? [{ seq: c.seq, entry: c.entry, salt: hasPersonalFields(c.entry.detail ?? {}) ? newSalt() : null }] : []));
  const notifications = commands.flatMap((c) => (c.type === 'notify' ? [c] : []));
  return [
    JSON.stringify(byColumn(applicationRow(state, change.procedureHash, now), APPLICATION_COLUMNS)),
    JSON.stringify([...changed.values()].map((task) => byColumn(taskRow(state, task, now), TASK_COLUMNS))),
    JSON.stringify(
      timeline.map(({ seq, entry, salt }) => ({
        tracking_number: state.trackingNumber,
        seq,
        at: entry.at,
        kind: entry.kind,
        actor: entry.actor ?? null,
        step_id: entry.stepId ?? null,
        task_id: entry.taskId ?? null,
        detail: entry.detail ?? {},
        salt,
      })),
    ),
    JSON.stringify(
      notifications.map((c) => ({
        key: c.key,
        tracking_number: state.trackingNumber,
        template: c.template,
        recipients: c.recipients,
        context: c.context,
        status: 'pending',
        created_at: now,
      })),
    ),
    notifications.map((c) => c.key),
    state.trackingNumber,
    JSON.stringify(chainEntries(state.trackingNumber, timeline)),
  ];
}

/**
 * A transition PostgreSQL cannot store as it is, written as close to it as can be stored: first with
 * the characters PostgreSQL refuses replaced, then without the client's data (the form, details of the
 * timeline, notifications). The application stays reachable, its tasks in the inbox.
 */
const STORABLE_FORMS: Array<{ change: (c: ProjectionChange) => ProjectionChange; outcome: string }> = [
  { change: storableText, outcome: 'stored with the characters PostgreSQL refuses replaced by U+FFFD' },
  { change: (c) => withoutClientData(storableText(c)), outcome: "stored without the form's data, the timeline's details and the notifications" },
];

async function recordIncident(orm: MikroORM, change: ProjectionChange, refusal: PermanentRefusal, outcome: string): Promise<void> {
  const { trackingNumber, revision } = change.state;
  await query(
    orm,
    `insert into projection_incident (tracking_number, revision, code, reason, occurred_at) values ($1, $2, $3, $4, $5)
       on conflict (tracking_number, revision) do nothing`,
    [trackingNumber, revision, refusal.code, `${refusal.reason}; ${outcome}`.slice(0, 300), new Date()],
  );
  // The tracking number, the revision and the rule: never the data (Law 09-08).
  console.warn(`projection of ${trackingNumber} revision ${revision} refused by PostgreSQL (${refusal.code}, ${refusal.reason}): ${outcome}; see GET /incidents`);
}

export function createProjectionActivities(deps: { orm: MikroORM; notifications?: NotificationQueues }) {
  async function write(change: ProjectionChange): Promise<void> {
    const [written] = await query<{ waiting: string[] }>(deps.orm, PROJECTION_STATEMENT, projectionParams(change, new Date()));
    const waiting = written?.waiting ?? [];
    if (waiting.length && deps.notifications) await handOverNotifications(deps.orm, deps.notifications, waiting);
  }

  return {
    /**
     * Writes one transition of an application into the projections, in one statement. Idempotent: a
     * retry writes the same rows, and a write older than the stored revision changes nothing.
     *
     * A write that no retry can fix (PostgreSQL refuses the data itself) is not retried forever, which
     * would hold the filing or the action unanswered and grow the history at every attempt: the
     * transition is stored in a form PostgreSQL takes, and an incident recorded for an administrator.
     * Everything else (PostgreSQL away, a connection cut) is thrown, so the activity is retried.
     */
    async recordProjection(change: ProjectionChange): Promise<void> {
      let refusal: PermanentRefusal | undefined;
      try {
        return await write(change);
      } catch (err) {
        refusal = permanentRefusal(err);
        if (!refusal) throw err;
      }
      for (const form of STORABLE_FORMS) {
        try {
          await write(form.change(change));
          return await recordIncident(deps.orm, change, refusal, form.outcome);
        } catch (err) {
          if (!permanentRefusal(err)) throw err;
        }
      }
      await recordIncident(deps.orm, change, refusal, 'not stored');
    },
  };
}
export type ProjectionActivities = ReturnType<typeof createProjectionActivities>;
