import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../infra/config.js';
import type { PrefetchedSchedule } from '../deadline/prefetched-schedules.js';
import { scheduleDeadline } from '../deadline/schedule.js';
import type { ProcedureDefinition } from '../definition.generated.js';
import { scheduleRequest } from './commands.js';
import { deadlinesStartedOnFiling, type FilingDeadline } from './filing-deadlines.js';
import { initialState, type ApplicationInput } from './state.js';
import { applyEvent } from './transition.js';
import { languageOf } from '../language.js';
import { shippedCalendar } from '../../test/helpers/shipped-calendar.js';

const calendar = shippedCalendar();
const FILED_AT = '2026-03-16T10:00:00Z';

function inputFor(definition: ProcedureDefinition, data: Record<string, unknown>): ApplicationInput {
  return {
    trackingNumber: 'ABCD-EFGH-J',
    procedure: { id: definition.id, version: definition.version, hash: 'h', definition },
    officeId: 'office-1',
    data,
    filedBy: 'citizen-1',
    filedAt: FILED_AT,
  };
}

/** The reference: what the API prefetched before, by running the filing's transition. */
function fromTheInterpreter(input: ApplicationInput): FilingDeadline[] {
  const { commands } = applyEvent(input.procedure.definition, initialState(input), { type: 'filed', at: input.filedAt }, { language: languageOf(input.procedure) });
  return commands.flatMap((c) => (c.type === 'scheduleDeadline' ? [{ deadlineId: c.deadlineId, request: scheduleRequest(c) }] : []));
}

/** What the API sends with the workflow's input. */
function prefetched(deadlines: FilingDeadline[]): PrefetchedSchedule[] {
  return deadlines.map(({ deadlineId, request }) => ({ deadlineId, request, projection: scheduleDeadline(request, calendar) }));
}

/** A run's result, or the fact that it threw (the API then prefetches nothing). */
function outcome(run: () => unknown): unknown {
  try {
    return { value: JSON.parse(JSON.stringify(run())) as unknown };
  } catch {
    return 'threw';
  }
}

const shipped = readdirSync(path.join(PROJECT_ROOT, 'procedures'))
  .filter((f) => /\.v\d+\.json$/.test(f))
  .map((f) => [f, JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'procedures', f), 'utf8')) as ProcedureDefinition] as const);

/** Forms that take every value a variant or a decision may test: each enum value and boolean, one field at a time. */
function formsOf(definition: ProcedureDefinition): Record<string, unknown>[] {
  const properties = ((definition.form as { properties?: Record<string, { type?: string; enum?: unknown[] }> }).properties ?? {});
  const choices = Object.entries(properties).flatMap(([name, p]) => {
    const values = p.enum ?? (p.type === 'boolean' ? [false, true] : []);
    return values.length ? [[name, values] as const] : [];
  });
  const base = Object.fromEntries(choices.map(([name, values]) => [name, values[0]]));
  return [{}, base, ...choices.flatMap(([name, values]) => values.slice(1).map((v) => ({ ...base, [name]: v })))];
}

// ---------------------------------------------------------------------------------------------------
// Small definitions of every step kind, wired at random: joins reached at once, ends in one branch while
// others still start, complements at filing, steps visited twice, a legal deadline starting on entering a
// step. Each step leads only to later ones (the last is an end): a loop at filing recurses until the
// stack overflows in both, which only costs time to show.

const STEPS = 6;
const days = fc.integer({ min: 1, max: 20 });
const warnings = fc.option(fc.constant([{ before: { workingDays: 1 }, notify: ['citizen'] }]), { nil: undefined });
const condition = fc.constantFrom<unknown>(
  { '==': [{ var: 'data.flag' }, true] },
  { '>=': [{ var: 'complement.requested' }, 1] },
  { '!!': [{ var: 'steps.s1' }] },
  { '!!': [{ var: 'branches.s0' }] },
);

/** A step at index `i`, leading to steps after it. */
function stepAt(i: number) {
  const later = fc.integer({ min: i + 1, max: STEPS }).map((n) => `s${n}`);
  const parallel = fc.record({
    type: fc.constant('parallel'),
    branches: fc.array(later, { minLength: 1, maxLength: 3 }).map((starts) => Object.fromEntries(starts.map((start, b) => [`b${b}`, { start }]))),
    completion: fc.oneof(fc.constant({ mode: 'all' }), fc.constant({ mode: 'any' }), fc.integer({ min: 1, max: 3 }).map((n) => ({ mode: 'nOfM', n }))),
    next: later,
  });
  const any = fc.oneof(
    fc.record({
      type: fc.constant('userTask'),
      role: fc.constant('agent'),
      outcomes: later.map((next) => ({ done: { next } })),
      serviceLevel: fc.option(fc.record({ budget: days.map((d) => ({ workingDays: d })), warnings }), { nil: undefined }),
    }),
    fc.record({ type: fc.constant('serviceTask'), activity: fc.constant('verifyIdentity'), next: later }),
    fc.record({ type: fc.constant('decision'), cases: fc.array(fc.record({ when: condition, next: later }), { minLength: 1, maxLength: 2 }), otherwise: later }),
    parallel,
    fc.record({ type: fc.constant('join'), parallel: fc.constant('s0') }),
    fc.record({
      type: fc.constant('requestComplement'),
      documents: fc.constant(['plan']),
      answerWithin: days.map((d) => ({ calendarDays: d })),
      next: later,
      onTimeout: later,
      onlyOnce: fc.option(fc.boolean(), { nil: undefined }),
      ifAlreadyRequested: fc.option(later, { nil: undefined }),
    }),
    fc.record({ type: fc.constant('wait'), for: fc.constant({ duration: 'PT1H' }), next: later }),
    fc.record({ type: fc.constant('wait'), until: fc.constant({ var: 'data.day' }), next: later }),
    fc.record({ type: fc.constant('notify'), notify: fc.constant(['citizen']), template: fc.constant('t'), next: later }),
    fc.record({ type: fc.constant('end'), outcome: fc.constantFrom('approved', 'rejected') }),
  );
  // The start is often a parallel step, so that branches, joins and ends meet at filing.
  return i === 0 ? fc.oneof(parallel, any) : any;
}

