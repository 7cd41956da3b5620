import type { Language } from './types.js';

/** Every instant a citizen or an agent reads is Moroccan local time, whatever the server's zone. */
const MOROCCO_TIME_ZONE = 'Africa/Casablanca';

export const LOCALES: Record<Language, string> = { ar: 'ar-MA', fr: 'fr-MA', en: 'en-GB' };

// Building an Intl formatter costs far more than using one: one of each per language, kept.
const instants = new Map<Language, Intl.DateTimeFormat>();
const lists = new Map<Language, Intl.ListFormat>();

export function formatInstant(language: Language, instant: Date): string {
  let format = instants.get(language);
  if (!format) {
    format = new Intl.DateTimeFormat(LOCALES[language], { timeZone: MOROCCO_TIME_ZONE, dateStyle: 'long', timeStyle: 'short' });
    instants.set(language, format);
  }
  return format.format(instant);
}

export function formatList(language: Language, items: string[]): string {
  let format = lists.get(language);
  if (!format) {
    format = new Intl.ListFormat(LOCALES[language], { type: 'conjunction' });
    lists.set(language, format);
  }
  return format.format(items);
}

type Unit = 'day' | 'hour' | 'minute';

/** Arabic counts agree with their noun: singular, dual, plural for 3–10, singular accusative from 11. */
const ARABIC_UNITS: Record<Unit, { one: string; two: string; few: string; many: string }> = {
  day: { one: 'يوم واحد', two: 'يومان', few: 'أيام', many: 'يوما' },
  hour: { one: 'ساعة واحدة', two: 'ساعتان', few: 'ساعات', many: 'ساعة' },
  minute: { one: 'دقيقة واحدة', two: 'دقيقتان', few: 'دقائق', many: 'دقيقة' },
};

const FRENCH_UNITS: Record<Unit, [string, string]> = { day: ['jour', 'jours'], hour: ['heure', 'heures'], minute: ['minute', 'minutes'] };
const ENGLISH_UNITS: Record<Unit, [string, string]> = { day: ['day', 'days'], hour: ['hour', 'hours'], minute: ['minute', 'minutes'] };

function count(language: Language, n: number, unit: Unit): string {
  if (language === 'ar') {
    const forms = ARABIC_UNITS[unit];
    if (n === 1) return forms.one;
    if (n === 2) return forms.two;
    const lastTwo = n % 100;
    if (lastTwo >= 3 && lastTwo <= 10) return `${n} ${forms.few}`;
    if (lastTwo >= 11) return `${n} ${forms.many}`;
    return `${n} ${forms.many.replace(/ا$/, '')}`;
  }
  const [one, many] = (language === 'fr' ? FRENCH_UNITS : ENGLISH_UNITS)[unit];
  return `${n} ${n === 1 ? one : many}`;
}

/** A duration as people say it: the two largest units, never seconds ("2 jours et 3 heures"). */
export function formatDuration(language: Language, ms: number): string {
  const minutes = Math.max(1, Math.round(Math.abs(ms) / 60_000));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  const parts: string[] = [];
  if (days) parts.push(count(language, days, 'day'));
  if (hours) parts.push(count(language, hours, 'hour'));
  if (!days && rest) parts.push(count(language, rest, 'minute'));
  return formatList(language, parts.slice(0, 2));
}

/** "3 days left" before the due instant, "overdue by 2 hours" after it. */
export function timeLeft(language: Language, dueAt: Date, now: Date): string {
  const ms = dueAt.getTime() - now.getTime();
  const amount = formatDuration(language, ms);
  if (ms >= 0) return { ar: `المدة المتبقية: ${amount}`, fr: `temps restant : ${amount}`, en: `time left: ${amount}` }[language];
  return { ar: `متأخر بـ${amount}`, fr: `en retard de ${amount}`, en: `overdue by ${amount}` }[language];
}

/**
 * A Moroccan number as an SMS gateway wants it (+212…): forms give "06 12 34 56 78", "0612345678",
 * "212612345678" or "+212 612-345678". Anything else is kept as typed, less spaces and dashes.
 */
export function internationalPhone(raw: string): string {
  const compact = raw.replace(/[\s\-().]/g, '');
  if (compact.startsWith('+')) return compact;
  if (compact.startsWith('00')) return `+${compact.slice(2)}`;
  if (/^0[5-7]\d{8}$/.test(compact)) return `+212${compact.slice(1)}`;
  if (/^212\d{9}$/.test(compact)) return `+${compact}`;
  return compact;
}
