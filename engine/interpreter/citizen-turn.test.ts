import { describe, expect, it } from 'vitest';
import { reviewDefinition, validateDefinition } from '../../registry/catalogue.js';
import type { ProcedureDefinition } from '../definition.generated.js';
import { simulate, type Scenario } from '../simulator.js';
import { text, userTask as task } from '../../test/helpers/definitions.js';
import { shippedCalendar } from '../../test/helpers/shipped-calendar.js';

const calendar = shippedCalendar();
const end = (outcome: string) => ({ type: 'end', outcome, ...(outcome === 'rejected' ? { motivation: text('refused') } : {}) });

const complaintForm = {
  type: 'object',
  required: ['grounds'],
  additionalProperties: false,
  properties: { grounds: { type: 'string', minLength: 5 }, kind: { type: 'string', enum: ['refusal', 'silence'] } },
};

/** A language-2 definition around the given steps. */
function raw(steps: Record<string, unknown>, deadline: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  return {
    id: 'citizen-sample',
    version: 1,
    languageVersion: 2,
    title: text('Sample'),
    description: text('Sample'),
    category: 'access-to-information',
    offices: ['commune'],
    roles: ['officer', 'head'],
    legalBasis: { law: 'Law 31.13', note: 'test', confirmed: true },
    form: {
      type: 'object',
      required: ['description'],
      properties: { description: { type: 'string', minLength: 3 }, period: { type: 'string' }, urgent: { type: 'boolean' } },
    },
    documents: [{ id: 'idCopy', label: text('ID'), formats: ['pdf'], maxSizeMb: 5 }],
    fees: [],
    channels: ['web'],
    deadline: { budget: { workingDays: 20 }, startsOn: 'filing', onComplement: 'pause', onExpiry: { action: 'notify', notify: ['head'] }, ...deadline },
    start: Object.keys(steps)[0],
    steps,
    ...extra,
  };
}

function definition(...args: Parameters<typeof raw>): ProcedureDefinition {
  const d = raw(...args);
  expect(validateDefinition(d)).toEqual([]);
  return d as unknown as ProcedureDefinition;
}

const filedAt = '2026-03-16T09:00:00.000Z';
const run = (d: ProcedureDefinition, events: Scenario['events'] = [], data: Record<string, unknown> = { description: 'the budget of 2025' }) =>
  simulate(d, { filedAt, data, events }, calendar);
const lines = (trace: Array<{ text: string }>) => trace.map((t) => t.text);

const window = (extra: Record<string, unknown> = {}) => ({
  type: 'citizenWindow',
  within: { workingDays: 20 },
  action: { label: text('Complain to the head of the body'), form: complaintForm },
  next: 'review',
  onExpiry: 'final',
  ...extra,
});

