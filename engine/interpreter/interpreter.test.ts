import { describe, expect, it } from 'vitest';
import { validateDefinition } from '../../registry/catalogue.js';
import type { ProcedureDefinition } from '../definition.generated.js';
import { simulate, type Scenario } from '../simulator.js';
import { text, userTask as task } from '../../test/helpers/definitions.js';
import { shippedCalendar } from '../../test/helpers/shipped-calendar.js';

const calendar = shippedCalendar();
const approved = { type: 'end', outcome: 'approved', document: 'permit' };
const rejected = { type: 'end', outcome: 'rejected', motivation: text('refused') };

/** A definition around the given steps; the deadline is an hour unless the test says otherwise. */
function definition(steps: Record<string, unknown>, deadline: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  const d = {
    id: 'engine-sample',
    version: 1,
    title: text('Sample'),
    description: text('Sample'),
    category: 'urban-planning',
    offices: ['commune'],
    roles: ['agent', 'supervisor', 'architect'],
    legalBasis: { law: 'Law 12.90', note: 'test', confirmed: true },
    form: { type: 'object', properties: { surface: { type: 'number' }, urgent: { type: 'boolean' } } },
    documents: [{ id: 'plans', label: text('Plans'), formats: ['pdf'], maxSizeMb: 5 }],
    fees: [],
    channels: ['web'],
    deadline: { budget: { duration: 'PT1H' }, startsOn: 'filing', onComplement: 'pause', onExpiry: { action: 'notify', notify: ['supervisor'] }, ...deadline },
    start: Object.keys(steps)[0],
    steps,
    ...extra,
  };
  expect(validateDefinition(d)).toEqual([]);
  return d as unknown as ProcedureDefinition;
}

const filedAt = '2026-03-16T09:00:00.000Z';
const run = (d: ProcedureDefinition, events: Scenario['events'] = [], data: Record<string, unknown> = {}, until?: string) =>
  simulate(d, { filedAt, data, events, ...(until ? { until } : {}) }, calendar, {
    service: (activity, input) => (activity === 'computeFees' ? { amountMad: Number(input.base) * Number(input.quantity ?? 1) } : { done: activity }),
  });
const kinds = (trace: Array<{ kind: string; text: string }>) => trace.map((t) => t.text);

