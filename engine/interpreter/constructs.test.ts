/**
 * What language 2's constructs do to an application: an internal procedure tells no citizen anything,
 * a forwarded application names the body it went to, a partial grant keeps its motivation, and Law
 * 31.13's urgent request is extended by its own 3 working days, not by the 20 of the others.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../infra/config.js';
import { validateDefinition } from '../../registry/catalogue.js';
import { scheduleDeadline } from '../deadline/schedule.js';
import type { ProcedureDefinition } from '../definition.generated.js';
import { ApplicationMachine } from '../machine.js';
import { simulate, type Scenario } from '../simulator.js';
import type { Command } from './commands.js';
import { promotionFile, text } from '../../test/helpers/definitions.js';
import { shippedCalendar } from '../../test/helpers/shipped-calendar.js';

const calendar = shippedCalendar();

function valid(definition: object): ProcedureDefinition {
  expect(validateDefinition(definition)).toEqual([]);
  return definition as ProcedureDefinition;
}

/** A promotion file filed by the HR officer, reviewed by the committee; two calendar months, extendable by one. */
function promotion(channels: Record<string, unknown> = { channels: ['internal'], filingRoles: ['hr-officer'] }) {
  const { filingRoles: _filers, ...definition } = promotionFile();
  return valid({ ...definition, ...channels });
}

const run = (d: ProcedureDefinition, scenario: Omit<Scenario, 'data'> & { data?: Record<string, unknown> }) =>
  simulate(d, { data: {}, ...scenario }, calendar);
const notified = (trace: Array<{ kind: string; text: string }>) => trace.filter((t) => t.kind === 'notify').map((t) => t.text);

describe('an internal procedure', () => {
  const filedAt = '2027-01-31T10:00:00.000Z';
  const events: Scenario['events'] = [
    { action: 'extend', units: 1, reason: 'the committee meets in April', after: 'P1D' },
    { action: 'complete', step: 'review', outcome: 'promote', after: 'P40D' },
  ];

  it('tells the staff it names and no citizen: not of the filing, the extension or the decision', async () => {
    const result = await run(promotion(), { filedAt, events });
    expect(result.outcome).toBe('approved');
    expect(notified(result.trace)).toEqual(['notify hr-officer: readyForCollection']);
  });

  it('is counted in calendar months: 31 January + 2 months, extended by 1, is Friday 30 April', async () => {
    const result = await run(promotion(), { filedAt, events: events.slice(0, 1), until: '2027-02-05T00:00:00.000Z' });
    expect(result.legalDeadline?.dueAt).toBe('2027-04-30T23:59:59.999+00:00');
  });

  it('is the same file, told to its citizen, when citizens file it', async () => {
    const result = await run(promotion({ channels: ['web'] }), { filedAt, events });
    expect(notified(result.trace)).toEqual(['notify citizen: filed', 'notify citizen: deadlineExtended', 'notify hr-officer: readyForCollection', 'notify citizen: decision']);
  });
});

