import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../infra/config.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function mohlaDeadline(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(PROJECT_ROOT, 'bin/mohla.js'), 'deadline', ...args],
      // From another directory, to show the default calendar is found from the project root.
      { cwd: os.tmpdir(), timeout: 60_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe.concurrent('mohla deadline', () => {
  it('prints one JSON object with the due date, the instant and the explanation', async () => {
    const run = await mohlaDeadline('--from', '2026-03-16T10:00:00Z', '--working-days', '20', '--json');
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({
      dueDate: '2026-04-14',
      dueAt: '2026-04-14T23:59:59.999+01:00',
      calendar: { id: 'ma', zone: 'Africa/Casablanca' },
    });
    expect(result.explanation).toContain('20–21 March 2026: Eid al-Fitr (provisional)');
    expect(result.explanation.at(-1)).toBe('due Tuesday 14 April 2026 at 23:59 (Africa/Casablanca)');
  });

  it('prints a readable summary without --json', async () => {
    const run = await mohlaDeadline('--from', '2026-03-16T10:00:00Z', '--working-days', '20');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Due Tuesday 14 April 2026 at 23:59 (Africa/Casablanca)');
    expect(run.stdout).toContain('2026-04-14T23:59:59.999+01:00');
    expect(run.stdout).toContain('20 working days from Monday 16 March 2026');
  });

  it('shows forecast holidays as provisional, and says when the count runs past the calendar', async () => {
    const [across2028, text, pastHorizon] = await Promise.all([
      mohlaDeadline('--from', '2028-02-24T10:00:00', '--working-days', '5', '--json'),
      mohlaDeadline('--from', '2028-02-24T10:00:00', '--working-days', '5'),
      mohlaDeadline('--from', '2035-12-20T10:00:00', '--working-days', '20', '--json'),
    ]);
    expect(JSON.parse(across2028.stdout)).toMatchObject({ dueDate: '2028-03-03', beyondHorizon: false, calendar: { horizon: '2035-12-31' } });
    expect(text.stdout).toContain('  - 27–28 February 2028: Eid al-Fitr (provisional)\n');
    expect(text.stdout).toContain(', covers up to 31 December 2035\n');
    expect(text.stdout.trimEnd().split('\n').at(-1)).toBe('Provisional holidays are forecasts: the announcement after the moon sighting may still move them by a day or so.');
    const past = JSON.parse(pastHorizon.stdout);
    expect(past).toMatchObject({ dueDate: '2036-01-22', beyondHorizon: true });
    expect(past.explanation).toContain(
      'the calendar (ma v1) covers days up to Monday 31 December 2035: the Islamic holidays after that date are not in it yet, so this due date may still move',
    );
  });

  it('takes pauses as local dates and extensions in the budget unit', async () => {
    const run = await mohlaDeadline(
      '--from=2026-03-16T10:00:00Z',
      '--working-days=20',
      '--pause',
      '2026-04-08/2026-04-15',
      '--extend',
      '20',
      '--json',
    );
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({ dueDate: '2026-05-21', dueAt: '2026-05-21T23:59:59.999+01:00', extendedBy: 20 });
    expect(result.explanation).toEqual(
      expect.arrayContaining(['paused 8–15 April 2026', 'extended by 20 working days']),
    );
  });

  it('rolls calendar days forward unless told not to', async () => {
    const [rolled, kept] = await Promise.all([
      mohlaDeadline('--from', '2026-04-01T10:00:00+01:00', '--calendar-days', '30', '--json'),
      mohlaDeadline('--from', '2026-04-01T10:00:00+01:00', '--calendar-days', '30', '--no-roll-forward', '--json'),
    ]);
    expect(JSON.parse(rolled.stdout).dueAt).toBe('2026-05-04T23:59:59.999+01:00');
    expect(JSON.parse(kept.stdout).dueAt).toBe('2026-05-01T23:59:59.999+01:00');
  });

  it('counts a clock back from a date, moving a day off earlier, and forwards after it', async () => {
    const [before, after, refused] = await Promise.all([
      mohlaDeadline('--before', '2026-05-20', '--calendar-days', '10'),
      mohlaDeadline('--after', '2026-05-20', '--calendar-days', '8', '--json'),
      mohlaDeadline('--before', '2026-05-20', '--calendar-days', '10', '--pause', '2026-05-01/2026-05-02'),
    ]);
    expect(before.code).toBe(0);
    // Day 10 before Wednesday 20 May is Sunday 10 May: the summons must go out by Friday 8 May.
    expect(before.stdout).toContain('Due Friday 8 May 2026 at 23:59 (Africa/Casablanca)');
    expect(before.stdout).toContain('  - 10 calendar days before Wednesday 20 May 2026, the date in the application');
    // Day 8 after is Thursday 28 May, Eid al-Adha: Friday 29 May.
    expect(JSON.parse(after.stdout)).toMatchObject({ dueDate: '2026-05-29', countsFrom: { date: '2026-05-20' } });
    expect(refused).toEqual({ code: 2, stdout: '', stderr: 'mohla deadline: --pause and --extend go with --from: a clock counted from a date neither pauses nor extends\n' });
  });

  it('reads another calendar with --calendar', async () => {
    const ma = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'procedures/calendars/ma.json'), 'utf8'));
    ma.version = 2;
    ma.closures.push({ date: '2026-03-17', reason: { ar: 'إغلاق', fr: 'Fermeture', en: 'Exceptional closure' } });
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'mohla-calendar-')), 'ma.json');
    writeFileSync(file, JSON.stringify(ma));
    const run = await mohlaDeadline(
      '--from',
      '2026-03-16T10:00:00Z',
      '--working-days',
      '1',
      '--calendar',
      file,
      '--json',
    );
    expect(JSON.parse(run.stdout)).toMatchObject({ dueDate: '2026-03-18', calendar: { version: 2 } });
  });

  it.each([
    ['no budget', ['--from', '2026-03-16T10:00:00Z'], 'give the budget'],
    [
      'both budgets',
      ['--from', '2026-03-16T10:00:00Z', '--working-days', '2', '--calendar-days', '3'],
      'only one budget',
    ],
    ['a negative number', ['--from', '2026-03-16T10:00:00Z', '--working-days', '-2'], 'whole number'],
    ['a fraction', ['--from', '2026-03-16T10:00:00Z', '--calendar-days', '2.5'], 'whole number'],
    ['no start', ['--working-days', '2'], '--from'],
    ['a bad instant', ['--from', '2026-02-30T10:00:00Z', '--working-days', '2'], 'not an ISO 8601 instant'],
    [
      'a bad pause',
      ['--from', '2026-03-16T10:00:00Z', '--working-days', '2', '--pause', 'April'],
      'not a range of local dates',
    ],
    [
      'a pause that ends before it starts',
      ['--from', '2026-03-16T10:00:00Z', '--working-days', '2', '--pause', '2026-04-15/2026-04-08'],
      'ends before it starts',
    ],
    [
      'an unreadable calendar',
      ['--from', '2026-03-16T10:00:00Z', '--working-days', '2', '--calendar', '/nonexistent/ma.json'],
      'cannot read the calendar',
    ],
    [
      'an unknown flag',
      ['--from', '2026-03-16T10:00:00Z', '--working-days', '2', '--business-days', '3'],
      "unknown option '--business-days'",
    ],
  ])('refuses %s with exit code 2 and one line', async (_label, args, reason) => {
    const run = await mohlaDeadline(...args);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/^mohla deadline: /)]);
    expect(run.stderr).toContain(reason);
  });});

