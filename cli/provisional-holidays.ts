/**
 * `mohla calendar provisional`: writes Morocco's Islamic holidays for the coming years into a calendar
 * file, as provisional data, up to a stated horizon. Run by hand when the horizon comes near; never at
 * run time, where the due dates of running applications would then depend on the ICU version.
 *
 * The Umm al-Qura dates come from the runtime's ICU (`Intl.DateTimeFormat` with the `islamic-umalqura`
 * calendar), which ships the official table: no package is needed for it. Morocco fixes each Islamic
 * month by its own moon sighting, which usually falls a day after Umm al-Qura's (all four holidays of
 * 1446–1447 AH did); the provisional date is therefore Umm al-Qura's date plus one day, and the
 * confirmation on the eve moves it when the sighting says otherwise.
 */
import { addCalendarDays, formatLocalDate, type Calendar, type DatedHoliday, type LocalDate } from '../engine/calendar.js';
import type { LocalizedText } from '../engine/calendar.generated.js';
import { sameOccurrence } from '../registry/calendar-changes.js';

/** Morocco's usual lag behind the Umm al-Qura calendar, in days. */
export const MOROCCAN_LAG_DAYS = 1;

interface HijriHoliday {
  /** Hijri month (1 = Muharram … 12 = Dhu al-Hijja) and day. */
  month: number;
  day: number;
  /** Days off for the public sector. */
  days: number;
  name: LocalizedText;
}

/** The Islamic holidays Moroccan administrations close for, with the names the calendar file uses. */
const MOROCCAN_HIJRI_HOLIDAYS: readonly HijriHoliday[] = [
  { month: 1, day: 1, days: 1, name: { ar: 'فاتح محرم', fr: "1er Moharram (Nouvel An de l'Hégire)", en: 'Islamic New Year (1 Muharram)' } },
  { month: 3, day: 12, days: 2, name: { ar: 'عيد المولد النبوي', fr: 'Aïd Al Mawlid', en: "Mawlid (the Prophet's birthday)" } },
  { month: 10, day: 1, days: 2, name: { ar: 'عيد الفطر', fr: 'Aïd Al Fitr', en: 'Eid al-Fitr' } },
  { month: 12, day: 10, days: 2, name: { ar: 'عيد الأضحى', fr: 'Aïd Al Adha', en: 'Eid al-Adha' } },
];

const HIJRI_MONTHS = ['Muharram', 'Safar', 'Rabi al-Awwal', 'Rabi al-Thani', 'Jumada al-Ula', 'Jumada al-Akhira', 'Rajab', 'Shaban', 'Ramadan', 'Shawwal', 'Dhu al-Qada', 'Dhu al-Hijja'];

export interface HijriDate {
  year: number;
  month: number;
  day: number;
}

let umAlQura: Intl.DateTimeFormat | undefined;

/** The Umm al-Qura date of a civil date, read from the runtime's ICU. */
export function umAlQuraDate(date: LocalDate): HijriDate {
  umAlQura ??= new Intl.DateTimeFormat('en-u-ca-islamic-umalqura', { timeZone: 'UTC', year: 'numeric', month: 'numeric', day: 'numeric' });
  if (umAlQura.resolvedOptions().calendar !== 'islamic-umalqura') {
    throw new Error('this Node.js has no Umm al-Qura calendar (it needs full ICU)');
  }
  const parts: Record<string, number> = {};
  for (const p of umAlQura.formatToParts(new Date(`${date}T12:00:00Z`))) {
    if (p.type === 'year' || p.type === 'month' || p.type === 'day') parts[p.type] = Number(p.value);
  }
  return { year: parts.year ?? 0, month: parts.month ?? 0, day: parts.day ?? 0 };
}

export interface GenerateOptions {
  /** The last Gregorian year to cover: the horizon becomes its 31 December. */
  through: number;
  /** The first Gregorian year to look at; by default the year of the calendar's earliest dated holiday. */
  from?: number;
  /** The Hijri date of a civil date; Umm al-Qura from ICU unless a test gives another. */
  hijriOf?: (date: LocalDate) => HijriDate;
}

export interface Generated {
  calendar: Calendar;
  /** The days written (generated entries), first to last. */
  written: DatedHoliday[];
  /** The entries kept as they were (confirmed or written by hand). */
  kept: number;
}

/**
 * The calendar with a provisional entry for every day of every Moroccan Islamic holiday from `from`
 * up to 31 December of `through`, except the occurrences it already has a confirmed or hand-written
 * entry for, which stay untouched. Earlier generated entries are written again; nothing else changes.
 */
export function generateProvisionalHolidays(calendar: Calendar, options: GenerateOptions): Generated {
  const hijriOf = options.hijriOf ?? umAlQuraDate;
  const horizon: LocalDate = `${String(options.through).padStart(4, '0')}-12-31`;
  if (calendar.horizon !== undefined && calendar.horizon > horizon) {
    throw new RangeError(`the calendar already covers up to ${formatLocalDate(calendar.horizon)}; give --through ${calendar.horizon.slice(0, 4)} or later`);
  }
  const kept = calendar.datedHolidays.filter((h) => !h.generated);
  const earliest = kept.reduce<LocalDate | undefined>((min, h) => (min === undefined || h.date < min ? h.date : min), undefined);
  const from = options.from ?? (earliest ? Number(earliest.slice(0, 4)) : undefined);
  if (from === undefined) throw new RangeError('the calendar has no dated holiday to start from; give --from <year>');
  const written: DatedHoliday[] = [];
  for (let day: LocalDate = `${String(from).padStart(4, '0')}-01-01`; day <= horizon; day = addCalendarDays(day, 1)) {
    const hijri = hijriOf(day);
    for (const holiday of MOROCCAN_HIJRI_HOLIDAYS) {
      if (hijri.month !== holiday.month || hijri.day !== holiday.day) continue;
      const first = addCalendarDays(day, MOROCCAN_LAG_DAYS);
      if (first > horizon) continue;
      const probe: DatedHoliday = { date: first, name: holiday.name, status: 'provisional' };
      if (kept.some((h) => sameOccurrence(h, probe))) continue;
      const note = `${holiday.day} ${HIJRI_MONTHS[holiday.month - 1]} ${hijri.year} AH is ${formatLocalDate(day)} in the Umm al-Qura calendar; Morocco usually a day later. Provisional until the moon sighting.`;
      for (let i = 0; i < holiday.days; i++) {
        written.push({ date: addCalendarDays(first, i), name: holiday.name, status: 'provisional', note, generated: true });
      }
    }
  }
  const datedHolidays = [...kept, ...written].sort((a, b) => a.date.localeCompare(b.date));
  // The horizon is written next to the working week, where a reader of the file looks first.
  const { fixedHolidays, closures, datedHolidays: _before, horizon: _was, ...head } = calendar;
  return { calendar: { ...head, horizon, fixedHolidays, datedHolidays, closures }, written, kept: kept.length };
}

/** The file's text: two-space JSON as the shipped files are written, short arrays of numbers on one line. */
export function calendarFileText(calendar: Calendar): string {
  return `${JSON.stringify(calendar, null, 2).replace(/\[\s*(\d+(?:,\s*\d+)*)\s*\]/g, (_all, items: string) => `[${items.split(/,\s*/).join(', ')}]`)}\n`;
}