describe('the interpreter, step by step', () => {
  it('userTask: an outcome leads to its next step; end closes with the document', async () => {
    const d = definition({ review: task('agent', { approve: 'granted', reject: 'refused' }), granted: approved, refused: rejected });
    const result = await run(d, [{ action: 'complete', step: 'review', outcome: 'approve', after: 'PT10M' }]);
    expect(result.outcome).toBe('approved');
    expect(result.state.document).toBe('permit');
    expect(kinds(result.trace)).toEqual(expect.arrayContaining(['task review for role agent', 'agent completed review: approve', 'closed: approved, issues permit']));
  });

  it('serviceTask: runs its activity with the mapped input and a decision reads the result', async () => {
    const d = definition({
      fees: { type: 'serviceTask', activity: 'computeFees', input: { base: 20, quantity: { var: 'data.surface' } }, resultAs: true, next: 'check' },
      check: { type: 'decision', cases: [{ when: { '>': [{ var: 'steps.fees.result.amountMad' }, 1000] }, next: 'refused' }], otherwise: 'granted' },
      granted: approved,
      refused: rejected,
    });
    expect((await run(d, [], { surface: 10 })).outcome).toBe('approved');
    const large = await run(d, [], { surface: 100 });
    expect(large.outcome).toBe('rejected');
    expect(large.state.steps.fees?.result).toEqual({ amountMad: 2000 });
  });

  it('decision: the first case that holds wins, otherwise the default', async () => {
    const d = definition({
      route: { type: 'decision', cases: [{ when: { var: 'data.urgent' }, next: 'granted' }], otherwise: 'refused' },
      granted: approved,
      refused: rejected,
    });
    expect((await run(d, [], { urgent: true })).outcome).toBe('approved');
    expect((await run(d, [], { urgent: false })).outcome).toBe('rejected');
  });

  const commission = (completion: Record<string, unknown>) =>
    definition({
      commission: {
        type: 'parallel',
        branches: { architect: { start: 'architect' }, safety: { start: 'safety' }, commune: { start: 'commune' } },
        completion,
        next: 'verdict',
      },
      architect: task('architect', { favourable: 'joined', unfavourable: 'joined' }),
      safety: task('agent', { favourable: 'joined', unfavourable: 'joined' }),
      commune: task('agent', { favourable: 'joined', unfavourable: 'joined' }),
      joined: { type: 'join', parallel: 'commission' },
      verdict: {
        type: 'decision',
        cases: [{ when: { none: [{ var: 'branches.commission' }, { '==': [{ var: '' }, 'unfavourable'] }] }, next: 'granted' }],
        otherwise: 'refused',
      },
      granted: approved,
      refused: rejected,
    });

  it('parallel (all): every branch must join; the decision reads every opinion', async () => {
    const d = commission({ mode: 'all' });
    const two = await run(d, [
      { action: 'complete', step: 'architect', outcome: 'favourable', after: 'PT1M' },
      { action: 'complete', step: 'safety', outcome: 'favourable', after: 'PT2M' },
    ], {}, '2026-03-16T09:30:00.000Z');
    expect(two.state.status).toBe('open');
    const all = await run(d, [
      { action: 'complete', step: 'architect', outcome: 'favourable', after: 'PT1M' },
      { action: 'complete', step: 'safety', outcome: 'favourable', after: 'PT2M' },
      { action: 'complete', step: 'commune', outcome: 'unfavourable', after: 'PT3M' },
    ]);
    expect(all.state.branches.commission).toEqual({ architect: 'favourable', safety: 'favourable', commune: 'unfavourable' });
    expect(all.outcome).toBe('rejected');
  });

  it('parallel (any, n of m): enough branches join and the others are cancelled', async () => {
    const any = await run(commission({ mode: 'any' }), [{ action: 'complete', step: 'safety', outcome: 'favourable', after: 'PT1M' }]);
    expect(any.outcome).toBe('approved');
    const cancelled = Object.values(any.state.tasks).filter((t) => t.status === 'cancelled').map((t) => t.stepId).sort();
    expect(cancelled).toEqual(['architect', 'commune']);
    const twoOfThree = await run(commission({ mode: 'nOfM', n: 2 }), [
      { action: 'complete', step: 'safety', outcome: 'favourable', after: 'PT1M' },
      { action: 'complete', step: 'commune', outcome: 'favourable', after: 'PT2M' },
    ]);
    expect(twoOfThree.outcome).toBe('approved');
    expect(twoOfThree.state.branches.commission).toEqual({ architect: null, safety: 'favourable', commune: 'favourable' });
  });

  const withComplement = (onlyOnce: boolean, deadline: Record<string, unknown> = {}, answerWithin: Record<string, unknown> = { calendarDays: 30 }) =>
    definition(
      {
        intake: task('agent', { complete: 'granted', incomplete: 'ask' }),
        ask: { type: 'requestComplement', documents: ['plans'], onlyOnce, ...(onlyOnce ? { ifAlreadyRequested: 'refused' } : {}), answerWithin, next: 'intake', onTimeout: 'refused' },
        granted: approved,
        refused: rejected,
      },
      deadline,
    );

  it('requestComplement: pauses the legal deadline, and the due date moves by the paused days', async () => {
    const d = withComplement(true, { budget: { workingDays: 20 } });
    const plain = await run(d, [], {}, '2026-03-17T00:00:00.000Z');
    const paused = await run(d, [
      { action: 'requestComplement', step: 'intake', documents: ['plans'], at: '2026-04-08T09:00:00.000Z' },
      { action: 'provideComplement', documents: ['plans'], at: '2026-04-15T09:00:00.000Z' },
    ], {}, '2026-04-16T00:00:00.000Z');
    expect(plain.legalDeadline?.dueDate).toBe('2026-04-14');
    expect(paused.legalDeadline!.dueDate > plain.legalDeadline!.dueDate).toBe(true);
    expect(paused.legalDeadline?.explanation.join(' ')).toMatch(/paused/);
    expect(paused.state.deadlines.legal?.ledger.map((e) => e.type)).toEqual(['started', 'paused', 'resumed']);
    expect(kinds(paused.trace)).toContain('documents requested: plans');
  });

  it('requestComplement: only once when the law says so; an unanswered request times out', async () => {
    // As language 1 has it: a second request is refused (language 2 goes to ifAlreadyRequested: runtime-guards.test.ts).
    const once = await run({ ...withComplement(true), languageVersion: 1 }, [
      { action: 'requestComplement', step: 'intake', documents: ['plans'], after: 'PT1M' },
      { action: 'provideComplement', documents: ['plans'], after: 'PT2M' },
      { action: 'requestComplement', step: 'intake', documents: ['plans'], after: 'PT3M' },
    ], {}, '2026-03-16T09:10:00.000Z');
    expect(once.trace.find((t) => t.kind === 'rejected')?.text).toMatch(/only once/);
    const timeout = await run(withComplement(false, { budget: { duration: 'PT10H' } }, { duration: 'PT2H' }), [
      { action: 'requestComplement', step: 'intake', documents: ['plans'], after: 'PT1M' },
    ]);
    expect(timeout.outcome).toBe('rejected');
    // Mid-March 2026 is Ramadan: Casablanca is on UTC+0.
    expect(kinds(timeout.trace)).toContain('time to answer complement request 1 expired (was due 2026-03-16T11:01:00.000+00:00)');
  });

  it('requestComplement with restart: the full budget runs again from the complete file', async () => {
    const d = withComplement(true, { budget: { workingDays: 5 }, onComplement: 'restart' });
    const result = await run(d, [
      { action: 'requestComplement', step: 'intake', documents: ['plans'], at: '2026-03-17T09:00:00.000Z' },
      { action: 'provideComplement', documents: ['plans'], at: '2026-03-24T09:00:00.000Z' },
    ], {}, '2026-03-25T00:00:00.000Z');
    expect(result.state.deadlines.legal?.ledger.map((e) => e.type)).toEqual(['started', 'paused', 'restarted']);
    // Five working days after Tuesday 24 March 2026: 25, 26, 27, 30, 31 March.
    expect(result.legalDeadline?.dueDate).toBe('2026-03-31');
  });

  it('wait and notify: the application waits its time, tells people, and goes on', async () => {
    const d = definition({
      hold: { type: 'wait', for: { duration: 'PT30M' }, next: 'tell' },
      tell: { type: 'notify', notify: ['citizen'], template: 'economic-licence.granted', next: 'granted' },
      granted: approved,
    });
    const result = await run(d);
    expect(result.outcome).toBe('approved');
    expect(result.trace.find((t) => t.text === 'notify citizen: economic-licence.granted')?.at).toBe('2026-03-16T09:30:00.000Z');
  });

  it('withdrawal closes the application and cancels its tasks', async () => {
    const d = definition({ review: task('agent', { approve: 'granted' }), granted: approved });
    const result = await run(d, [{ action: 'withdraw', reason: 'moved away', after: 'PT5M' }]);
    expect(result.outcome).toBe('withdrawn');
    expect(Object.values(result.state.tasks).map((t) => t.status)).toEqual(['cancelled']);
  });
});

