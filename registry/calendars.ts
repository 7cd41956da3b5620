import { readFileSync } from 'node:fs';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { ValidateFunction } from 'ajv';
import { checkCalendar, type Calendar, type Closure, type DatedHoliday } from '../engine/calendar.js';
import { canonicalJson } from '../engine/canonical-json.js';
import { DomainError } from '../engine/errors.js';
import type { CalendarVersionRecord } from '../db/entities.js';
import { calendarVersionCount, calendarVersionsOf, findCalendarVersion, insertCalendarVersion, latestCalendarVersion } from '../db/calendar-versions.js';
import { PROJECT_ROOT } from '../infra/config.js';
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

/** A change an administrator makes: a holiday (Hijri dates are confirmed days before) or a closure. */
export type CalendarChange =
  | { kind: 'holiday'; holiday: DatedHoliday }
  | { kind: 'closure'; closure: Closure };

function describeChange(change: CalendarChange): string {
  return change.kind === 'holiday'
    ? `${change.holiday.date}: ${change.holiday.name.en} (${change.holiday.status})`
    : `${change.closure.date}: closure, ${change.closure.reason.en}`;
}

/** Applies a change: a holiday replaces one of the same name in the same year (a date confirmed or moved). */
function applyCalendarChange(calendar: Calendar, change: CalendarChange): Calendar {
  const next: Calendar = structuredClone(calendar);
  next.version = calendar.version + 1;
  if (change.kind === 'holiday') {
    const year = change.holiday.date.slice(0, 4);
    next.datedHolidays = next.datedHolidays.filter(
      (h) => !(h.name.en === change.holiday.name.en && h.date.slice(0, 4) === year && h.date !== change.holiday.date) && h.date !== change.holiday.date,
    );
    next.datedHolidays.push(change.holiday);
    next.datedHolidays.sort((a, b) => a.date.localeCompare(b.date));
  } else {
    next.closures = next.closures.filter((c) => c.date !== change.closure.date);
    next.closures.push(change.closure);
    next.closures.sort((a, b) => a.date.localeCompare(b.date));
  }
  return next;
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
    const calendar = JSON.parse(readFileSync(file, 'utf8')) as Calendar;
    const errors = validateCalendar(calendar);
    if (errors.length) throw new Error(`${file}: ${errors.map((e) => `${e.pointer} ${e.message}`).join('; ')}`);
    const existing = await calendarVersionCount(this.orm, calendar.id);
    if (existing === 0) await this.insert(calendar, 'shipped calendar', 'mohla');
    return this.current(calendar.id);
  }

  /** Records a change as a new version; concurrent changes serialise on the calendar's row lock. */
  async change(id: string, change: CalendarChange, changedBy: string): Promise<{ before: Calendar; after: Calendar; description: string }> {
    const before = await this.current(id);
    const after = applyCalendarChange(before, change);
    const errors = validateCalendar(after);
    if (errors.length) {
      throw new DomainError('invalid_input', errors.map((e) => `${e.pointer} ${e.message}`).join('; '), errors);
    }
    const description = describeChange(change);
    await this.insert(after, description, changedBy);
    const stored = await this.current(id);
    if (canonicalJson(stored) !== canonicalJson(after)) {
      throw new DomainError('version_conflict', 'The calendar changed at the same moment; try again.');
    }
    return { before, after: stored, description };
  }
}
