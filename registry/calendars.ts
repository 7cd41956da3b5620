import { readFileSync } from 'node:fs';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { ValidateFunction } from 'ajv';
import { addCalendarDays, calendarHorizon, checkCalendar, formatLocalDate, type Calendar, type LocalDate } from '../engine/calendar.js';
import { canonicalJson } from '../engine/canonical-json.js';
import { DomainError } from '../engine/errors.js';
import type { CalendarVersionRecord } from '../db/entities.js';
import { calendarVersionCount, calendarVersionsOf, findCalendarVersion, insertCalendarVersion, latestCalendarVersion } from '../db/calendar-versions.js';
import { PROJECT_ROOT } from '../infra/config.js';
import { applyCalendarChange, describeChange, firstChangedDate, withShippedForecasts, type CalendarChange } from './calendar-changes.js';
import { createAjv, fieldErrors, type FieldError } from './definition-schema.js';

export const DEFAULT_CALENDAR = 'ma';
export const SHIPPED_CALENDAR = `${PROJECT_ROOT}/procedures/calendars/ma.json`;
const CALENDAR_SCHEMA = `${PROJECT_ROOT}/procedures/schema/calendar.schema.json`;

let validator: ValidateFunction | undefined;

export function validateCalendar(candidate: unknown): FieldError[] {
  validator ??= createAjv().compile(JSON.parse(readFileSync(CALENDAR_SCHEMA, 'utf8')));
  if (!validator(candidate)) return fieldErrors(validator.errors);
  return checkCalendar(candidate as Calendar);
}

function readShippedCalendar(file: string): Calendar {
  const calendar = JSON.parse(readFileSync(file, 'utf8')) as Calendar;
  const errors = validateCalendar(calendar);
  if (errors.length) throw new Error(`${file}: ${errors.map((e) => `${e.pointer} ${e.message}`).join('; ')}`);
  return calendar;
}

/** Calendar versions in PostgreSQL; every version is immutable, so each is read once and kept. */
export class CalendarStore {
  private readonly versions = new Map<string, Calendar>();

  constructor(private readonly orm: MikroORM) {}

  private remember(row: CalendarVersionRecord): Calendar {
    const calendar = row.content as unknown as Calendar;
    this.versions.set(`${row.calendarId}@${row.version}`, calendar);
    return calendar;
  }

  async current(id = DEFAULT_CALENDAR): Promise<Calendar> {
    // Every deadline's scheduling asks: only the version number is read, the content once per version.
    const latest = await latestCalendarVersion(this.orm, id);
    const calendar = latest === undefined ? undefined : await this.get(id, latest);
    if (!calendar) throw new DomainError('calendar_not_found', `No calendar "${id}" is loaded.`);
    return calendar;
  }

  async get(id: string, version: number): Promise<Calendar | undefined> {
    const known = this.versions.get(`${id}@${version}`);
    if (known) return known;
    const row = await findCalendarVersion(this.orm, id, version);
    return row ? this.remember(row) : undefined;
  }

  async history(id = DEFAULT_CALENDAR): Promise<Array<{ version: number; change: string; changedBy: string; createdAt: string }>> {
    const rows = await calendarVersionsOf(this.orm, id);
    return rows.map((r) => ({ version: r.version, change: r.change, changedBy: r.changedBy, createdAt: r.createdAt.toISOString() }));
  }

  private async insert(calendar: Calendar, change: string, changedBy: string): Promise<void> {
    await insertCalendarVersion(this.orm, {
      calendarId: calendar.id,
      version: calendar.version,
      content: calendar as unknown as Record<string, unknown>,
      change,
      changedBy,
      createdAt: new Date(),
    });
  }

  /** Loads a shipped calendar file once: later runs keep the versions administrators made since. */
  async loadShipped(file: string): Promise<Calendar> {
    const calendar = readShippedCalendar(file);
    const existing = await calendarVersionCount(this.orm, calendar.id);
    if (existing === 0) await this.insert(calendar, 'shipped calendar', 'mohla');
    return this.current(calendar.id);
  }

  /**
   * Takes what a newer shipped file brings (provisional holidays generated further ahead, a later
   * horizon) into a new version, as an administrator's change would be: the caller then tells the
   * running applications whose deadlines reach `since`. Undefined when the stored version has it all.
   */
  async takeShippedForecasts(file: string): Promise<{ calendar: Calendar; since: LocalDate; description: string } | undefined> {
    const shipped = readShippedCalendar(file);
    const before = await this.current(shipped.id);
    const after = withShippedForecasts(before, shipped);
    if (!after) return undefined;
    // Deadlines past the old horizon are told too: their explanation no longer warns about it.
    const oldHorizon = calendarHorizon(before);
    const since = [firstChangedDate(before, after), oldHorizon && addCalendarDays(oldHorizon, 1)]
      .filter((d): d is LocalDate => d !== undefined)
      .reduce<LocalDate | undefined>((min, d) => (min === undefined || d < min ? d : min), undefined);
    const horizon = calendarHorizon(after);
    const description = `provisional holidays from the shipped calendar${horizon ? `, up to ${formatLocalDate(horizon)}` : ''}`;
    try {
      const stored = await this.record(after, description, 'mohla');
      return { calendar: stored, since: since ?? '1970-01-01', description };
    } catch (err) {
      // Another process starting at the same moment stored a different version: it has told them.
      if (err instanceof DomainError && err.code === 'version_conflict') return undefined;
      throw err;
    }
  }

  /** Stores the next version; concurrent changes serialise on the version number, the loser is refused. */
  private async record(after: Calendar, description: string, changedBy: string): Promise<Calendar> {
    const errors = validateCalendar(after);
    if (errors.length) {
      throw new DomainError('invalid_input', errors.map((e) => `${e.pointer} ${e.message}`).join('; '), errors);
    }
    await this.insert(after, description, changedBy);
    const stored = await this.current(after.id);
    if (canonicalJson(stored) !== canonicalJson(after)) {
      throw new DomainError('version_conflict', 'The calendar changed at the same moment; try again.');
    }
    return stored;
  }

  /**
   * Records a change as a new version. `since` is the earliest date it touches (a moved holiday's old
   * date, when that is earlier than the new one): deadlines due before it cannot move.
   */
  async change(id: string, change: CalendarChange, changedBy: string): Promise<{ before: Calendar; after: Calendar; description: string; since: LocalDate }> {
    const before = await this.current(id);
    const after = applyCalendarChange(before, change);
    const description = describeChange(change);
    const stored = await this.record(after, description, changedBy);
    const changed = change.kind === 'holiday' ? change.holiday.date : change.closure.date;
    const first = firstChangedDate(before, stored);
    return { before, after: stored, description, since: first !== undefined && first < changed ? first : changed };
  }
}
