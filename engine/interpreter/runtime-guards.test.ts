/**
 * What the interpreter guards and corrects at run time: a bound on the steps one event may go through, the
 * tasks an end inside a parallel branch cancels, an extension of a duration budget, the warnings an
 * extension re-arms, and complement requests that ask the same way whichever way they come. Corrections
 * apply to language-2 applications; language 1 keeps what it did, so that recorded histories replay.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../infra/config.js';
import { validateDefinition } from '../../registry/catalogue.js';
import { addWorkingDays } from '../calendar.js';
import { scheduleDeadline } from '../deadline/schedule.js';
import type { ProcedureDefinition } from '../definition.generated.js';
import { ApplicationMachine } from '../machine.js';
import { simulate, type Scenario } from '../simulator.js';
import type { Command } from './commands.js';
import { deadlinesStartedOnFiling } from './filing-deadlines.js';
import { nextTimer } from './timers.js';
import { text, userTask as task } from '../../test/helpers/definitions.js';
import { shippedCalendar } from '../../test/helpers/shipped-calendar.js';

const calendar = shippedCalendar();
const DAY = 86_400_000;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Definition = Record<string, any>;

const shipped = (file: string): Definition => JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'procedures', file), 'utf8')) as Definition;
const inLanguage = (definition: Definition, language: 1 | 2) => ({ ...definition, languageVersion: language }) as unknown as ProcedureDefinition;
const texts = (trace: Array<{ text: string }>) => trace.map((t) => t.text);

/** A small procedure around the given steps, checked as the validator would check it in its language. */
function procedure(language: 1 | 2, steps: Record<string, unknown>, deadline: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): ProcedureDefinition {
  const d = {
    id: 'guards-sample',
    version: 1,
    languageVersion: language,
    title: text('Sample'),
    description: text('Sample'),
    category: 'urban-planning',
    offices: ['commune'],
    roles: ['agent', 'supervisor', 'architect'],
    legalBasis: { law: 'Law 12.90', note: 'test', confirmed: true },
    form: { type: 'object', properties: { surface: { type: 'number' } } },
    documents: [
      { id: 'plans', label: text('Plans'), formats: ['pdf'], maxSizeMb: 5 },
      { id: 'photos', label: text('Photos'), formats: ['jpeg'], maxSizeMb: 5, optional: true },
    ],
    fees: [],
    channels: ['web'],
    deadline: { budget: { calendarDays: 30 }, startsOn: 'filing', onComplement: 'pause', onExpiry: { action: 'notify', notify: ['supervisor'] }, ...deadline },
    start: Object.keys(steps)[0],
    steps,
    ...extra,
  };
  return d as unknown as ProcedureDefinition;
}

const granted = { type: 'end', outcome: 'approved', document: 'permit' };
const refused = { type: 'end', outcome: 'rejected', motivation: text('The file is still incomplete') };

const filedAt = '2026-03-16T09:00:00.000Z';
const run = (d: ProcedureDefinition, events: Scenario['events'] = [], data: Record<string, unknown> = {}, until?: string) =>
  simulate(d, { filedAt, data, events, ...(until ? { until } : {}) }, calendar, { language: d.languageVersion ?? 1 });

const accessRequest = {
  fullName: 'Amina Idrissi',
  idType: 'cin',
  idNumber: 'AB1234',
  informationRequested: 'The minutes of the last council session',
  deliveryFormat: 'email',
  lifeSafetyOrFreedomAtStake: false,
};

