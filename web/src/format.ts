import { language, type Language } from './i18n.js';

/** Legal dates are Moroccan local dates, whatever the device's own time zone. */
const ZONE = 'Africa/Casablanca';

const LOCALES: Record<Language, string> = { ar: 'ar-MA', fr: 'fr-MA', en: 'en-GB' };

function locale(): string {
  return LOCALES[language.get()];
}

export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short', timeZone: ZONE }).format(new Date(iso));
}

export function longDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'full', timeZone: ZONE }).format(new Date(iso));
}

/** A calendar date (`2026-11-24`) as people read it, without any time-zone shift. */
export function calendarDate(date: string): string {
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'full', timeZone: 'UTC' }).format(new Date(`${date}T12:00:00Z`));
}

export function number(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined) return '—';
  return new Intl.NumberFormat(locale(), { maximumFractionDigits: digits }).format(value);
}

export function percent(share: number | null | undefined): string {
  if (share === null || share === undefined) return '—';
  return new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits: 0 }).format(share);
}

/** "in 2 days", "3 hours ago": how far a deadline is, in the reader's language. */
export function relative(ms: number): string {
  const format = new Intl.RelativeTimeFormat(locale(), { numeric: 'auto' });
  const abs = Math.abs(ms);
  if (abs >= 86_400_000) return format.format(Math.trunc(ms / 86_400_000), 'day');
  if (abs >= 3_600_000) return format.format(Math.trunc(ms / 3_600_000), 'hour');
  return format.format(Math.trunc(ms / 60_000), 'minute');
}
