/**
 * Migration plans and what applying them did, for the routes of api/routes/migrations.ts: the plan as an
 * administrator applies it, the open applications still on its old version, and one row per application
 * it moved or refused.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import type { MigrationPlan } from '../engine/migration/plan.js';
import { query } from './sql.js';

export interface StoredPlan {
  id: string;
  procedureId: string;
  fromVersion: number;
  toVersion: number;
  plan: MigrationPlan;
  createdBy: string;
  createdAt: Date;
}

export type MigrationResult = 'moved' | 'refused' | 'failed';

export interface ApplicationMigrationRow {
  trackingNumber: string;
  result: MigrationResult;
  reasons: string[];
  actor: string;
  at: Date;
}

// The pool hands instants back as text.
const asPlan = (row: StoredPlan): StoredPlan => ({ ...row, createdAt: new Date(row.createdAt) });

const PLAN_COLUMNS = `id, procedure_id as "procedureId", from_version as "fromVersion", to_version as "toVersion", plan, created_by as "createdBy", created_at as "createdAt"`;

/** Stores the plan once: the same plan posted again (its id is its content's digest) finds the first. */
export async function savePlan(orm: MikroORM, plan: StoredPlan): Promise<{ plan: StoredPlan; created: boolean }> {
  const inserted = await query<StoredPlan>(
    orm,
    `insert into migration_plan (id, procedure_id, from_version, to_version, plan, created_by, created_at) values ($1, $2, $3, $4, $5::jsonb, $6, $7)
     on conflict (id) do nothing returning ${PLAN_COLUMNS}`,
    [plan.id, plan.procedureId, plan.fromVersion, plan.toVersion, JSON.stringify(plan.plan), plan.createdBy, plan.createdAt],
  );
  if (inserted[0]) return { plan: asPlan(inserted[0]), created: true };
  return { plan: (await findPlan(orm, plan.procedureId, plan.id))!, created: false };
}

export async function findPlan(orm: MikroORM, procedureId: string, id: string): Promise<StoredPlan | undefined> {
  const [row] = await query<StoredPlan>(orm, `select ${PLAN_COLUMNS} from migration_plan where id = $1 and procedure_id = $2`, [id, procedureId]);
  return row && asPlan(row);
}

export async function listPlans(orm: MikroORM, procedureId: string): Promise<StoredPlan[]> {
  return (await query<StoredPlan>(orm, `select ${PLAN_COLUMNS} from migration_plan where procedure_id = $1 order by created_at, id`, [procedureId])).map(asPlan);
}

/**
 * The open applications on the plan's old version, oldest first, leaving out those the plan already moved,
 * and those it refused unless `refusedToo` (a batch after the obstacle was removed). The read model may
 * lag the workflow by one transition: the workflow checks each move again.
 */
export async function applicationsToMove(orm: MikroORM, plan: StoredPlan, options: { limit: number; refusedToo: boolean }): Promise<Array<{ trackingNumber: string; officeId: string }>> {
  return query<{ trackingNumber: string; officeId: string }>(
    orm,
    `select a.tracking_number as "trackingNumber", a.office_id as "officeId"
       from application a
      where a.procedure_id = $1 and a.procedure_version = $2 and a.status = 'open'
        and not exists (select 1 from application_migration m where m.plan_id = $3 and m.tracking_number = a.tracking_number
                          and (m.result = 'moved' or (m.result = 'refused' and not $5)))
      order by a.filed_at, a.tracking_number
      limit $4`,
    [plan.procedureId, plan.fromVersion, plan.id, options.limit, options.refusedToo],
  );
}

/** How many open applications are still on the old version and not yet looked at by the plan. */
export async function remainingToMove(orm: MikroORM, plan: StoredPlan): Promise<number> {
  const [row] = await query<{ count: string }>(
    orm,
    `select count(*) as count from application a
      where a.procedure_id = $1 and a.procedure_version = $2 and a.status = 'open'
        and not exists (select 1 from application_migration m where m.plan_id = $3 and m.tracking_number = a.tracking_number and m.result in ('moved', 'refused'))`,
    [plan.procedureId, plan.fromVersion, plan.id],
  );
  return Number(row?.count ?? 0);
}

/** Records what a batch did to one application; a later batch's answer replaces an earlier one, except that a move stays a move. */
export async function recordMigrationResult(orm: MikroORM, planId: string, row: ApplicationMigrationRow): Promise<void> {
  await query(
    orm,
    `insert into application_migration (plan_id, tracking_number, result, reasons, actor, at) values ($1, $2, $3, $4::jsonb, $5, $6)
     on conflict (plan_id, tracking_number) do update set result = excluded.result, reasons = excluded.reasons, actor = excluded.actor, at = excluded.at
      where application_migration.result <> 'moved'`,
    [planId, row.trackingNumber, row.result, JSON.stringify(row.reasons), row.actor, row.at],
  );
}

export async function migrationResults(orm: MikroORM, planId: string): Promise<ApplicationMigrationRow[]> {
  const rows = await query<ApplicationMigrationRow>(
    orm,
    `select tracking_number as "trackingNumber", result, reasons, actor, at from application_migration where plan_id = $1 order by at, tracking_number`,
    [planId],
  );
  return rows.map((row) => ({ ...row, at: new Date(row.at) }));
}