describe('a citizen window', () => {
  const steps = {
    examine: task('officer', { refuse: 'complain' }),
    complain: window({ legalDeadline: 'stop', reviewWithin: { workingDays: 15 } }),
    review: task('head', { uphold: 'granted', dismiss: 'dismissed' }),
    granted: end('approved'),
    dismissed: end('rejected'),
    final: end('rejected'),
  };

  it('keeps the application open with its own deadline, and tells the citizen until when', async () => {
    const result = await run(definition(steps), [{ action: 'complete', step: 'examine', outcome: 'refuse', at: '2026-03-17T10:00:00Z' }], undefined);
    // 20 working days from Tuesday 17 March 2026 (Eid al-Fitr on 20-21 March, a Friday and a Saturday).
    expect(lines(result.trace)).toContain('window complain open until 2026-04-15T23:59:59.999+01:00');
    expect(lines(result.trace)).toContain('notify citizen: windowOpened');
    expect(lines(result.trace)).toContain('legal deadline stopped at complain');
    // The answer came in time: people read the deadline as met there, not as a due date still running.
    expect(result.legalDeadline!.met).toEqual({ at: '2026-03-17T10:00:00.000Z', step: 'complain', late: false });
    expect(result.state.status).toBe('closed');
    expect(lines(result.trace)).toContain('window complain closed without the citizen acting');
    expect(result.outcome).toBe('rejected');
    expect(result.state.tokens).toEqual({});
  });

  it('moves on when the citizen acts in time; conditions read what they entered; the legal deadline counts the review anew', async () => {
    const d = definition({
      ...steps,
      review: { type: 'decision', cases: [{ when: { '==': [{ var: 'steps.complain.data.kind' }, 'silence'] }, next: 'granted' }], otherwise: 'headReview' },
      headReview: task('head', { uphold: 'granted', dismiss: 'dismissed' }),
    });
    const result = await run(d, [
      { action: 'complete', step: 'examine', outcome: 'refuse', at: '2026-03-17T10:00:00Z' },
      { action: 'act', step: 'complain', data: { grounds: 'the exception does not apply', kind: 'refusal' }, at: '2026-03-24T10:00:00Z' },
    ]);
    expect(lines(result.trace)).toEqual(
      expect.arrayContaining(['citizen acted at complain (grounds, kind)', 'legal deadline counts anew from complain', 'entered headReview', 'task headReview for role head']),
    );
    expect(result.state.status).toBe('open');
    expect(result.state.steps.complain!.data).toEqual({ grounds: 'the exception does not apply', kind: 'refusal' });
    // 15 working days from Tuesday 24 March 2026.
    expect(result.legalDeadline!.dueDate).toBe('2026-04-14');
    expect(result.legalDeadline!.met).toBeUndefined();
    expect(result.state.windows).toEqual({});
  });

  it('refuses an act once the window has closed, or at a step with no window', async () => {
    const result = await run(definition(steps), [
      { action: 'act', step: 'complain', data: { grounds: 'too early' }, at: '2026-03-16T10:00:00Z' },
      { action: 'complete', step: 'examine', outcome: 'refuse', at: '2026-03-17T10:00:00Z' },
    ]);
    expect(lines(result.trace)).toContain('events[0] act refused: The citizen has no window open to act in.');
  });

  it('pauses the legal deadline while open when asked, and resumes it when the window closes', async () => {
    const d = definition({
      examine: task('officer', { ask: 'confirm' }),
      confirm: window({ next: 'decide', onExpiry: 'decide', legalDeadline: 'pause', within: { workingDays: 5 } }),
      decide: task('officer', { grant: 'granted' }),
      granted: end('approved'),
    });
    const result = await run(d, [
      { action: 'complete', step: 'examine', outcome: 'ask', at: '2026-03-16T10:00:00Z' },
      { action: 'act', step: 'confirm', data: { grounds: 'I confirm it' }, at: '2026-03-18T10:00:00Z' },
    ]);
    const ledger = result.state.deadlines.legal!.ledger.map((e) => e.type);
    // Nobody decides: the deadline, pushed back by the pause, then expires.
    expect(ledger).toEqual(['started', 'paused', 'resumed', 'expired']);
    // 20 working days from 16 March, and the two days paused on top.
    expect(result.legalDeadline!.dueDate).toBe('2026-04-16');
  });

  it('only the application’s citizen acts', async () => {
    const result = await run(definition(steps), [
      { action: 'complete', step: 'examine', outcome: 'refuse', at: '2026-03-17T10:00:00Z' },
      { action: 'act', step: 'complain', data: { grounds: 'not mine to say' }, actor: 'someone-else', at: '2026-03-18T10:00:00Z' },
    ]);
    expect(lines(result.trace)).toContain('events[1] act refused: Only the citizen the application belongs to may act in its window.');
  });
});

