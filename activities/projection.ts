import type { MikroORM } from '@mikro-orm/postgresql';
import type { ApplicationState, TaskState } from '../engine/application.js';
import { Application, Task, type ApplicationRecord, type TaskRecord } from '../db/entities.js';

export interface ProjectionChange {
  application: ApplicationState;
  procedureHash: string;
  /** The tasks created or changed by this transition. */
  tasks: TaskState[];
}

const date = (iso: string | undefined): Date | null => (iso ? new Date(iso) : null);

function applicationRow(change: ProjectionChange, now: Date): ApplicationRecord {
  const app = change.application;
  return {
    trackingNumber: app.trackingNumber,
    procedureId: app.procedureId,
    procedureVersion: app.procedureVersion,
    procedureHash: change.procedureHash,
    officeId: app.officeId,
    status: app.status,
    outcome: app.outcome ?? null,
    document: app.document ?? null,
    data: app.data,
    filedBy: app.filedBy,
    filedAt: new Date(app.filedAt),
    closedAt: date(app.closedAt),
    revision: app.revision,
    updatedAt: now,
  };
}

function taskRow(app: ApplicationState, task: TaskState, now: Date): TaskRecord {
  return {
    id: task.id,
    trackingNumber: app.trackingNumber,
    procedureId: app.procedureId,
    stepId: task.stepId,
    role: task.role,
    officeId: task.officeId,
    status: task.status,
    assignee: task.assignee ?? null,
    outcome: task.outcome ?? null,
    createdAt: new Date(task.createdAt),
    completedAt: date(task.completedAt),
    completedBy: task.completedBy ?? null,
    revision: app.revision,
    updatedAt: now,
  };
}

export function createProjectionActivities(deps: { orm: MikroORM }) {
  return {
    /**
     * Writes one transition of an application into the projections, in one transaction. Idempotent: a
     * retry writes the same rows, and a write older than the stored revision changes nothing.
     */
    async recordProjection(change: ProjectionChange): Promise<void> {
      const now = new Date();
      const revision = change.application.revision;
      await deps.orm.em.fork().transactional(async (em) => {
        await em
          .createQueryBuilder(Application)
          .insert(applicationRow(change, now))
          .onConflict('trackingNumber')
          .merge()
          .where({ revision: { $lte: revision } })
          .execute();
        for (const task of change.tasks) {
          await em
            .createQueryBuilder(Task)
            .insert(taskRow(change.application, task, now))
            .onConflict('id')
            .merge()
            .where({ revision: { $lte: revision } })
            .execute();
        }
      });
    },
  };
}

export type ProjectionActivities = ReturnType<typeof createProjectionActivities>;
