/** Calendar versions: a correction is a new version, never an edit. */
import type { MikroORM } from '@mikro-orm/postgresql';
import { CalendarVersion, type CalendarVersionRecord } from './entities.js';
import { query } from './sql.js';

/** The latest version's number; undefined when the calendar is not loaded. Every deadline computed asks. */
export async function latestCalendarVersion(orm: MikroORM, calendarId: string): Promise<number | undefined> {
  const [latest] = await query<{ version: number | null }>(orm, 'select max(version) as version from calendar_version where calendar_id = $1', [calendarId]);
  return latest?.version ?? undefined;
}

export async function findCalendarVersion(orm: MikroORM, calendarId: string, version: number): Promise<CalendarVersionRecord | null> {
  return orm.em.fork().findOne(CalendarVersion, { calendarId, version });
}

/** A calendar's versions, oldest first. */
export async function calendarVersionsOf(orm: MikroORM, calendarId: string): Promise<CalendarVersionRecord[]> {
  return orm.em.fork().find(CalendarVersion, { calendarId }, { orderBy: { version: 'asc' } });
}

export async function calendarVersionCount(orm: MikroORM, calendarId: string): Promise<number> {
  return orm.em.fork().count(CalendarVersion, { calendarId });
}

/** Inserts a version unless one has its number already (a concurrent change won: the caller reads which). */
export async function insertCalendarVersion(orm: MikroORM, row: CalendarVersionRecord): Promise<void> {
  await orm.em.fork().createQueryBuilder(CalendarVersion).insert(row).onConflict(['calendarId', 'version']).ignore().execute();
}
