import type { ApplicationState, Outcome, TaskState, TaskStatus } from '../engine/application.js';
import type { MikroORM } from '@mikro-orm/postgresql';
import { Application, Task, type ApplicationRecord, type TaskRecord } from '../db/entities.js';

/** What the API shows of an application (the form data stays out: it is personal). */
export function applicationView(state: ApplicationState) {
  return {
    trackingNumber: state.trackingNumber,
    procedure: { id: state.procedureId, version: state.procedureVersion },
    officeId: state.officeId,
    status: state.status,
    outcome: state.outcome ?? null,
    document: state.document ?? null,
    filedAt: state.filedAt,
    closedAt: state.closedAt ?? null,
    tasks: Object.values(state.tasks).map(taskView),
  };
}

export function taskView(task: TaskState) {
  return {
    id: task.id,
    stepId: task.stepId,
    role: task.role,
    officeId: task.officeId,
    status: task.status,
    assignee: task.assignee ?? null,
    outcome: task.outcome ?? null,
    createdAt: task.createdAt,
    completedAt: task.completedAt ?? null,
  };
}

const iso = (d: Date | null | undefined) => d?.toISOString();

export function taskFromRecord(row: TaskRecord): TaskState {
  return {
    id: row.id,
    stepId: row.stepId,
    role: row.role,
    officeId: row.officeId,
    status: row.status as TaskStatus,
    assignee: row.assignee ?? undefined,
    outcome: row.outcome ?? undefined,
    createdAt: row.createdAt.toISOString(),
    completedAt: iso(row.completedAt),
    completedBy: row.completedBy ?? undefined,
  };
}

/** The projection read back as the engine's state, so one view serves both. */
export function stateFromRecords(app: ApplicationRecord, tasks: TaskRecord[]): ApplicationState {
  return {
    trackingNumber: app.trackingNumber,
    procedureId: app.procedureId,
    procedureVersion: app.procedureVersion,
    officeId: app.officeId,
    status: app.status as ApplicationState['status'],
    outcome: (app.outcome ?? undefined) as Outcome | undefined,
    document: app.document ?? undefined,
    data: app.data,
    filedBy: app.filedBy,
    filedAt: app.filedAt.toISOString(),
    closedAt: iso(app.closedAt),
    tasks: Object.fromEntries(tasks.map((t) => [t.id, taskFromRecord(t)])),
    taskCount: tasks.length,
    revision: app.revision,
  };
}

/** An application as its projection holds it, or undefined when none has this tracking number. */
export async function readApplication(orm: MikroORM, trackingNumber: string): Promise<ApplicationState | undefined> {
  const em = orm.em.fork();
  const application = await em.findOne(Application, { trackingNumber });
  if (!application) return undefined;
  const tasks = await em.find(Task, { trackingNumber }, { orderBy: { createdAt: 'asc', id: 'asc' } });
  return stateFromRecords(application, tasks);
}
