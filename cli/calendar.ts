import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { formatLocalDate } from '../engine/calendar.js';
import { env, loadConfig } from '../infra/config.js';
import { SHIPPED_CALENDAR, validateCalendar } from '../registry/calendars.js';
import { readCalendarFile } from './deadline.js';
import { calendarFileText, generateProvisionalHolidays, MOROCCAN_LAG_DAYS } from './provisional-holidays.js';
import { UsageError } from './usage-error.js';

function apiUrl(): string {
  const explicit = env('MOHLA_API_URL');
  if (explicit) return explicit.replace(/\/$/, '');
  const { host, port } = loadConfig().http;
  return `http://${host}:${port}`;
}

async function call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
  const url = `${apiUrl()}${path}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: body ? { 'content-type': 'application/json' } : {},
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
  } catch {
    throw new UsageError(`calendar: no Mohla API answers at ${apiUrl()}; start it (npm run dev) or set MOHLA_API_URL`);
  }
  const payload = (await response.json()) as { detail?: string };
  if (!response.ok) throw new UsageError(`calendar: ${response.status} ${payload.detail ?? ''}`.trim());
  return payload;
}

function localized(values: Record<string, string | boolean | undefined>, prefix: string) {
  const text = { ar: values[`${prefix}-ar`], fr: values[`${prefix}-fr`], en: values[`${prefix}-en`] };
  const missing = Object.entries(text).filter(([, v]) => typeof v !== 'string' || !v).map(([k]) => `--${prefix}-${k}`);
  if (missing.length) throw new UsageError(`calendar: ${missing.join(', ')} required (the text in Arabic, French and English)`);
  return text as { ar: string; fr: string; en: string };
}

function year(text: string | undefined, option: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{4}$/.test(text)) throw new UsageError(`calendar: ${option} must be a year, e.g. 2035 (got "${text}")`);
  return Number(text);
}

/** Writes provisional Islamic holidays into a calendar file, up to 31 December of `--through`. */
function writeProvisional(values: { through?: string; from?: string; file?: string }): number {
  const through = year(values.through, '--through');
  if (through === undefined) throw new UsageError('calendar: provisional needs --through <year>, the last year to cover');
  const file = values.file === undefined ? SHIPPED_CALENDAR : path.resolve(values.file);
  const from = year(values.from, '--from');
  let generated;
  try {
    generated = generateProvisionalHolidays(readCalendarFile(file), { through, ...(from === undefined ? {} : { from }) });
  } catch (err) {
    if (err instanceof RangeError) throw new UsageError(`calendar: ${err.message}`);
    throw err;
  }
  const [problem] = validateCalendar(generated.calendar);
  if (problem) throw new UsageError(`calendar: the result would not be a valid calendar: ${problem.pointer} ${problem.message}`);
  writeFileSync(file, calendarFileText(generated.calendar));
  const name = path.relative(process.cwd(), file) || file;
  console.log(
    `${name}: ${generated.written.length} provisional day(s) written (Umm al-Qura + ${MOROCCAN_LAG_DAYS} day), ` +
      `${generated.kept} entr${generated.kept === 1 ? 'y' : 'ies'} kept; covers up to ${formatLocalDate(generated.calendar.horizon as string)}`,
  );
  return 0;
}

/**
 * `mohla calendar`: read the working-day calendar, or change it through the running API so that every
 * open application whose deadline the change crosses is rescheduled; `provisional` writes the coming
 * years' Islamic holidays into a calendar file, which a running Mohla takes as a new version at start-up.
 */
export async function calendarCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const { values } = parseArgs({
    args: rest,
    options: {
      id: { type: 'string', default: 'ma' },
      date: { type: 'string' },
      provisional: { type: 'boolean' },
      note: { type: 'string' },
      json: { type: 'boolean' },
      through: { type: 'string' },
      from: { type: 'string' },
      file: { type: 'string' },
      'name-ar': { type: 'string' }, 'name-fr': { type: 'string' }, 'name-en': { type: 'string' },
      'reason-ar': { type: 'string' }, 'reason-fr': { type: 'string' }, 'reason-en': { type: 'string' },
    },
  });
  const id = values.id as string;
  const needDate = () => {
    if (!values.date || !/^\d{4}-\d{2}-\d{2}$/.test(values.date)) throw new UsageError('calendar: --date YYYY-MM-DD is required');
    return values.date;
  };
  switch (sub) {
    case 'show': {
      const calendar = (await call('GET', `/calendars/${id}`)) as { id: string; version: number; horizon?: string; datedHolidays: Array<{ date: string; name: { en: string }; status: string; generated?: boolean }>; closures: Array<{ date: string; reason: { en: string } }> };
      if (values.json) console.log(JSON.stringify(calendar, null, 2));
      else {
        console.log(`${calendar.id} version ${calendar.version}${calendar.horizon ? `, covers up to ${formatLocalDate(calendar.horizon)}` : ''}`);
        for (const h of calendar.datedHolidays) console.log(`  ${h.date}  ${h.name.en} (${h.status}${h.generated ? ', Umm al-Qura forecast' : ''})`);
        for (const c of calendar.closures) console.log(`  ${c.date}  closure: ${c.reason.en}`);
      }
      return 0;
    }
    case 'add-holiday':
    case 'add-closure': {
      const date = needDate();
      const body =
        sub === 'add-holiday'
          ? { date, name: localized(values, 'name'), status: values.provisional ? 'provisional' : 'confirmed', ...(values.note ? { note: values.note } : {}) }
          : { date, reason: localized(values, 'reason'), ...(values.note ? { note: values.note } : {}) };
      const result = (await call('POST', `/calendars/${id}/${sub === 'add-holiday' ? 'holidays' : 'closures'}`, body)) as {
        version: number;
        change: string;
        signalledApplications: number;
      };
      console.log(`calendar ${id} is now version ${result.version}: ${result.change}; ${result.signalledApplications} open application(s) rescheduled`);
      return 0;
    }
    case 'provisional':
      return writeProvisional(values);
    default:
      throw new UsageError('calendar: usage: mohla calendar show | add-holiday --date D --name-ar … --name-fr … --name-en … [--provisional] | add-closure --date D --reason-ar … --reason-fr … --reason-en … | provisional --through YEAR [--from YEAR] [--file calendar.json]');
  }
}
