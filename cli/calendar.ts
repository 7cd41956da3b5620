import { parseArgs } from 'node:util';
import { env, loadConfig } from '../infra/config.js';
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

/**
 * `mohla calendar`: read the working-day calendar, or change it through the running API so that every
 * open application whose deadline the change crosses is rescheduled.
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
      const calendar = (await call('GET', `/calendars/${id}`)) as { id: string; version: number; datedHolidays: Array<{ date: string; name: { en: string }; status: string }>; closures: Array<{ date: string; reason: { en: string } }> };
      if (values.json) console.log(JSON.stringify(calendar, null, 2));
      else {
        console.log(`${calendar.id} version ${calendar.version}`);
        for (const h of calendar.datedHolidays) console.log(`  ${h.date}  ${h.name.en} (${h.status})`);
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
    default:
      throw new UsageError('calendar: usage: mohla calendar show | add-holiday --date D --name-ar … --name-fr … --name-en … [--provisional] | add-closure --date D --reason-ar … --reason-fr … --reason-en …');
  }
}