describe('outcomes', () => {
  it('forwarded: the application closes naming the competent body, and the decision message carries it', async () => {
    const commands: Command[] = [];
    const d = promotion({ channels: ['web'] });
    const machine = new ApplicationMachine(
      d,
      { trackingNumber: '7KQM-4RZ8-P', procedure: { id: d.id, version: 1, hash: 'test', definition: d, languageVersion: 2 }, officeId: 'commune-a', data: {}, filedBy: 'citizen-1', filedAt: '2027-01-31T10:00:00.000Z' },
      {
        scheduleDeadline: async (request) => scheduleDeadline(request, calendar),
        runService: async () => ({ ok: true, result: null }),
        record: async (_state, recorded) => void commands.push(...recorded),
        now: () => '2027-02-01T10:00:00.000Z',
        dayCounting: () => Promise.reject(new Error('the definition counts no days')),
      },
    );
    await machine.dispatch({ type: 'filed', at: '2027-01-31T10:00:00.000Z' });
    const task = Object.values(machine.state.tasks)[0]!;
    await machine.dispatch({ type: 'taskCompleted', taskId: task.id, outcome: 'refer', actor: 'committee-1', at: '2027-02-01T10:00:00.000Z' });
    expect(machine.state).toMatchObject({ status: 'closed', outcome: 'forwarded', forwardedTo: text('the ministry of the interior') });
    expect(commands.filter((c) => c.type === 'notify' && c.template === 'decision')).toEqual([
      {
        type: 'notify',
        key: '7KQM-4RZ8-P:decision',
        recipients: ['citizen'],
        template: 'decision',
        context: { trackingNumber: '7KQM-4RZ8-P', procedureId: 'staff-promotion', outcome: 'forwarded', forwardedTo: text('the ministry of the interior') },
      },
    ]);
    expect(commands).toContainEqual({
      type: 'timeline',
      seq: expect.any(Number),
      entry: { at: '2027-02-01T10:00:00.000Z', kind: 'closed', detail: { outcome: 'forwarded', forwardedTo: text('the ministry of the interior') } },
    });
  });

  it('partiallyGranted: the application closes with the motivation of what is refused', async () => {
    const result = await run(promotion(), { filedAt: '2027-01-31T10:00:00.000Z', events: [{ action: 'complete', step: 'review', outcome: 'partly', after: 'P1D' }] });
    expect(result.outcome).toBe('partiallyGranted');
    expect(result.state.motivation).toBe('Promoted one grade, not two.');
    expect(result.state.forwardedTo).toBeUndefined();
  });
});

describe("a variant's own extension: Law 31.13's urgent request", () => {
  // The shipped access-to-information procedure, in language 2, with the urgent variant's own extension.
  const shipped = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'procedures/access-to-information.v2.json'), 'utf8'));
  const d = valid({
    ...shipped,
    languageVersion: 2,
    deadline: {
      ...shipped.deadline,
      variants: [{ ...shipped.deadline.variants[0], extension: { maxCount: 1, units: 3, noticeRequired: true } }],
    },
  });
  const form = { fullName: 'Salma Berrada', idType: 'cin', idNumber: 'FC112233', informationRequested: 'The 2026 budget of the commune', deliveryFormat: 'email' };
  // Monday 16 March 2026, during Ramadan (UTC+0); Eid al-Fitr is provisionally Friday 20 – Saturday 21 March.
  const filedAt = '2026-03-16T09:00:00.000Z';
  const until = '2026-03-17T00:00:00.000Z';

  it('extends an urgent request by at most 3 working days', async () => {
    const data = { ...form, lifeSafetyOrFreedomAtStake: true, urgencyReason: 'A detained relative needs the record.' };
    const refused = await run(d, { filedAt, data, until, events: [{ action: 'extend', units: 4, reason: 'a search of the archives', after: 'PT1H' }] });
    // 3 working days from Monday: Tuesday, Wednesday, Thursday 19 March.
    expect(refused.legalDeadline?.dueAt).toBe('2026-03-19T23:59:59.999+00:00');
    expect(refused.trace.filter((t) => t.kind === 'rejected').map((t) => t.text)).toEqual(['events[0] extend refused: An extension adds at most 3.']);

    const extended = await run(d, { filedAt, data, until, events: [{ action: 'extend', units: 3, reason: 'a search of the archives', after: 'PT1H' }] });
    // Days 4 to 6: Monday 23 (after Eid al-Fitr and the weekend, back on UTC+1), Tuesday 24, Wednesday 25 March.
    expect(extended.legalDeadline?.dueAt).toBe('2026-03-25T23:59:59.999+01:00');
  });

  it("extends the other requests by the deadline's 20", async () => {
    const data = { ...form, lifeSafetyOrFreedomAtStake: false };
    const refused = await run(d, { filedAt, data, until, events: [{ action: 'extend', units: 21, reason: 'a search of the archives', after: 'PT1H' }] });
    expect(refused.trace.filter((t) => t.kind === 'rejected').map((t) => t.text)).toEqual(['events[0] extend refused: An extension adds at most 20.']);
    const extended = await run(d, { filedAt, data, until, events: [{ action: 'extend', units: 20, reason: 'a search of the archives', after: 'PT1H' }] });
    expect(extended.trace.map((t) => t.text)).toContain('deadline extended by 20: a search of the archives');
  });
});
