import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { addCalendarDays, calendarDaysBetween, type Calendar, type DatedHoliday } from '../engine/calendar.js';
import { PROJECT_ROOT } from '../infra/config.js';
import { validateCalendar } from '../registry/calendars.js';
import { calendarFileText, generateProvisionalHolidays, umAlQuraDate } from './provisional-holidays.js';
import { shippedCalendar } from '../test/helpers/shipped-calendar.js';

const shipped = shippedCalendar();

/** The calendar as it was before any generated entry: confirmed and hand-written holidays only, no horizon. */
function handWritten(): Calendar {
  const { horizon: _horizon, ...rest } = structuredClone(shipped);
  return { ...rest, datedHolidays: rest.datedHolidays.filter((h) => !h.generated) };
}

const firstDayOf = (holidays: DatedHoliday[], name: string, year: string) =>
  holidays.find((h) => h.name.en === name && h.date.startsWith(year))?.date;

describe('the Umm al-Qura dates ICU gives', () => {
  // The published Umm al-Qura table: 1 Shawwal and 10 Dhu al-Hijja of 1449 and 1450 AH.
  it.each([
    ['2028-02-26', { year: 1449, month: 10, day: 1 }],
    ['2028-05-05', { year: 1449, month: 12, day: 10 }],
    ['2029-02-14', { year: 1450, month: 10, day: 1 }],
    ['2029-04-24', { year: 1450, month: 12, day: 10 }],
  ])('%s is %o', (date, hijri) => {
    expect(umAlQuraDate(date)).toEqual(hijri);
  });
});

describe('mohla calendar provisional (the generator)', () => {
  const before = handWritten();
  const generated = generateProvisionalHolidays(before, { through: 2035 });

  it('keeps every confirmed and hand-written entry exactly as it was', () => {
    const kept = generated.calendar.datedHolidays.filter((h) => !h.generated);
    expect(kept).toEqual(before.datedHolidays);
    expect(generated.kept).toBe(before.datedHolidays.length);
    expect(generated.calendar.fixedHolidays).toEqual(before.fixedHolidays);
    expect(generated.calendar.closures).toEqual(before.closures);
  });

  it('marks every new entry provisional and generated, from 2028 up to the horizon', () => {
    expect(generated.calendar.horizon).toBe('2035-12-31');
    expect(generated.written.length).toBeGreaterThan(0);
    for (const h of generated.written) {
      expect(h).toMatchObject({ status: 'provisional', generated: true });
      expect(h.date >= '2028-01-01' && h.date <= '2035-12-31').toBe(true);
    }
    expect(validateCalendar(generated.calendar)).toEqual([]);
  });

  it('puts 2028 Eid al-Fitr and Eid al-Adha on the published Umm al-Qura date plus one day, give or take a day', () => {
    const holidays = generated.calendar.datedHolidays;
    const fitr = firstDayOf(holidays, 'Eid al-Fitr', '2028') as string;
    const adha = firstDayOf(holidays, 'Eid al-Adha', '2028') as string;
    expect(Math.abs(calendarDaysBetween(addCalendarDays('2028-02-26', 1), fitr))).toBeLessThanOrEqual(1);
    expect(Math.abs(calendarDaysBetween(addCalendarDays('2028-05-05', 1), adha))).toBeLessThanOrEqual(1);
    // Two days each, as the 2025 confirmed ones.
    expect(holidays.filter((h) => h.name.en === 'Eid al-Fitr' && h.date.startsWith('2028-0')).map((h) => h.date)).toEqual([fitr, addCalendarDays(fitr, 1)]);
    expect(holidays.filter((h) => h.name.en === 'Eid al-Adha' && h.date.startsWith('2028-0')).map((h) => h.date)).toEqual([adha, addCalendarDays(adha, 1)]);
  });

  it('writes both Eid al-Fitr of 2033, in January and in December', () => {
    const fitr2033 = generated.written.filter((h) => h.name.en === 'Eid al-Fitr' && h.date.startsWith('2033'));
    expect(fitr2033).toHaveLength(4);
    expect(fitr2033.map((h) => h.date.slice(5, 7))).toEqual(['01', '01', '12', '12']);
  });

  it('gives the same file twice, and nothing new when run on its own output', () => {
    const again = generateProvisionalHolidays(handWritten(), { through: 2035 });
    expect(calendarFileText(again.calendar)).toBe(calendarFileText(generated.calendar));
    const rerun = generateProvisionalHolidays(generated.calendar, { through: 2035 });
    expect(calendarFileText(rerun.calendar)).toBe(calendarFileText(generated.calendar));
  });

  it('leaves an occurrence alone when a confirmed entry has it, even a day away from the forecast', () => {
    const fitr2029 = firstDayOf(generated.written, 'Eid al-Fitr', '2029') as string;
    const confirmed: DatedHoliday = { date: addCalendarDays(fitr2029, 1), name: shipped.datedHolidays[0]!.name, status: 'confirmed', note: 'announced' };
    const withConfirmation = { ...generated.calendar, datedHolidays: [...generated.calendar.datedHolidays, confirmed] };
    const rerun = generateProvisionalHolidays(withConfirmation, { through: 2035 });
    const fitr = rerun.calendar.datedHolidays.filter((h) => h.name.en === 'Eid al-Fitr' && h.date.startsWith('2029'));
    expect(fitr).toEqual([confirmed]);
  });

  it('writes its earlier entries again from the dates it is given, and refuses to shrink the horizon', () => {
    const shifted = generateProvisionalHolidays(generated.calendar, { through: 2035, hijriOf: (d) => umAlQuraDate(addCalendarDays(d, -1)) });
    expect(firstDayOf(shifted.calendar.datedHolidays, 'Eid al-Fitr', '2028')).toBe(addCalendarDays(firstDayOf(generated.written, 'Eid al-Fitr', '2028') as string, 1));
    expect(() => generateProvisionalHolidays(generated.calendar, { through: 2030 })).toThrow('the calendar already covers up to 31 December 2035');
  });

  it('is what the shipped file holds', () => {
    expect(shipped.horizon).toBe('2035-12-31');
    expect(calendarFileText(generated.calendar)).toBe(readFileSync(path.join(PROJECT_ROOT, 'procedures/calendars/ma.json'), 'utf8'));
  });
});

