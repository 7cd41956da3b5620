/**
 * `mohla deadline`: the due date of a legal deadline on the working-day calendar, with the explanation a
 * citizen would read. The same pure function the workflow uses, so a designer or a lawyer can check a
 * case by hand before it happens for real.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  calendarHorizon,
  formatInstant,
  formatLocalDate,
  localDateOf,
  parseInstant,
  parseLocalDate,
  startOfLocalDay,
  type Calendar,
  type LocalDate,
} from '../engine/calendar.js';
import { computeDeadline, type DeadlineComputation } from '../engine/deadline/computation.js';
import { computeRelativeDeadline, type Direction } from '../engine/deadline/relative.js';
import { MAX_UNITS, type DeadlineBudget } from '../engine/deadline/budget.js';
import type { LedgerEntry } from '../engine/deadline/ledger.js';
import { DomainError } from '../engine/errors.js';
import { SHIPPED_CALENDAR, validateCalendar } from '../registry/calendars.js';
import { readJsonFile } from '../registry/json-source.js';
import { argumentProblem } from './help.js';
import { UsageError } from './usage-error.js';


function usage(message: string): never {
  throw new UsageError(message);
}

const STRING_OPTIONS = ['--from', '--before', '--after', '--working-days', '--calendar-days', '--pause', '--extend', '--calendar'];

function readOptions(args: string[]) {
  // A negative number after an option is a value to refuse with a clear reason, not a flag.
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const next = args[i + 1];
    if (STRING_OPTIONS.includes(arg) && next !== undefined && /^-\d/.test(next)) {
      joined.push(`${arg}=${next}`);
      i++;
    } else {
      joined.push(arg);
    }
  }
  try {
    return parseArgs({
      args: joined,
      strict: true,
      allowPositionals: false,
      options: {
        from: { type: 'string' },
        before: { type: 'string' },
        after: { type: 'string' },
        'working-days': { type: 'string' },
        'calendar-days': { type: 'string' },
        'no-roll-forward': { type: 'boolean' },
        pause: { type: 'string', multiple: true },
        extend: { type: 'string', multiple: true },
        calendar: { type: 'string' },
        json: { type: 'boolean' },
      },
    }).values;
  } catch (err) {
    const problem = argumentProblem(err);
    if (problem) usage(`${problem}; see \`mohla deadline --help\``);
    throw err;
  }
}

function wholeNumber(text: string, option: string): number {
  if (!/^\d+$/.test(text)) usage(`${option} must be a whole number, 0 or more (got "${text}")`);
  return Number(text);
}

/** A budget as a definition may write it: at least one day, and no more than the engine counts. */
function budgetDays(text: string, option: string): number {
  const days = wholeNumber(text, option);
  if (days === 0) usage(`${option} must be 1 or more: a definition's budget is at least one day`);
  if (days > MAX_UNITS) usage(`${option} must be at most ${MAX_UNITS}, the largest budget the engine counts`);
  return days;
}

function readPause(text: string): { from: LocalDate; to: LocalDate } {
  const [fromText, toText = fromText, extra] = text.split('/');
  const from = parseLocalDate(fromText ?? '');
  const to = parseLocalDate(toText ?? '');
  if (extra !== undefined || from === undefined || to === undefined) {
    usage(`--pause "${text}" is not a range of local dates like 2026-04-08/2026-04-15`);
  }
  if (to < from) usage(`--pause ${text} ends before it starts`);
  return { from, to };
}

/** Overlapping pauses count each day once, as one longer pause. */
function mergePauses(pauses: { from: LocalDate; to: LocalDate }[]): { from: LocalDate; to: LocalDate }[] {
  const merged: { from: LocalDate; to: LocalDate }[] = [];
  for (const p of [...pauses].sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0))) {
    const last = merged[merged.length - 1];
    if (last && p.from <= last.to) last.to = p.to > last.to ? p.to : last.to;
    else merged.push({ ...p });
  }
  return merged;
}

export function readCalendarFile(file: string): Calendar {
  const source = readJsonFile(file);
  if (source.unreadable) {
    const { pointer, message } = source.unreadable;
    usage(message.startsWith('cannot be read') ? `cannot read the calendar ${file}${message.slice('cannot be read'.length)}` : `the calendar ${file}${pointer ? ` ${pointer}` : ''}: ${message}`);
  }
  const [duplicate] = source.duplicates;
  if (duplicate) usage(`the calendar ${file} ${duplicate.pointer}: ${duplicate.message}`);
  const problems = validateCalendar(source.value);
  const [first] = problems;
  if (first) {
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
    usage(`the calendar ${file} is not valid: ${first.pointer} ${first.message}${more}`);
  }
  return source.value as Calendar;
}

