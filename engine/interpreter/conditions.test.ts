import { describe, expect, it } from 'vitest';
import { validateDefinition } from '../../registry/catalogue.js';
import type { Calendar } from '../calendar.js';
import { scheduleDeadline } from '../deadline/schedule.js';
import { dayCountingAt } from '../expressions/dates.js';
import type { ProcedureDefinition } from '../definition.generated.js';
import type { LanguageVersion } from '../language.js';
import { ApplicationMachine, type Effects } from '../machine.js';
import { simulate } from '../simulator.js';
import { deadlinesStartedOnFiling } from './filing-deadlines.js';
import type { ApplicationInput } from './state.js';
import { text } from '../../test/helpers/definitions.js';
import { shippedCalendar } from '../../test/helpers/shipped-calendar.js';

const calendar = shippedCalendar();

/** A definition that decides at once, by `when`, between an approving and a rejecting end. */
function deciding(when: unknown, extra: Record<string, unknown> = {}): ProcedureDefinition {
  const d = {
    id: 'conditions-sample',
    version: 1,
    title: text('Sample'),
    description: text('Sample'),
    category: 'urban-planning',
    offices: ['commune'],
    roles: ['agent'],
    legalBasis: { law: 'Law 12.90', note: 'test', confirmed: true },
    form: {
      type: 'object',
      properties: { from: { type: 'string', format: 'date' }, to: { type: 'string', format: 'date' }, sessionDate: { type: 'string', format: 'date' } },
    },
    documents: [],
    fees: [],
    channels: ['web'],
    deadline: { budget: { workingDays: 15 }, startsOn: 'filing', onComplement: 'pause', onExpiry: { action: 'notify', notify: ['agent'] } },
    start: 'route',
    steps: {
      route: { type: 'decision', cases: [{ when, next: 'granted' }], otherwise: 'refused' },
      granted: { type: 'end', outcome: 'approved', document: 'permit' },
      refused: { type: 'end', outcome: 'rejected', motivation: text('refused') },
    },
    ...extra,
  };
  expect(validateDefinition(d)).toEqual([]);
  return d as unknown as ProcedureDefinition;
}

const filedAt = '2026-06-01T10:00:00.000Z';
const outcome = async (d: ProcedureDefinition, data: Record<string, unknown>, language?: LanguageVersion) =>
  (await simulate(d, { filedAt, data }, calendar, { language })).outcome;

describe('a condition is read in the language of its definition', () => {
  const earlier = { '<': [{ var: 'data.from' }, { var: 'data.to' }] };
  const dates = { from: '2026-01-10', to: '2026-02-01' };

  it('language 2 compares two dates as text, which orders them', async () => {
    expect(await outcome(deciding(earlier), dates)).toBe('approved');
    expect(await outcome(deciding(earlier), { from: '2026-02-01', to: '2026-01-10' })).toBe('rejected');
    expect(await outcome(deciding({ '<=': [{ var: 'data.from' }, '2026-01-10'] }), dates)).toBe('approved');
  });

  it('language 1 compares them as numbers, as it always did: never true', async () => {
    const declared = deciding(earlier, { languageVersion: 1 });
    expect(await outcome(declared, dates)).toBe('rejected');
    expect(await outcome(deciding(earlier), dates, 1)).toBe('rejected');
    expect(await outcome(deciding({ '<=': [{ var: 'data.from' }, '2026-01-10'] }), dates, 1)).toBe('rejected');
  });
});

