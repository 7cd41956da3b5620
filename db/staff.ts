/** The staff directory as stored: who holds which role in which office, and how to reach them. */
import type { MikroORM } from '@mikro-orm/postgresql';
import { StaffMember, type StaffMemberRecord } from './entities.js';

/**
 * Adds or updates every member, in one transaction. With `prune`, members of the offices the list
 * covers who are not in it are removed; answers how many were.
 */
export async function saveStaff(orm: MikroORM, members: StaffMemberRecord[], options: { prune?: boolean } = {}): Promise<number> {
  return orm.em.fork().transactional(async (em) => {
    for (const row of members) await em.createQueryBuilder(StaffMember).insert(row).onConflict('id').merge().execute();
    if (!options.prune) return 0;
    const offices = [...new Set(members.map((m) => m.officeId))];
    return em.nativeDelete(StaffMember, { officeId: { $in: offices }, id: { $nin: members.map((m) => m.id) } });
  });
}

/** The directory, or one office's part of it, by office, role and id. */
export async function listStaff(orm: MikroORM, officeId?: string): Promise<StaffMemberRecord[]> {
  return orm.em.fork().find(StaffMember, officeId ? { officeId } : {}, { orderBy: { officeId: 'asc', role: 'asc', id: 'asc' } });
}