describe('the interpreter, on expiry', () => {
  const review = { review: task('agent', { approve: 'granted', reject: 'refused' }), granted: approved, refused: rejected };

  it('autoApprove: silence means consent, with an attestation', async () => {
    const d = definition(review, { onExpiry: { action: 'autoApprove', end: 'granted', attestation: 'silence-attestation' } });
    const result = await run(d);
    expect(result.outcome).toBe('approved');
    expect(result.state).toMatchObject({ grantedBySilence: true, document: 'silence-attestation', closedAt: '2026-03-16T10:00:00.000Z' });
    expect(kinds(result.trace)).toContain('notify citizen: grantedBySilence');
  });

  it('autoReject: closes with the stated motivation', async () => {
    const d = definition(review, { onExpiry: { action: 'autoReject', end: 'refused', motivation: text('implicit refusal') } });
    const result = await run(d);
    expect(result.state).toMatchObject({ outcome: 'rejected', motivation: 'implicit refusal' });
  });

  it('escalate: warnings fire at their rungs, then the task goes to the supervisor', async () => {
    const d = definition(review, {
      warnings: [
        { before: { duration: 'PT30M' }, notify: ['assignee'] },
        { before: { duration: 'PT10M' }, notify: ['supervisor'] },
      ],
      onExpiry: { action: 'escalate', toRole: 'supervisor', notify: ['supervisor'], next: { duration: 'PT1H' } },
    });
    const result = await run(d, [], {}, '2026-03-16T10:30:00.000Z');
    const timed = result.trace.filter((t) => /warning|expired|escalated/.test(t.text)).map((t) => `${t.at} ${t.text}`);
    expect(timed).toEqual([
      expect.stringMatching(/^2026-03-16T09:30:00.000Z warning: legal/),
      expect.stringMatching(/^2026-03-16T09:50:00.000Z warning: legal/),
      expect.stringMatching(/^2026-03-16T10:00:00.000Z legal deadline expired/),
      '2026-03-16T10:00:00.000Z task review escalated to supervisor',
    ]);
    expect(Object.values(result.state.tasks)[0]).toMatchObject({ role: 'supervisor', escalated: true, status: 'open' });
    expect(result.state.deadlines['escalation:legal']).toBeDefined();
  });

  it('notify: tells the supervisor and the procedure carries on', async () => {
    const d = definition(review, { onExpiry: { action: 'notify', notify: ['supervisor'] } });
    const result = await run(d, [{ action: 'complete', step: 'review', outcome: 'approve', after: 'PT2H' }]);
    expect(kinds(result.trace)).toContain('notify supervisor: deadlineExpired');
    expect(result.outcome).toBe('approved');
  });

  it('a service level escalates its own task only', async () => {
    const d = definition(
      { review: task('agent', { approve: 'granted' }, { serviceLevel: { budget: { duration: 'PT5M' }, onExpiry: { action: 'escalate', toRole: 'supervisor' } } }), granted: approved },
      { budget: { duration: 'PT10H' } },
    );
    const result = await run(d, [], {}, '2026-03-16T09:06:00.000Z');
    expect(Object.values(result.state.tasks)[0]).toMatchObject({ role: 'supervisor', escalated: true });
    expect(result.state.deadlines.legal?.ledger.map((e) => e.type)).toEqual(['started']);
  });

  it('an extension moves the due date, once, within the policy', async () => {
    const d = definition(review, {
      budget: { workingDays: 20 },
      extension: { maxCount: 1, units: 20, noticeRequired: true },
      onExpiry: { action: 'autoReject', end: 'refused', motivation: text('implicit refusal') },
    });
    const result = await run(d, [
      { action: 'extend', units: 20, reason: 'consultation of a third party', at: '2026-04-01T09:00:00.000Z' },
      { action: 'extend', units: 20, reason: 'again', at: '2026-04-02T09:00:00.000Z' },
    ], {}, '2026-04-03T00:00:00.000Z');
    expect(result.state.deadlines.legal?.ledger.map((e) => e.type)).toEqual(['started', 'extended']);
    expect(result.legalDeadline!.dueDate > '2026-05-01').toBe(true);
    expect(result.trace.find((t) => t.kind === 'rejected')?.text).toMatch(/already extended 1 time/);
  });
});
