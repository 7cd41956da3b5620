import type { MikroORM } from '@mikro-orm/postgresql';
import type { ApplicationState, TaskState } from '../engine/interpreter/state.js';
import type { Command } from '../engine/interpreter/commands.js';
import { markNotificationsQueued, writeProjection, type ProjectionRows } from '../db/projection.js';
import { recordProjectionIncident } from '../db/incidents.js';
import { applicationRow, notificationRow, taskRow, timelineRow } from '../db/rows.js';
import { chainEntries } from '../audit/chain-format.js';
import { hasPersonalFields, newSalt } from '../audit/commitment.js';
import type { NotificationQueues } from '../notifications/queues.js';
import { permanentRefusal, storableText, withoutClientData, type PermanentRefusal } from './unstorable.js';
import { loggableMessage } from '../infra/log-redaction.js';
import { activityLog } from './activity-log.js';

export interface ProjectionChange {
  state: ApplicationState;
  /** The commands of the transition: tasks created or changed, timeline entries, notifications. */
  commands: Command[];
  procedureHash: string;
}

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
    activityLog().warn(`notifications ${waiting.join(', ')} wait for the relay: ${loggableMessage((err as Error).message)}`);
    return;
  }
  await markNotificationsQueued(orm, waiting, new Date());
}

/** The rows one transition writes. */
function projectionRows(change: ProjectionChange, now: Date): ProjectionRows {
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
  return {
    application: applicationRow(state, change.procedureHash, now),
    tasks: [...changed.values()].map((task) => taskRow(state, task, now)),
    timeline: timeline.map(({ seq, entry, salt }) => timelineRow(state.trackingNumber, seq, entry, salt)),
    notifications: notifications.map((c) => notificationRow(state.trackingNumber, c, now)),
    auditEntries: chainEntries(state.trackingNumber, timeline),
  };
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
  await recordProjectionIncident(orm, { trackingNumber, revision, code: refusal.code, reason: `${refusal.reason}; ${outcome}`.slice(0, 300), occurredAt: new Date() });
  // The tracking number, the revision and the rule: never the data (Law 09-08).
  activityLog().warn(`projection of ${trackingNumber} revision ${revision} refused by PostgreSQL (${refusal.code}, ${refusal.reason}): ${outcome}; see GET /incidents`);
}

export function createProjectionActivities(deps: { orm: MikroORM; notifications?: NotificationQueues }) {
  async function write(change: ProjectionChange): Promise<void> {
    const waiting = await writeProjection(deps.orm, projectionRows(change, new Date()));
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
