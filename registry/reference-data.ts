import type { MikroORM } from '@mikro-orm/postgresql';
import { CalendarStore, SHIPPED_CALENDAR } from './calendars.js';
import type { DefinitionFileError } from './catalogue.js';
import { readOffices, type Office } from './offices.js';
import { ProcedureRegistry, publishShippedProcedures } from './published.js';

/**
 * What every process that serves applications needs first: the shipped procedures published (an invalid
 * one refused, the others kept), the shipped calendar loaded, once, into the database, and the offices.
 */
export async function loadReferenceData(
  orm: MikroORM,
  proceduresDir: string,
): Promise<{ procedures: ProcedureRegistry; calendars: CalendarStore; offices: Office[]; refused: DefinitionFileError[] }> {
  const procedures = new ProcedureRegistry(orm);
  const refused = await publishShippedProcedures(procedures, proceduresDir);
  const calendars = new CalendarStore(orm);
  await calendars.loadShipped(SHIPPED_CALENDAR);
  return { procedures, calendars, offices: readOffices(proceduresDir), refused };
}
