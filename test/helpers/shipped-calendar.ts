import { readFileSync } from 'node:fs';
import type { Calendar } from '../../engine/calendar.js';
import { SHIPPED_CALENDAR } from '../../registry/calendars.js';

/** The calendar Mohla ships (procedures/calendars/ma.json), as dry runs and hand counts use it. */
export function shippedCalendar(): Calendar {
  return JSON.parse(readFileSync(SHIPPED_CALENDAR, 'utf8')) as Calendar;
}