function run(args: string[]): number {
  const options = readOptions(args);
  const working = options['working-days'];
  const calendarDays = options['calendar-days'];
  if (working === undefined && calendarDays === undefined)
    usage('give the budget: --working-days N or --calendar-days N');
  if (working !== undefined && calendarDays !== undefined)
    usage('give only one budget: --working-days or --calendar-days');
  if (working !== undefined && options['no-roll-forward'])
    usage('--no-roll-forward goes with --calendar-days only: a count of working days never ends on a day off');
  const budget: DeadlineBudget =
    working !== undefined
      ? { workingDays: budgetDays(working, '--working-days') }
      : {
          calendarDays: budgetDays(calendarDays as string, '--calendar-days'),
          ...(options['no-roll-forward'] ? { rollForward: false } : {}),
        };
  const extensions = (options.extend ?? []).map((n) => wholeNumber(n, '--extend'));
  const days = 'workingDays' in budget ? budget.workingDays : 'calendarDays' in budget ? budget.calendarDays : 0;
  if (days + extensions.reduce((sum, n) => sum + n, 0) > MAX_UNITS)
    usage(`the budget with its extensions must be at most ${MAX_UNITS} days, the largest the engine counts`);
  const asked = (options.pause ?? []).map(readPause);
  const pauses = mergePauses(asked);
  const anchors = (['from', 'before', 'after'] as const).filter((o) => options[o] !== undefined);
  if (anchors.length === 0) usage('--from <ISO instant> is required, e.g. --from 2026-03-16T10:00:00+01:00 (or --before/--after <date>)');
  if (anchors.length > 1) usage('give only one of --from, --before and --after');
  if (options.from === undefined && (pauses.length || extensions.length)) usage('--pause and --extend go with --from: a clock counted from a date neither pauses nor extends');

  const calendarFile = options.calendar === undefined ? SHIPPED_CALENDAR : path.resolve(options.calendar);
  const calendar = readCalendarFile(calendarFile);
  const zone = calendar.zone;
  let result: DeadlineComputation;
  if (options.from === undefined) {
    // A clock counted from a date in the data (a session, a hearing), as a definition's `from` counts it.
    const direction: Direction = options.before !== undefined ? 'before' : 'after';
    const date = (options.before ?? options.after) as string;
    if (parseInstant(date, zone) === undefined) usage(`--${direction} "${date}" is not a date (2026-05-20) or an ISO 8601 instant`);
    result = computeRelativeDeadline(budget, direction, [{ type: 'dated', at: date, date }], calendar);
  } else {
    const fromMs = parseInstant(options.from, zone);
    if (fromMs === undefined)
      usage(`--from "${options.from}" is not an ISO 8601 instant, e.g. 2026-03-16T10:00:00+01:00`);

    const fromDate = localDateOf(fromMs, zone);
    const early = asked.find((p) => p.from < fromDate);
    if (early) usage(`--pause ${early.from}/${early.to} starts before --from (${fromDate}): a deadline cannot pause before it starts`);

    const startedAt = formatInstant(fromMs, zone);
    // Pause dates are local dates: each becomes an entry at the start of that local day, so the ledger
    // reads them back as exactly those dates whatever the season's offset.
    const ledger: LedgerEntry[] = [
      { type: 'started', at: startedAt },
      ...extensions.map((units): LedgerEntry => ({ type: 'extended', at: startedAt, units, reason: '' })),
      ...pauses.flatMap((p): LedgerEntry[] => [
        { type: 'paused', at: formatInstant(startOfLocalDay(p.from, zone), zone), reason: '' },
        { type: 'resumed', at: formatInstant(startOfLocalDay(p.to, zone), zone) },
      ]),
    ];
    result = computeDeadline(budget, ledger, calendar);
  }
  const calendarName = path.relative(process.cwd(), calendarFile) || calendarFile;

  if (options.json) {
    console.log(
      JSON.stringify(
        {
          dueDate: result.dueDate,
          dueAt: result.dueAt,
          dueInstantMs: result.dueInstantMs,
          paused: result.paused,
          budget: result.budget,
          countsFrom: result.countsFrom,
          extendedBy: result.extendedBy,
          pauses: result.pauses.map(({ from, to }) => ({ from, to })),
          calendar: { ...result.calendar, file: calendarName, horizon: calendarHorizon(calendar) ?? null },
          beyondHorizon: result.beyondHorizon,
          explanation: result.explanation,
        },
        null,
        2,
      ),
    );
    return 0;
  }
  const [dueLine] = result.explanation.slice(-1);
  console.log(`${dueLine?.replace(/^due/, 'Due') ?? result.dueAt}`);
  console.log(`  ${result.dueAt}`);
  console.log('');
  console.log('How it is counted:');
  for (const line of result.explanation) console.log(`  - ${line}`);
  console.log('');
  const horizon = calendarHorizon(calendar);
  console.log(`Calendar: ${result.calendar.id} v${result.calendar.version} (${calendarName}), zone ${zone}${horizon ? `, covers up to ${formatLocalDate(horizon)}` : ''}`);
  if (result.explanation.some((line) => line.includes('(provisional)'))) {
    console.log('Provisional holidays are forecasts: the announcement after the moon sighting may still move them by a day or so.');
  }
  return 0;
}

export async function deadlineCommand(args: string[]): Promise<number> {
  try {
    return run(args);
  } catch (err) {
    // The reason is printed here, not by main(), so it names this command.
    if (err instanceof UsageError || err instanceof DomainError) {
      console.error(`mohla deadline: ${err.message}`);
      return 2;
    }
    throw err;
  }
}
