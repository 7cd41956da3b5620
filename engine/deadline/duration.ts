/** ISO 8601 durations, and spans of time in words. */

const DURATION = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(?:[.,](\d{1,3}))?S)?)?$/;

/**
 * Milliseconds of an ISO 8601 duration with weeks, days, hours, minutes and seconds (`PT4H`, `P2DT30M`,
 * `PT0.5S`). A day is 24 hours: a duration is an exact span of time, not a calendar count. Years and
 * months have no fixed length, so they are refused. Undefined when the text is not such a duration.
 */
export function parseIsoDuration(text: string): number | undefined {
  const m = DURATION.exec(text);
  if (!m || text === 'P' || text.endsWith('T')) return undefined;
  const [, w, d, h, mi, s, fraction] = m;
  const millis = fraction === undefined ? 0 : Number(fraction.padEnd(3, '0'));
  return (
    ((((Number(w ?? 0) * 7 + Number(d ?? 0)) * 24 + Number(h ?? 0)) * 60 + Number(mi ?? 0)) * 60 + Number(s ?? 0)) *
      1000 +
    millis
  );
}

/** An ISO duration's parts, as `Intl.DurationFormat` takes them; undefined when the text is not such a duration. */
export function durationParts(text: string): Partial<Record<'weeks' | 'days' | 'hours' | 'minutes' | 'seconds' | 'milliseconds', number>> | undefined {
  if (parseIsoDuration(text) === undefined) return undefined;
  const [, weeks, days, hours, minutes, seconds, fraction] = DURATION.exec(text)!;
  const parts = { weeks, days, hours, minutes, seconds, milliseconds: fraction?.padEnd(3, '0') };
  return Object.fromEntries(Object.entries(parts).flatMap(([unit, value]) => (value === undefined ? [] : [[unit, Number(value)]])));
}

/** The designators of an ISO duration from the smallest, each with its length. */
const DURATION_UNITS = [
  { name: 'second', group: 5, designator: 'S', ms: 1000 },
  { name: 'minute', group: 4, designator: 'M', ms: 60_000 },
  { name: 'hour', group: 3, designator: 'H', ms: 3_600_000 },
  { name: 'day', group: 2, designator: 'D', ms: 86_400_000 },
  { name: 'week', group: 1, designator: 'W', ms: 604_800_000 },
] as const;

/**
 * The smallest unit a duration is written in (`P20D`: days, `PT1H30M`: minutes): what one unit of its
 * extension adds in language 2, as one unit of a day budget adds a day. Undefined when the text is not
 * a duration.
 */
export function smallestDurationUnit(text: string): { name: string; ms: number; designator: string } | undefined {
  if (parseIsoDuration(text) === undefined) return undefined;
  const m = DURATION.exec(text)!;
  const unit = DURATION_UNITS.find((u) => m[u.group] !== undefined) ?? DURATION_UNITS[0];
  return { name: unit.name, ms: unit.ms, designator: unit.designator };
}

/** `units` of the duration's smallest unit, as an ISO 8601 duration: what a language-2 extension of it adds. */
export function extensionDuration(duration: string, units: number): string | undefined {
  const unit = smallestDurationUnit(duration);
  if (!unit) return undefined;
  return unit.designator === 'D' || unit.designator === 'W' ? `P${units}${unit.designator}` : `PT${units}${unit.designator}`;
}

export function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/** "1 day 2 hours 30 minutes", "5 seconds". */
export function describeDuration(ms: number): string {
  const parts: string[] = [];
  let rest = Math.round(ms);
  for (const [unit, size] of [
    ['day', 86_400_000],
    ['hour', 3_600_000],
    ['minute', 60_000],
    ['second', 1000],
    ['millisecond', 1],
  ] as const) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0) parts.push(plural(n, unit));
  }
  return parts.length ? parts.join(' ') : '0 seconds';
}
