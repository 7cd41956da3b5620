import type { MikroORM } from '@mikro-orm/postgresql';
import type { ApplicationState, Command, TaskState } from '../engine/application.js';
import { Application, Notification, Task, TimelineEntry } from '../db/entities.js';
import { applicationRow, taskRow } from '../db/rows.js';
import { appendToAuditChain } from '../audit/chain.js';
import type { NotificationQueues } from '../notifications/queues.js';
import { NotificationStore } from '../notifications/store.js';

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
async function handOverNotifications(orm: MikroORM, queues: NotificationQueues, keys: string[]): Promise<void> {
  const store = new NotificationStore(orm);
  const waiting = await store.stillToQueue(keys);
  if (!waiting.length) return;
  try {
    await queues.enqueue(waiting);
  } catch (err) {
    console.warn(`notifications ${waiting.join(', ')} wait for the relay: ${(err as Error).message}`);
    return;
  }
  await store.markQueued(waiting);
}

export function createProjectionActivities(deps: { orm: MikroORM; notifications?: NotificationQueues }) {
  return {
    /**
     * Writes one transition of an application into the projections, in one transaction. Idempotent: a
     * retry writes the same rows, and a write older than the stored revision changes nothing.
     */
    async recordProjection(change: ProjectionChange): Promise<void> {
      const now = new Date();
      const { state, commands } = change;
      const revision = state.revision;
      // Every open task carries the legal due date, which moves with pauses and extensions.
      const changed = new Map<string, TaskState>();
      for (const c of commands) if (c.type === 'createTask' || c.type === 'updateTask') changed.set(c.task.id, c.task);
      for (const task of Object.values(state.tasks)) {
        if (task.status === 'open' || task.status === 'claimed') changed.set(task.id, task);
      }
      await deps.orm.em.fork().transactional(async (em) => {
        await em
          .createQueryBuilder(Application)
          .insert(applicationRow(change.state, change.procedureHash, now))
          .onConflict('trackingNumber')
          .merge()
          .where({ revision: { $lte: revision } })
          .execute();
        for (const task of changed.values()) {
          await em
            .createQueryBuilder(Task)
            .insert(taskRow(state, task, now))
            .onConflict('id')
            .merge()
            .where({ revision: { $lte: revision } })
            .execute();
        }
        for (const c of commands) {
          if (c.type === 'timeline') {
            await em
              .createQueryBuilder(TimelineEntry)
              .insert({
                trackingNumber: state.trackingNumber,
                seq: c.seq,
                at: new Date(c.entry.at),
                kind: c.entry.kind,
                actor: c.entry.actor ?? null,
                stepId: c.entry.stepId ?? null,
                taskId: c.entry.taskId ?? null,
                detail: c.entry.detail ?? {},
              })
              .onConflict(['trackingNumber', 'seq'])
              .ignore()
              .execute();
          } else if (c.type === 'notify') {
            await em
              .createQueryBuilder(Notification)
              .insert({
                key: c.key,
                trackingNumber: state.trackingNumber,
                template: c.template,
                recipients: c.recipients,
                context: c.context,
                status: 'pending',
                createdAt: now,
              })
              .onConflict('key')
              .ignore()
              .execute();
          }
        }
        await appendToAuditChain(
          em,
          state.trackingNumber,
          commands.flatMap((c) => (c.type === 'timeline' ? [{ seq: c.seq, entry: c.entry }] : [])),
        );
      });
      const notifications = commands.flatMap((c) => (c.type === 'notify' ? [c.key] : []));
      if (notifications.length && deps.notifications) await handOverNotifications(deps.orm, deps.notifications, notifications);
    },
  };
}

export type ProjectionActivities = ReturnType<typeof createProjectionActivities>;
