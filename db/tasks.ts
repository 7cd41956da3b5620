/** Tasks as the read model holds them, for the actions agents take on them. */
import type { MikroORM } from '@mikro-orm/postgresql';
import { Task, type TaskRecord } from './entities.js';
import { query } from './sql.js';

export async function findTask(orm: MikroORM, id: string): Promise<TaskRecord | null> {
  return orm.em.fork().findOne(Task, { id });
}

/** What an action on a task needs to know of it: its office, and the procedure version its application runs. */
export interface TaskForAction {
  id: string;
  stepId: string;
  officeId: string;
  procedureId: string;
  procedureVersion: number;
}

/** Every action of an agent starts here: plain SQL, one round trip. */
export async function findTaskForAction(orm: MikroORM, id: string): Promise<TaskForAction | undefined> {
  const [task] = await query<TaskForAction>(
    orm,
    `select t.id, t.step_id as "stepId", t.office_id as "officeId", a.procedure_id as "procedureId", a.procedure_version as "procedureVersion"
       from task t join application a on a.tracking_number = t.tracking_number
      where t.id = $1`,
    [id],
  );
  return task;
}