describe('conditions that count days', () => {
  const farEnough = { '>=': [{ workingDaysBetween: [{ today: [] }, { var: 'data.sessionDate' }] }, 10] };

  it('read today as the filing date and count working days on the calendar', async () => {
    // Filed Monday 1 June 2026: 15 June is the 10th working day after it, 12 June the 9th.
    expect(await outcome(deciding(farEnough), { sessionDate: '2026-06-15' })).toBe('approved');
    expect(await outcome(deciding(farEnough), { sessionDate: '2026-06-12' })).toBe('rejected');
    expect(await outcome(deciding(farEnough), {})).toBe('rejected');
  });

  it('skip the holidays of the calendar the shell hands over', async () => {
    const withClosure: Calendar = { ...calendar, closures: [...calendar.closures, { date: '2026-06-10', reason: text('closure') }] };
    const result = await simulate(deciding(farEnough), { filedAt, data: { sessionDate: '2026-06-15' } }, withClosure);
    expect(result.outcome).toBe('rejected');
  });

  it('choose a legal budget at filing the same way in the API and in the interpreter', async () => {
    const d = deciding(true, {
      deadline: {
        budget: { workingDays: 15 },
        variants: [{ when: { '<': [{ calendarDaysBetween: [{ today: [] }, { var: 'data.sessionDate' }] }, 30] }, budget: { workingDays: 5 } }],
        startsOn: 'filing',
        onComplement: 'pause',
        onExpiry: { action: 'notify', notify: ['agent'] },
      },
    });
    const input = (sessionDate: string): ApplicationInput => ({
      trackingNumber: 'ABCD-EFGH-J',
      procedure: { id: d.id, version: d.version, hash: 'h', definition: d, languageVersion: 2 },
      officeId: 'commune',
      data: { sessionDate },
      filedBy: 'citizen',
      filedAt,
    });
    const legalBudget = (sessionDate: string) => deadlinesStartedOnFiling(input(sessionDate), calendar).find((f) => f.deadlineId === 'legal')?.request.budget;
    expect(legalBudget('2026-06-20')).toEqual({ workingDays: 5 });
    expect(legalBudget('2026-08-20')).toEqual({ workingDays: 15 });
    const simulated = await simulate(d, { filedAt, data: { sessionDate: '2026-06-20' } }, calendar);
    expect(simulated.state.deadlines.legal?.budget).toEqual({ workingDays: 5 });
  });

  it('do not exist for the language-1 evaluator', async () => {
    const d = deciding(farEnough);
    await expect(simulate(d, { filedAt, data: {} }, calendar, { language: 1 })).rejects.toThrow('unknown operator "workingDaysBetween"');
  });
});

describe('the calendar a machine reads', () => {
  function machineFor(d: ProcedureDefinition, languageVersion: LanguageVersion) {
    const asked: string[] = [];
    const effects: Effects = {
      scheduleDeadline: async (request) => scheduleDeadline(request, calendar),
      runService: async () => ({ ok: true, result: null }),
      record: async () => undefined,
      now: () => filedAt,
      dayCounting: async (at) => {
        asked.push(at);
        return dayCountingAt(calendar, at);
      },
    };
    const input: ApplicationInput = {
      trackingNumber: 'ABCD-EFGH-J',
      procedure: { id: d.id, version: d.version, hash: 'h', definition: d, languageVersion },
      officeId: 'commune',
      data: { sessionDate: '2026-06-15' },
      filedBy: 'citizen',
      filedAt,
    };
    return { machine: new ApplicationMachine(d, input, effects), asked };
  }

  it('is asked once per event, only by a definition whose conditions count working days or read today', async () => {
    const counting = machineFor(deciding({ '>': [{ calendarDaysBetween: [{ today: [] }, { var: 'data.sessionDate' }] }, 7] }), 2);
    await counting.machine.dispatch({ type: 'filed', at: filedAt });
    expect(counting.machine.state.outcome).toBe('approved');
    expect(counting.asked).toEqual([filedAt]);
    const plain = machineFor(deciding({ '<': [{ var: 'data.sessionDate' }, '2026-07-01'] }), 2);
    await plain.machine.dispatch({ type: 'filed', at: filedAt });
    expect(plain.machine.state.outcome).toBe('approved');
    expect(plain.asked).toEqual([]);
    // Calendar days between two dates of the form need neither the calendar nor the zone.
    const between = machineFor(deciding({ '>': [{ calendarDaysBetween: ['2026-06-01', { var: 'data.sessionDate' }] }, 7] }), 2);
    await between.machine.dispatch({ type: 'filed', at: filedAt });
    expect(between.machine.state.outcome).toBe('approved');
    expect(between.asked).toEqual([]);
  });

  it('is never asked under language 1, so no recorded history meets the new local activity', async () => {
    const old = machineFor(deciding({ '<': [{ var: 'data.sessionDate' }, '2026-07-01'] }), 1);
    await old.machine.dispatch({ type: 'filed', at: filedAt });
    expect(old.machine.state.outcome).toBe('rejected');
    expect(old.asked).toEqual([]);
  });
});
