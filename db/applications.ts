/**
 * Applications as the read model holds them: one with its tasks, the lists people page through, the
 * rows a period's statistics are computed from.
 */
import { IsolationLevel, type MikroORM } from '@mikro-orm/postgresql';
import { Application, Task, type ApplicationRecord, type TaskRecord } from './entities.js';

/**
 * An application's row and its tasks, oldest first; undefined when no application has this tracking
 * number. Both are read in one snapshot: a projection written between two reads would give a view whose
 * tasks and clocks disagree.
 */
export async function findApplication(orm: MikroORM, trackingNumber: string): Promise<{ application: ApplicationRecord; tasks: TaskRecord[] } | undefined> {
  return orm.em.fork().transactional(
    async (em) => {
      const application = await em.findOne(Application, { trackingNumber });
      if (!application) return undefined;
      const tasks = await em.find(Task, { trackingNumber }, { orderBy: { createdAt: 'asc', id: 'asc' } });
      return { application, tasks };
    },
    { isolationLevel: IsolationLevel.REPEATABLE_READ, readOnly: true },
  );
}

export interface ApplicationListFilter {
  status?: 'open' | 'closed';
  /** A citizen's own applications. */
  citizen?: string;
  /** One office's, or those of several; every office's when absent. */
  offices?: string | readonly string[];
  limit: number;
}

/** Applications, most recently filed first. */
export async function listApplications(orm: MikroORM, filter: ApplicationListFilter): Promise<ApplicationRecord[]> {
  const where: Record<string, unknown> = filter.status ? { status: filter.status } : {};
  if (filter.citizen !== undefined) where.citizen = filter.citizen;
  if (filter.offices !== undefined) where.officeId = typeof filter.offices === 'string' ? filter.offices : { $in: filter.offices };
  return orm.em.fork().find(Application, where, { orderBy: { filedAt: 'desc' }, limit: filter.limit });
}

export interface PeriodScope {
  /** The offices counted, or every office. */
  offices: readonly string[] | 'all';
  officeId?: string;
  procedureId?: string;
  from: Date;
  /** Exclusive. */
  to: Date;
}

/**
 * What a period's statistics are computed from: the applications filed before its end and not closed
 * before its start, which of their tasks were escalated, and the tasks completed within it.
 */
export async function periodRecords(
  orm: MikroORM,
  scope: PeriodScope,
): Promise<{ applications: ApplicationRecord[]; escalatedTasks: TaskRecord[]; completedTasks: TaskRecord[] }> {
  const where: Record<string, unknown> = scope.offices === 'all' ? {} : { officeId: { $in: scope.offices } };
  if (scope.officeId) where.officeId = scope.officeId;
  if (scope.procedureId) where.procedureId = scope.procedureId;
  const em = orm.em.fork();
  const applications = await em.find(Application, { ...where, filedAt: { $lt: scope.to }, $or: [{ closedAt: null }, { closedAt: { $gte: scope.from } }] });
  const escalatedTasks = await em.find(Task, { trackingNumber: { $in: applications.map((r) => r.trackingNumber) }, escalated: true });
  const completedTasks = await em.find(Task, { ...where, completedAt: { $gte: scope.from, $lt: scope.to } });
  return { applications, escalatedTasks, completedTasks };
}
