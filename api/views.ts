import type { MikroORM } from '@mikro-orm/postgresql';
import type { ApplicationState } from '../engine/interpreter/state.js';
import { applicationRow, taskRow } from '../db/rows.js';
import { Application, Task, type ApplicationRecord, type TaskRecord } from '../db/entities.js';
import type { ApplicationView, LegalDeadlineView, TaskView } from './answers.js';

/** A workflow's state, shown exactly as its projection will show it. */
export function applicationView(state: ApplicationState): ApplicationView {
  const now = new Date(0);
  return applicationViewFromRecords(
    applicationRow(state, '', now),
    Object.values(state.tasks).map((task) => taskRow(state, task, now)),
  );
}

/** The fields of a task that its view shows. */
export type TaskViewSource = Pick<TaskRecord, 'id' | 'stepId' | 'role' | 'officeId' | 'status' | 'assignee' | 'outcome' | 'escalated' | 'createdAt' | 'completedAt'>;

export function taskViewFromRecord(row: TaskViewSource): TaskView {
  return {
    id: row.id,
    stepId: row.stepId,
    role: row.role,
    officeId: row.officeId,
    status: row.status,
    assignee: row.assignee ?? null,
    outcome: row.outcome ?? null,
    escalated: row.escalated,
    createdAt: row.createdAt.toISOString(),
    completedAt: row.completedAt?.toISOString() ?? null,
  };
}

export function applicationViewFromRecords(app: ApplicationRecord, tasks: TaskRecord[]): ApplicationView {
  return {
    trackingNumber: app.trackingNumber,
    procedure: { id: app.procedureId, version: app.procedureVersion },
    officeId: app.officeId,
    citizen: app.citizen,
    filedBy: app.filedBy,
    status: app.status,
    outcome: app.outcome ?? null,
    document: app.document ?? null,
    grantedBySilence: app.grantedBySilence,
    motivation: app.motivation ?? null,
    filedAt: app.filedAt.toISOString(),
    closedAt: app.closedAt?.toISOString() ?? null,
    deadline: (app.deadline as LegalDeadlineView | undefined) ?? null,
    tasks: tasks.map(taskViewFromRecord),
  };
}

/** An application as its projection holds it, or undefined when none has this tracking number. */
export async function readApplication(orm: MikroORM, trackingNumber: string): Promise<ApplicationView | undefined> {
  const em = orm.em.fork();
  const application = await em.findOne(Application, { trackingNumber });
  if (!application) return undefined;
  const tasks = await em.find(Task, { trackingNumber }, { orderBy: { createdAt: 'asc', id: 'asc' } });
  return applicationViewFromRecords(application, tasks);
}