// One at a time, after the others: the concurrent ones above already keep the machine busy.
describe('mohla deadline, on what a definition refuses', () => {
  it.each([
    [
      'a budget of zero working days',
      ['--from', '2026-03-16T10:00:00Z', '--working-days', '0'],
      "--working-days must be 1 or more: a definition's budget is at least one day",
    ],
    [
      'a budget of zero calendar days',
      ['--from', '2026-03-16T10:00:00Z', '--calendar-days', '0'],
      "--calendar-days must be 1 or more: a definition's budget is at least one day",
    ],
    [
      "a budget over the engine's largest",
      ['--from', '2026-03-16T10:00:00Z', '--working-days', '100001'],
      '--working-days must be at most 100000, the largest budget the engine counts',
    ],
    [
      "extensions that take the budget over the engine's largest",
      ['--from', '2026-03-16T10:00:00Z', '--calendar-days', '99990', '--extend', '5', '--extend', '6'],
      'the budget with its extensions must be at most 100000 days, the largest the engine counts',
    ],
    [
      '--no-roll-forward with working days',
      ['--from', '2026-03-16T10:00:00Z', '--working-days', '5', '--no-roll-forward'],
      '--no-roll-forward goes with --calendar-days only: a count of working days never ends on a day off',
    ],
    [
      'a pause that starts before the deadline does',
      ['--from', '2026-03-16T10:00:00+01:00', '--working-days', '5', '--pause', '2026-03-10/2026-03-17'],
      '--pause 2026-03-10/2026-03-17 starts before --from (2026-03-16): a deadline cannot pause before it starts',
    ],
  ])('refuses %s, as a definition would, in one line with exit code 2', async (_label, args, reason) => {
    const run = await mohlaDeadline(...args);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`mohla deadline: ${reason}\n`);
  });

  it('counts a pause that starts on the day the deadline starts', async () => {
    const run = await mohlaDeadline('--from', '2026-04-06T10:00:00+01:00', '--working-days', '2', '--pause', '2026-04-06/2026-04-07', '--json');
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).explanation).toContain('paused 6–7 April 2026');
  });
});
