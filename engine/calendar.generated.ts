/* Generated from procedures/schema/calendar.schema.json by `npm run generate`. Do not edit. */

/**
 * ISO weekday number: 1 = Monday … 7 = Sunday.
 *
 * This interface was referenced by `Calendar`'s JSON-Schema
 * via the `definition` "IsoWeekday".
 */
export type IsoWeekday = number;
/**
 * A local date, YYYY-MM-DD.
 *
 * This interface was referenced by `Calendar`'s JSON-Schema
 * via the `definition` "LocalDate".
 */
export type LocalDate = string;

/**
 * A working-day calendar of an administration: its time zone, working week, holidays and closures. Deadlines in working days are counted on it; every change is a new version.
 */
export interface Calendar {
  $schema?: string;
  /**
   * Stable identifier of the calendar, shared by all its versions (e.g. ma).
   */
  id: string;
  /**
   * Version number, starting at 1; raised on every change so that a rescheduled deadline can name it.
   */
  version: number;
  title?: LocalizedText;
  /**
   * IANA time zone in which local dates are read and days end (e.g. Africa/Casablanca). Never a fixed offset: Morocco moves to UTC+0 during Ramadan.
   */
  zone: string;
  /**
   * The working weekdays, ISO numbered: 1 = Monday … 7 = Sunday.
   *
   * @minItems 1
   */
  workingWeek: [IsoWeekday, ...IsoWeekday[]];
  /**
   * The last date the calendar covers: every Islamic holiday up to it is in `datedHolidays`, confirmed or provisional. A deadline counted past it says so. Versions stored before it existed have none: their horizon is then the last day of the last year with a dated holiday.
   */
  horizon?: string;
  /**
   * Holidays on the same day of the Gregorian year, every year (from `since` on).
   */
  fixedHolidays: FixedHoliday[];
  /**
   * Holidays of one given date, such as the Islamic holidays fixed by moon sighting.
   */
  datedHolidays: DatedHoliday[];
  /**
   * Ad-hoc days on which the administrations are closed, decided at short notice.
   */
  closures: Closure[];
}
/**
 * A text in Arabic, French and English.
 *
 * This interface was referenced by `Calendar`'s JSON-Schema
 * via the `definition` "LocalizedText".
 */
export interface LocalizedText {
  ar: string;
  fr: string;
  en: string;
}
/**
 * This interface was referenced by `Calendar`'s JSON-Schema
 * via the `definition` "FixedHoliday".
 */
export interface FixedHoliday {
  month: number;
  day: number;
  name: LocalizedText;
  /**
   * First year the holiday is observed; before it, the day is an ordinary one.
   */
  since?: number;
  /**
   * Where the fact comes from, or what is unconfirmed about it.
   */
  note?: string;
}
/**
 * This interface was referenced by `Calendar`'s JSON-Schema
 * via the `definition` "DatedHoliday".
 */
export interface DatedHoliday {
  date: LocalDate;
  name: LocalizedText;
  /**
   * provisional: a forecast (the Umm al-Qura date and Morocco's usual one-day lag, or an astronomical forecast); confirmed: announced after the moon sighting or by decree.
   */
  status: 'provisional' | 'confirmed';
  /**
   * Where the fact comes from, or what is unconfirmed about it.
   */
  note?: string;
  /**
   * Written by `mohla calendar provisional` from the Umm al-Qura calendar; running it again rewrites such entries, never the others. An administrator's confirmation replaces it.
   */
  generated?: boolean;
}
/**
 * This interface was referenced by `Calendar`'s JSON-Schema
 * via the `definition` "Closure".
 */
export interface Closure {
  date: LocalDate;
  reason: LocalizedText;
  /**
   * Where the decision comes from (decree, communiqué).
   */
  note?: string;
}