describe('a loop that never waits', () => {
  // byPost → notifyProvided → partialOrFull → byPost: a decision and a notification that go round.
  const looping = (start?: string) => {
    const d = shipped('access-to-information.v2.json');
    d.steps.partialOrFull.otherwise = 'byPost';
    if (start) d.start = start;
    return inLanguage(d, 1);
  };
  // From byPost, the 1st, 4th, 7th… step entered is byPost, so the 1001st is notifyProvided.
  const stopped =
    'The application went through 1000 steps without waiting for a person, a timer or the citizen, the last one "notifyProvided": the definition loops there; a loop needs a task, a wait step or a complement request on it.';

  it('stops a language-1 application with a clear error naming the step, never a stack overflow', async () => {
    const result = await run(looping(), [{ action: 'complete', step: 'examine', outcome: 'provide', after: 'PT1H' }], accessRequest);
    expect(result.trace.filter((t) => t.kind === 'rejected').map((t) => t.text)).toEqual([`events[0] complete refused: ${stopped}`]);
  });

  it('stops a filing that would loop, in the workflow and in the API that schedules its deadlines alike', async () => {
    const definition = looping('byPost');
    await expect(run(definition, [], accessRequest)).rejects.toThrow(stopped);
    const input = { trackingNumber: 'ABCD-EFGH-J', procedure: { id: definition.id, version: 2, hash: 'h', definition }, officeId: 'o', data: accessRequest, filedBy: 'c', filedAt };
    expect(() => deadlinesStartedOnFiling(input)).toThrow(stopped);
  });
});

describe('an end inside a parallel branch (language 1)', () => {
  const commission = procedure(1, {
    commission: { type: 'parallel', branches: { architect: { start: 'architect' }, safety: { start: 'safety' } }, completion: { mode: 'all' }, next: 'granted' },
    architect: task('architect', { favourable: 'joined' }),
    safety: task('agent', { favourable: 'joined', unfavourable: 'refused' }),
    joined: { type: 'join', parallel: 'commission' },
    granted,
    refused,
  });

  it('still closes the application, and logs why each task of the other branches was cancelled', async () => {
    const result = await run(commission, [{ action: 'complete', step: 'safety', outcome: 'unfavourable', after: 'PT1H' }]);
    expect(result.outcome).toBe('rejected');
    expect(texts(result.trace)).toContain('task architect cancelled: end "refused" was reached in branch "safety" of "commission" before the branches joined');
    expect(result.trace.filter((t) => t.kind === 'taskCancelled')).toHaveLength(1);
    expect(Object.values(result.state.tasks).map((t) => [t.stepId, t.status])).toEqual([
      ['architect', 'cancelled'],
      ['safety', 'completed'],
    ]);
  });
});

describe('an extension of a duration budget', () => {
  const extensible = (language: 1 | 2, duration: string, units: number) =>
    procedure(language, { review: task('agent', { approve: 'granted' }), granted }, {
      budget: { duration },
      extension: { maxCount: 1, units, noticeRequired: true },
    });
  const extend = (units: number): Scenario['events'] => [{ action: 'extend', units, reason: 'a technical expertise', after: 'PT1H' }];

  it('adds its units in the duration’s own unit in language 2', async () => {
    const days = await run(extensible(2, 'P20D', 20), extend(20), {}, '2026-03-17T00:00:00.000Z');
    expect(Date.parse(days.legalDeadline!.dueAt)).toBe(Date.parse(filedAt) + 40 * DAY);
    expect(days.state.deadlines.legal?.ledger.at(-1)).toMatchObject({ type: 'extended', units: 20, duration: 'P20D' });
    expect(days.legalDeadline!.explanation).toContain('extended by 20 days: a technical expertise');
    const hours = await run(extensible(2, 'PT4H', 2), extend(2), {}, '2026-03-16T10:30:00.000Z');
    expect(Date.parse(hours.legalDeadline!.dueAt)).toBe(Date.parse(filedAt) + 6 * 3_600_000);
  });

  it('keeps multiplying the budget in language 1, as its applications were told', async () => {
    const result = await run(extensible(1, 'P20D', 20), extend(20), {}, '2026-03-17T00:00:00.000Z');
    expect(Date.parse(result.legalDeadline!.dueAt)).toBe(Date.parse(filedAt) + 21 * 20 * DAY);
    expect(result.state.deadlines.legal?.ledger.at(-1)).not.toHaveProperty('duration');
    expect(result.legalDeadline!.explanation).toContain('extended by 400 days: a technical expertise');
  });

  it('refuses an extension of no units in language 2', async () => {
    const result = await run(extensible(2, 'P20D', 20), extend(0), {}, '2026-03-17T00:00:00.000Z');
    expect(result.trace.find((t) => t.kind === 'rejected')?.text).toBe('events[0] extend refused: An extension adds a whole number of units, at least 1.');
  });
});

