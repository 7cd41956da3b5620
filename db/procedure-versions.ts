/** The registry of published procedure versions: rows are inserted once and never updated. */
import type { MikroORM } from '@mikro-orm/postgresql';
import { ProcedureVersion, type ProcedureVersionRecord } from './entities.js';
import { query } from './sql.js';

/** The latest version's number; undefined when the procedure was never published. Every filing asks. */
export async function latestProcedureVersion(orm: MikroORM, procedureId: string): Promise<number | undefined> {
  const [latest] = await query<{ version: number | null }>(orm, 'select max(version) as version from procedure_version where procedure_id = $1', [procedureId]);
  return latest?.version ?? undefined;
}

export async function findProcedureVersion(orm: MikroORM, procedureId: string, version: number): Promise<ProcedureVersionRecord | null> {
  return orm.em.fork().findOne(ProcedureVersion, { procedureId, version });
}

/** Every procedure with its latest version's number, by procedure id. */
export async function latestProcedureVersions(orm: MikroORM): Promise<Array<{ procedureId: string; version: number }>> {
  const rows = await query<{ procedure_id: string; version: number }>(
    orm,
    'select procedure_id, max(version) as version from procedure_version group by procedure_id order by procedure_id',
  );
  return rows.map((r) => ({ procedureId: r.procedure_id, version: Number(r.version) }));
}

/** A procedure's versions, oldest first. */
export async function procedureVersionsOf(orm: MikroORM, procedureId: string): Promise<ProcedureVersionRecord[]> {
  return orm.em.fork().find(ProcedureVersion, { procedureId }, { orderBy: { version: 'asc' } });
}

/** A procedure's versions as seen inside its publication lock. */
export interface LockedProcedureVersions {
  find(version: number): Promise<ProcedureVersionRecord | null>;
  latest(): Promise<ProcedureVersionRecord | null>;
  insert(row: ProcedureVersionRecord): Promise<ProcedureVersionRecord>;
}

/** Runs `work` in a transaction holding the procedure's lock: one publisher at a time per procedure. */
export async function withProcedureLock<T>(orm: MikroORM, procedureId: string, work: (versions: LockedProcedureVersions) => Promise<T>): Promise<T> {
  return orm.em.fork().transactional(async (tx) => {
    await tx.execute('select pg_advisory_xact_lock(hashtext(?))', [procedureId]);
    return work({
      find: (version) => tx.findOne(ProcedureVersion, { procedureId, version }),
      latest: () => tx.findOne(ProcedureVersion, { procedureId }, { orderBy: { version: 'desc' } }),
      async insert(row) {
        const entity = tx.create(ProcedureVersion, row);
        await tx.persist(entity).flush();
        return entity;
      },
    });
  });
}