describe('a step repeated with a counter', () => {
  it('convenes a sitting again while the quorum is not reached, at most three times, each sitting a task of its own', async () => {
    const d = definition({
      convene: task('officer', { held: 'quorum' }, { form: { type: 'object', required: ['quorum'], properties: { quorum: { type: 'boolean' } } } }),
      quorum: {
        type: 'decision',
        cases: [
          { when: { '==': [{ var: 'steps.convene.data.quorum' }, true] }, next: 'deliberate' },
          { when: { '<': [{ var: 'steps.convene.visits' }, 3] }, next: 'convene' },
        ],
        otherwise: 'noQuorum',
      },
      deliberate: task('head', { adopt: 'granted' }),
      granted: end('approved'),
      noQuorum: end('closed'),
    });
    const sitting = (after: string, quorum: boolean) => ({ action: 'complete' as const, step: 'convene', outcome: 'held', data: { quorum }, after });
    const none = await run(d, [sitting('P1D', false), sitting('P2D', false), sitting('P3D', false)]);
    expect(none.outcome).toBe('closed');
    expect(Object.values(none.state.tasks).map((t) => [t.id, t.visit])).toEqual([
      ['SIMU-LATE-0.convene.1', 1],
      ['SIMU-LATE-0.convene.2', 2],
      ['SIMU-LATE-0.convene.3', 3],
    ]);
    const second = await run(d, [sitting('P1D', false), sitting('P2D', true)]);
    expect(lines(second.trace)).toContain('task deliberate for role head');
    expect(second.state.steps.convene!.visits).toBe(2);
  });
});

describe('the checker on the citizen’s turn', () => {
  const problems = (d: unknown) => reviewDefinition(d).errors;

  it('refuses a window in a language-1 definition, a window form that does not compile, and steps that do not exist', () => {
    expect(problems(raw({ w: window({ next: 'nowhere', onExpiry: 'final' }), review: end('approved'), final: end('rejected') }, {}, { languageVersion: 1 }))).toEqual(
      expect.arrayContaining([
        { pointer: '/steps/w/next', message: 'step "nowhere" does not exist' },
        { pointer: '/steps/w/type', message: 'a citizen window needs language 2: this definition declares "languageVersion": 1' },
      ]),
    );
    const badForm = raw({ w: window({ action: { label: text('Act'), form: { type: 'object', properties: { a: { type: 'nonsense' } } } } }), review: end('approved'), final: end('rejected') });
    expect(problems(badForm)).toEqual([{ pointer: '/steps/w/action/form', message: expect.stringContaining('must be equal to one of the allowed values') }]);
  });

  it('reads a window’s form in conditions, and names a field it lacks', () => {
    const d = raw({
      w: window({ next: 'route' }),
      route: { type: 'decision', cases: [{ when: { '==': [{ var: 'steps.w.data.reason' }, 'x'] }, next: 'review' }], otherwise: 'review' },
      review: end('approved'),
      final: end('rejected'),
    });
    expect(problems(d)).toEqual([
      {
        pointer: '/steps/route/cases/0/when/==/0/var',
        message: '"steps.w.data.reason" is not a field of the form of window "w" (/steps/w/action/form/properties: grounds, kind)',
      },
    ]);
  });

  it('refuses fields a complement asks that the form lacks, and a complement that asks for nothing', () => {
    const d = raw({
      check: task('officer', { incomplete: 'ask', ok: 'done' }),
      ask: { type: 'requestComplement', documents: [], fields: ['description', 'colour'], onlyOnce: true, ifAlreadyRequested: 'done', answerWithin: { workingDays: 5 }, next: 'check', onTimeout: 'done' },
      nothing: { type: 'requestComplement', documents: [], onlyOnce: false, answerWithin: { workingDays: 5 }, next: 'done', onTimeout: 'done' },
      done: end('closed'),
    });
    expect(problems(d)).toEqual(
      expect.arrayContaining([
        { pointer: '/steps/ask/fields/1', message: '"colour" is not a field of the form (/form/properties: description, period, urgent)' },
        { pointer: '/steps/nothing/documents', message: 'a complement asks for at least one document or one field' },
      ]),
    );
  });

  it('refuses goto where only the legal deadline and clocks may move the application, and in language 1', () => {
    const steps = { check: task('officer', { ok: 'done' }, { serviceLevel: { budget: { workingDays: 2 }, onExpiry: { action: 'goto', step: 'done' } } }), done: end('closed') };
    expect(problems(raw(steps, { onExpiry: { action: 'goto', step: 'done' } }, { languageVersion: 1 }))).toEqual([
      { pointer: '/deadline/onExpiry/action', message: '"goto" needs language 2: this definition is read in language 1' },
      { pointer: '/steps/check/serviceLevel/onExpiry/action', message: 'a service level may escalate or notify; only the legal deadline and clocks move the application' },
    ]);
  });
});