describe('warnings after an extension', () => {
  // 20 working days from Monday 16 March 2026 (Eid al-Fitr on 20–21 March): due Tuesday 14 April.
  // Extended on that very day by 20 working days: due Wednesday 13 May (1 May is Labour Day).
  const extendedOnTheDueDay: Scenario['events'] = [{ action: 'extend', units: 20, reason: 'technical-expertise', at: '2026-04-14T10:00:00+01:00' }];
  const warnings = (trace: Array<{ at: string; kind: string; text: string }>) => trace.filter((t) => t.kind === 'deadlineWarned').map((t) => `${t.at} ${t.text}`);

  it('fire again before the new due date in language 2', async () => {
    const result = await run(inLanguage(shipped('access-to-information.v2.json'), 2), extendedOnTheDueDay, accessRequest);
    expect(result.legalDeadline?.dueDate).toBe(addWorkingDays('2026-04-14', 20, calendar));
    expect(warnings(result.trace)).toEqual([
      // 5 and 2 working days before 14 April: the ends of Tuesday 7 and Friday 10 April (UTC+1).
      '2026-04-07T22:59:59.999Z warning: legal deadline due 2026-04-14T23:59:59.999+01:00',
      '2026-04-10T22:59:59.999Z warning: legal deadline due 2026-04-14T23:59:59.999+01:00',
      // 5 and 2 working days before 13 May: the ends of Wednesday 6 and Monday 11 May.
      '2026-05-06T22:59:59.999Z warning: legal deadline due 2026-05-13T23:59:59.999+01:00',
      '2026-05-11T22:59:59.999Z warning: legal deadline due 2026-05-13T23:59:59.999+01:00',
    ]);
  });

  it('each fire their message again, under a key of its own so the outbox sends it', async () => {
    const definition = inLanguage(shipped('access-to-information.v2.json'), 2);
    const commands: Command[] = [];
    let clock = Date.parse(filedAt);
    const now = () => new Date(clock).toISOString();
    const input = { trackingNumber: 'ABCD-EFGH-J', procedure: { id: definition.id, version: 2, hash: 'h', definition, languageVersion: 2 as const }, officeId: 'o', data: accessRequest, filedBy: 'c', filedAt };
    const machine = new ApplicationMachine(definition, input, {
      scheduleDeadline: async (request) => scheduleDeadline(request, calendar),
      runService: async () => ({ ok: true, result: {} }),
      record: async (_state, recorded) => void commands.push(...recorded),
      now,
      dayCounting: () => Promise.reject(new Error('the definition counts no days')),
    });
    await machine.dispatch({ type: 'filed', at: filedAt });
    const extendAt = Date.parse('2026-04-14T10:00:00+01:00');
    let extended = false;
    for (let timer = nextTimer(machine.state, 2); timer && timer.atMs < Date.parse('2026-05-13T00:00:00Z'); timer = nextTimer(machine.state, 2)) {
      if (!extended && timer.atMs > extendAt) {
        clock = extendAt;
        await machine.dispatch({ type: 'extensionGranted', units: 20, reason: 'technical-expertise', noticeGivenAt: now(), actor: 'head', at: now() });
        extended = true;
        continue;
      }
      clock = timer.atMs;
      await machine.dispatch({ type: 'timerFired', timerId: timer.id, at: now() });
    }
    const keys = commands.flatMap((c) => (c.type === 'notify' && c.template === 'deadlineWarning' ? [c.key] : []));
    expect(keys).toEqual(['ABCD-EFGH-J:warned:legal:0', 'ABCD-EFGH-J:warned:legal:1', 'ABCD-EFGH-J:rewarned:1:legal:0', 'ABCD-EFGH-J:rewarned:1:legal:1']);
  });

  it('do not fire again in language 1, as before', async () => {
    const result = await run(inLanguage(shipped('access-to-information.v2.json'), 1), extendedOnTheDueDay, accessRequest);
    expect(result.legalDeadline?.dueDate).toBe('2026-05-13');
    expect(warnings(result.trace).filter((w) => w.startsWith('2026-05'))).toEqual([]);
  });
});