function mohla(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(PROJECT_ROOT, 'bin/mohla.js'), ...args], { cwd: os.tmpdir(), timeout: 30_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe.concurrent('the command line', () => {
  it('mohla calendar provisional writes the file and says what it did', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'mohla-calendar-')), 'ma.json');
    writeFileSync(file, JSON.stringify(handWritten()));
    const run = await mohla('calendar', 'provisional', '--through', '2029', '--file', file);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const written = JSON.parse(readFileSync(file, 'utf8')) as Calendar;
    const days = written.datedHolidays.filter((h) => h.generated).length;
    expect(run.stdout).toBe(`${path.relative(os.tmpdir(), file)}: ${days} provisional day(s) written (Umm al-Qura + 1 day), 21 entries kept; covers up to 31 December 2029\n`);
    expect(days).toBe(14);
    expect(written.horizon).toBe('2029-12-31');
  });

  it('mohla validate warns, without failing, about a budget that runs past the horizon', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mohla-horizon-'));
    const calendar = path.join(dir, 'ma.json');
    writeFileSync(calendar, JSON.stringify({ ...handWritten(), horizon: '2025-12-31' }));
    const definition = path.join(PROJECT_ROOT, 'procedures/access-to-information.v2.json');
    const run = await mohla('validate', '--calendar', calendar, definition);
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`${definition}: valid (access-to-information v2)`);
    expect(lines[1]).toMatch(
      new RegExp(`^${definition} /deadline/budget: warning: counted from today \\(.+\\), this budget can end on .+, past the horizon of calendar ma \\(31 December 2025\\)`),
    );
    expect(lines.slice(2)).toEqual(['1 file(s) valid']);
  });
});