const definitions = fc
  .record({
    steps: fc.tuple(...Array.from({ length: STEPS }, (_, i) => stepAt(i))),
    startsOn: fc.constantFrom('filing', 'completeFile', 'stepEntry'),
    entryStep: fc.integer({ min: 0, max: STEPS }).map((n) => `s${n}`),
    onComplement: fc.constantFrom('pause', 'restart', 'continue'),
    warnings,
    variant: fc.boolean(),
    clocks: fc.array(
      fc.record({
        startsOn: fc.constantFrom('filing', 'stepEntry'),
        step: fc.integer({ min: 0, max: STEPS }).map((n) => `s${n}`),
        stopsOn: fc.integer({ min: 0, max: STEPS }).map((n) => `s${n}`),
        count: fc.oneof(
          days.map((d) => ({ budget: { workingDays: d } })),
          fc.constantFrom('before', 'after').map((way) => ({ from: { date: { var: 'data.day' }, [way]: { calendarDays: 3 } } })),
        ),
        warnings,
      }),
      { maxLength: 3 },
    ),
  })
  .map(
    (d) =>
      ({
        id: 'generated',
        version: 1,
        start: 's0',
        roles: ['agent'],
        steps: Object.fromEntries([...d.steps, { type: 'end', outcome: 'rejected' }].map((s, i) => [`s${i}`, s])),
        deadline: {
          budget: { workingDays: 10 },
          startsOn: d.startsOn,
          ...(d.startsOn === 'stepEntry' ? { step: d.entryStep } : {}),
          onComplement: d.onComplement,
          ...(d.warnings ? { warnings: d.warnings } : {}),
          ...(d.variant ? { variants: [{ when: { '==': [{ var: 'data.flag' }, true] }, budget: { workingDays: 3 } }] } : {}),
          onExpiry: { action: 'notify', notify: ['citizen'] },
        },
        clocks: Object.fromEntries(
          d.clocks.map((c, i) => [
            `c${i}`,
            {
              label: { ar: 'c', fr: 'c', en: 'c' },
              ...c.count,
              startsOn: c.startsOn,
              ...(c.startsOn === 'stepEntry' ? { step: c.step } : {}),
              stopsOn: [c.stopsOn],
              ...(c.warnings ? { warnings: c.warnings } : {}),
              onExpiry: { action: 'notify', notify: ['citizen'] },
            },
          ]),
        ),
      }) as unknown as ProcedureDefinition,
  );

describe('the deadlines a filing starts, read without running the interpreter', () => {
  it('finds the shipped procedures', () => {
    expect(shipped.length).toBeGreaterThanOrEqual(20);
  });

  it.each(shipped)('are the ones the filing transition asks for, scheduled alike: %s', (_file, definition) => {
    for (const data of formsOf(definition)) {
      const input = inputFor(definition, data);
      const reference = prefetched(fromTheInterpreter(input));
      expect(prefetched(deadlinesStartedOnFiling(input))).toStrictEqual(reference);
      if (definition.deadline.startsOn !== 'stepEntry') expect(reference.map((p) => p.deadlineId)).toContain('legal');
    }
  });

  it('picks the legal budget by the variant the form meets', () => {
    const [, definition] = shipped.find(([file]) => file === 'access-to-information.v2.json')!;
    const budgets = [false, true].map(
      (urgent) => deadlinesStartedOnFiling(inputFor(definition, { lifeSafetyOrFreedomAtStake: urgent })).find((d) => d.deadlineId === 'legal')?.request.budget,
    );
    expect(budgets).toEqual([{ workingDays: 20 }, { workingDays: 3 }]);
  });

  it('are the same as the interpreter’s on generated definitions, every kind of step at filing', () => {
    fc.assert(
      fc.property(definitions, fc.boolean(), fc.constantFrom(undefined, '2026-03-10', '2026-04-20'), (definition, flag, day) => {
        // The day of clocks and waits counted from a date: missing, already past at filing, or to come.
        const input = inputFor(definition, { flag, ...(day ? { day } : {}) });
        expect(outcome(() => deadlinesStartedOnFiling(input))).toEqual(outcome(() => fromTheInterpreter(input)));
      }),
      { numRuns: 1000 },
    );
  });
});