describe('complement requests, whichever way they come', () => {
  const withComplement = (language: 1 | 2, documents: string[]) =>
    procedure(language, {
      intake: task('agent', { complete: 'granted', incomplete: 'ask' }),
      ask: { type: 'requestComplement', documents, onlyOnce: true, ifAlreadyRequested: 'refused', answerWithin: { calendarDays: 30 }, next: 'intake', onTimeout: 'refused' },
      granted,
      refused,
    });
  const incomplete = { action: 'complete', step: 'intake', outcome: 'incomplete', after: 'PT1M' } as const;
  /** Before the citizen's 30 days to answer run out. */
  const soon = '2026-03-16T09:10:00.000Z';

  it('are valid definitions in both languages', () => {
    for (const language of [1, 2] as const) expect(validateDefinition(withComplement(language, ['plans', 'photos']))).toEqual([]);
  });

  it('ask, through an outcome, only for the documents the guide does not mark optional (language 2)', async () => {
    const newer = await run(withComplement(2, ['plans', 'photos']), [incomplete], {}, soon);
    expect(newer.state.complement.open).toMatchObject({ documents: ['plans'], requestedBy: 'agent' });
    const older = await run(withComplement(1, ['plans', 'photos']), [incomplete], {}, soon);
    expect(older.state.complement.open).toMatchObject({ documents: ['plans', 'photos'], requestedBy: 'system' });
  });

  it('refuse an outcome that would ask for optional documents only: the agent names them instead (language 2)', async () => {
    const result = await run(withComplement(2, ['photos']), [
      incomplete,
      { action: 'requestComplement', step: 'intake', documents: ['photos'], after: 'PT2M' },
    ], {}, soon);
    expect(result.trace.find((t) => t.kind === 'rejected')?.text).toBe(
      'events[0] complete refused: Every document step "ask" may ask for is optional: name the ones to ask for with the task\'s request-complement action.',
    );
    expect(result.state.complement.open?.documents).toEqual(['photos']);
  });

  it('follow ifAlreadyRequested when a second request is made through the action, as through the outcome (language 2)', async () => {
    const second = [
      { action: 'requestComplement', step: 'intake', documents: ['plans'], after: 'PT1M' },
      { action: 'provideComplement', documents: ['plans'], after: 'PT2M' },
      { action: 'requestComplement', step: 'intake', documents: ['plans'], after: 'PT3M' },
    ] as Scenario['events'];
    const byAction = await run(withComplement(2, ['plans']), second);
    const byOutcome = await run(withComplement(2, ['plans']), [...second!.slice(0, 2), { action: 'complete', step: 'intake', outcome: 'incomplete', after: 'PT3M' }]);
    for (const result of [byAction, byOutcome]) {
      expect(result.state).toMatchObject({ status: 'closed', outcome: 'rejected', motivation: 'The file is still incomplete' });
      expect(result.state.complement.count).toBe(1);
    }
    // Language 1 refused the action and followed ifAlreadyRequested on the outcome only.
    const older = await run(withComplement(1, ['plans']), second, {}, soon);
    expect(older.trace.find((t) => t.kind === 'rejected')?.text).toBe(
      'events[2] requestComplement refused: A complement may be requested only once per file, and it already was (Law 55.19).',
    );
  });

  it('check the documents an agent names, even when the file then goes elsewhere (language 2)', async () => {
    const result = await run(withComplement(2, ['plans']), [
      { action: 'requestComplement', step: 'intake', documents: ['plans'], after: 'PT1M' },
      { action: 'provideComplement', documents: ['plans'], after: 'PT2M' },
      { action: 'requestComplement', step: 'intake', documents: ['passport'], after: 'PT3M' },
    ], {}, soon);
    expect(result.trace.find((t) => t.kind === 'rejected')?.text).toBe('events[2] requestComplement refused: Only these documents may be asked for here: plans.');
    expect(result.state.status).toBe('open');
  });
});
