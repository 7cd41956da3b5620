import type { MikroORM } from '@mikro-orm/postgresql';
import { localDateOf, type Calendar, type LocalDate } from '../engine/calendar.js';
import { horizonWarnings, type HorizonWarning } from '../engine/deadline/horizon.js';
import { CalendarStore, SHIPPED_CALENDAR } from './calendars.js';
import type { DefinitionFileError } from './catalogue.js';
import { readOffices, type Office } from './offices.js';
import { ProcedureRegistry, publishShippedProcedures } from './published.js';

export interface ReferenceData {
  procedures: ProcedureRegistry;
  calendars: CalendarStore;
  offices: Office[];
  refused: DefinitionFileError[];
  /** What the checker says of the published files without refusing them (rules newer than their language). */
  warnings: DefinitionFileError[];
  /** The new calendar version a newer shipped calendar file made: running applications due from `since` must be told. */
  calendarUpdate?: { calendar: Calendar; since: LocalDate; description: string };
  /** Published procedures whose longest budget, counted from today, runs past the calendar's horizon. */
  horizonWarnings: HorizonWarning[];
}

/**
 * What every process that serves applications needs first: the shipped procedures published (an invalid
 * one refused, the others kept), the shipped calendar loaded into the database (once, then what a newer
 * file brings as a new version), and the offices.
 */
export async function loadReferenceData(orm: MikroORM, proceduresDir: string): Promise<ReferenceData> {
  const procedures = new ProcedureRegistry(orm);
  const { refused, warnings } = await publishShippedProcedures(procedures, proceduresDir);
  const calendars = new CalendarStore(orm);
  await calendars.loadShipped(SHIPPED_CALENDAR);
  const calendarUpdate = await calendars.takeShippedForecasts(SHIPPED_CALENDAR);
  const calendar = await calendars.current();
  const definitions = (await procedures.list()).map((p) => p.definition);
  return {
    procedures,
    calendars,
    offices: readOffices(proceduresDir),
    refused,
    warnings,
    ...(calendarUpdate ? { calendarUpdate } : {}),
    horizonWarnings: horizonWarnings(definitions, calendar, localDateOf(Date.now(), calendar.zone)),
  };
}
