/**
 * Migration plans and the move itself, without Temporal: which plans are refused and why, which
 * applications can move and why not, and what the move keeps (ids, ledgers, the record of past steps)
 * and changes (the steps, the deadlines the plan says to count again).
 */
import { describe, expect, it } from 'vitest';
import { scheduleDeadline } from '../deadline/schedule.js';
import type { ProcedureDefinition } from '../definition.generated.js';
import type { Command } from '../interpreter/commands.js';
import type { PinnedProcedure } from '../interpreter/state.js';
import { ApplicationMachine } from '../machine.js';
import { DomainError } from '../errors.js';
import { text, userTask } from '../../test/helpers/definitions.js';
import { shippedCalendar } from '../../test/helpers/shipped-calendar.js';
import { assessMigration } from './assessment.js';
import { checkMigrationPlan, type MigrationPlan } from './plan.js';
import { MIGRATION_REASONS, migrationReason, readMigrationReason, type MigrationReasonCode } from './reasons.js';

const calendar = shippedCalendar();
const filedAt = '2026-03-02T09:00:00+01:00';

const granted = { type: 'end', outcome: 'approved' };
const refused = { type: 'end', outcome: 'rejected', motivation: text('refused') };

function definition(version: number, steps: Record<string, unknown>, extra: Record<string, unknown> = {}): ProcedureDefinition {
  return {
    id: 'moving-sample',
    version,
    languageVersion: 2,
    title: text('Sample'),
    description: text('Sample'),
    category: 'urban-planning',
    offices: ['annex'],
    roles: ['agent', 'supervisor'],
    legalBasis: { law: 'Law 55.19', note: 'sample', confirmed: true },
    form: { type: 'object', properties: {} },
    documents: [{ id: 'plans', label: text('Plans'), formats: ['pdf'], maxSizeMb: 5 }],
    fees: [],
    channels: ['web'],
    deadline: { budget: { calendarDays: 30 }, startsOn: 'filing', onComplement: 'pause', onExpiry: { action: 'notify', notify: ['supervisor'] } },
    start: 'intake',
    steps: { granted, refused, ...steps },
    ...extra,
  } as unknown as ProcedureDefinition;
}

const commission = (reviewStep: string) => ({
  commission: { type: 'parallel', branches: { urbanism: { start: 'urbanism' }, safety: { start: 'safety' } }, completion: { mode: 'all' }, next: reviewStep },
  urbanism: userTask('agent', { done: 'join' }),
  safety: userTask('agent', { done: 'join' }),
  join: { type: 'join', parallel: 'commission' },
});

const v1 = definition(1, {
  intake: userTask('agent', { complete: 'commission', incomplete: 'ask' }),
  ask: { type: 'requestComplement', documents: ['plans'], onlyOnce: true, ifAlreadyRequested: 'refused', answerWithin: { calendarDays: 30 }, next: 'intake', onTimeout: 'refused' },
  ...commission('checking'),
  checking: userTask('agent', { approve: 'granted', reject: 'refused' }),
  paperCopy: userTask('agent', { done: 'granted' }),
});

const v2 = definition(
  2,
  {
    intake: userTask('agent', { complete: 'commission', incomplete: 'ask' }),
    ask: { type: 'requestComplement', documents: ['plans'], onlyOnce: true, ifAlreadyRequested: 'refused', answerWithin: { calendarDays: 30 }, next: 'intake', onTimeout: 'refused' },
    ...commission('decision'),
    decision: userTask('agent', { approve: 'granted', reject: 'refused' }),
  },
  { deadline: { budget: { calendarDays: 20 }, startsOn: 'filing', onComplement: 'pause', onExpiry: { action: 'notify', notify: ['supervisor'] } } },
);

const pinned = (d: ProcedureDefinition): PinnedProcedure => ({ id: d.id, version: d.version, hash: `hash-${d.version}`, definition: d, languageVersion: 2 });

function machineOn(d: ProcedureDefinition) {
  const commands: Command[] = [];
  let clock = Date.parse(filedAt);
  const machine = new ApplicationMachine(d, { trackingNumber: 'MOVE-0000-1', procedure: pinned(d), officeId: 'annex', data: {}, filedBy: 'citizen', filedAt }, {
    scheduleDeadline: async (request) => scheduleDeadline(request, calendar),
    runService: async () => ({ ok: true, result: {} }),
    record: async (_state, recorded) => void commands.push(...recorded),
    now: () => new Date((clock += 60_000)).toISOString(),
    dayCounting: () => Promise.reject(new Error('the definition counts no days')),
  });
  const openTask = (stepId: string) => Object.values(machine.state.tasks).find((t) => t.stepId === stepId && (t.status === 'open' || t.status === 'claimed'))!;
  const complete = (stepId: string, outcome: string) => machine.dispatch({ type: 'taskCompleted', taskId: openTask(stepId).id, outcome, actor: 'agent-1', at: new Date((clock += 60_000)).toISOString() });
  return { machine, commands, openTask, complete };
}

const plan: MigrationPlan = { steps: { checking: 'decision' } };

describe('a migration plan', () => {
  it('is refused where it maps a step to none, or to a step of another kind, naming the field', () => {
    expect(checkMigrationPlan(v1, v2, { steps: { checking: 'verdict' } }).errors).toEqual([{ pointer: '/plan/steps/checking', message: 'step "checking" is mapped to "verdict", which version 2 does not have' }]);
    expect(checkMigrationPlan(v1, v2, { steps: { checking: 'join' } }).errors).toEqual([{ pointer: '/plan/steps/checking', message: 'step "checking" is a userTask step and "join" of version 2 is a join step' }]);
    expect(checkMigrationPlan(v1, v2, { steps: { nowhere: 'decision' } }).errors).toEqual([{ pointer: '/plan/steps/nowhere', message: 'version 1 has no step "nowhere"' }]);
    expect(checkMigrationPlan(v2, v1, {}).errors).toEqual([{ pointer: '/toVersion', message: 'must be later than version 2' }]);
  });

  it('is refused where two old steps would share one name in the new version, the renamed one named', () => {
    expect(checkMigrationPlan(v1, v2, { steps: { checking: 'decision', paperCopy: 'decision' } }).errors).toEqual([
      { pointer: '/plan/steps/paperCopy', message: 'steps "paperCopy" and "checking" would both be "decision" in version 2: map one of them to another step' },
    ]);
    // Mapped onto a step that keeps its own id in the new version.
    expect(checkMigrationPlan(v1, v2, { steps: { checking: 'intake' } }).errors).toEqual([
      { pointer: '/plan/steps/checking', message: 'steps "checking" and "intake" would both be "intake" in version 2: map one of them to another step' },
    ]);
    expect(checkMigrationPlan(v1, v2, { steps: { checking: 'decision', urbanism: 'safety', safety: 'urbanism' } }).errors).toEqual([]);
  });

  it('names the old steps applications cannot move from', () => {
    const { errors, stays } = checkMigrationPlan(v1, v2, plan);
    expect(errors).toEqual([]);
    expect(stays).toEqual([{ pointer: '/steps/paperCopy', message: 'step "paperCopy" is not in version 2 and the plan does not map it' }]);
    const fewerBranches = definition(2, { ...v2.steps, commission: { ...(v2.steps.commission as object), branches: { urbanism: { start: 'urbanism' } } } });
    expect(checkMigrationPlan(v1, fewerBranches, plan).stays).toContainEqual({ pointer: '/steps/commission', message: 'the parallel step "commission" of version 2 has no branch "safety"' });
  });
});

describe('moving one application', () => {
  it('keeps its ids, ledgers and past steps, renames where it is, and goes on under the new version', async () => {
    const { machine, commands, openTask, complete } = machineOn(v1);
    await machine.dispatch({ type: 'filed', at: filedAt });
    await complete('intake', 'complete');
    await complete('urbanism', 'done');
    const before = machine.state;
    const safety = openTask('safety');

    expect(assessMigration(pinned(v1), pinned(v2), plan, before)).toEqual({ movable: true, steps: { commission: 'commission', safety: 'safety' } });
    await machine.migrate({ planId: 'mp-1', procedure: pinned(v2), plan, actor: 'admin-1' });
    const after = machine.state;
    expect(after.procedureVersion).toBe(2);
    expect(machine.procedure.hash).toBe('hash-2');
    expect(Object.keys(after.tasks)).toEqual(Object.keys(before.tasks));
    expect(after.tasks[safety.id]).toEqual(safety);
    expect(after.deadlines.legal).toEqual(before.deadlines.legal);
    expect(commands.filter((c) => c.type === 'timeline').at(-1)).toMatchObject({
      entry: { kind: 'migrated', actor: 'admin-1', detail: { plan: 'mp-1', fromVersion: 1, toVersion: 2, steps: { commission: 'commission', safety: 'safety' }, deadlines: { legal: 'keep', serviceLevels: 'keep' } } },
    });

    // The branch joins and the application goes on to the new version's step.
    await complete('safety', 'done');
    expect(openTask('decision')).toBeDefined();
    await complete('decision', 'approve');
    expect(machine.state.outcome).toBe('approved');
  });

  it('renames the record of a past step, and counts the legal deadline again where the plan says so', async () => {
    const { machine, complete } = machineOn(v1);
    await machine.dispatch({ type: 'filed', at: filedAt });
    await complete('intake', 'complete');
    await complete('urbanism', 'done');
    await complete('safety', 'done');
    const due = machine.state.deadlines.legal!.projection!.dueDate;
    await machine.migrate({ planId: 'mp-2', procedure: pinned(v2), plan: { ...plan, deadlines: { legal: 'recompute' } }, actor: 'admin-1' });
    const legal = machine.state.deadlines.legal!;
    expect(legal.budget).toEqual({ calendarDays: 20 });
    expect(legal.ledger.map((e) => e.type)).toEqual(['started']);
    // Thirty days from 2 March, then twenty: the 22nd is a Sunday, and the count rolls to the Monday.
    expect([due, legal.projection!.dueDate]).toEqual(['2026-04-01', '2026-03-23']);
    expect(Object.values(machine.state.tasks).find((t) => t.status === 'open')?.stepId).toBe('decision');
    await complete('decision', 'reject');
    expect(machine.state.steps.decision?.outcome).toBe('reject');
  });

  it('renames every record at once, so a swap of two steps swaps their records', async () => {
    const { machine, complete, openTask } = machineOn(v1);
    await machine.dispatch({ type: 'filed', at: filedAt });
    await complete('intake', 'complete');
    await complete('urbanism', 'done');
    const before = machine.state;
    const waiting = openTask('safety');
    await machine.migrate({ planId: 'mp-swap', procedure: pinned(v2), plan: { steps: { checking: 'decision', urbanism: 'safety', safety: 'urbanism' } }, actor: 'admin-1' });
    expect(machine.state.steps.safety).toEqual(before.steps.urbanism);
    expect(machine.state.steps.urbanism).toEqual(before.steps.safety);
    expect(machine.state.tasks[waiting.id]?.stepId).toBe('urbanism');
  });

  it('reads a step named like a property of every object as a step like any other', async () => {
    const odd = (version: number) => definition(version, { valueOf: userTask('agent', { approve: 'granted', reject: 'refused' }) }, { start: 'valueOf' });
    const { machine, openTask, complete } = machineOn(odd(1));
    await machine.dispatch({ type: 'filed', at: filedAt });
    await machine.migrate({ planId: 'mp-odd', procedure: pinned(odd(2)), plan: {}, actor: 'admin-1' });
    expect(openTask('valueOf')).toBeDefined();
    expect(Object.values(machine.state.tokens).map((t) => t.stepId)).toEqual(['valueOf']);
    await complete('valueOf', 'approve');
    expect(machine.state.outcome).toBe('approved');
  });

  it('refuses a second plan from the version the application has left, and stays as it is when the new version cannot be read on it', async () => {
    const { machine } = machineOn(v1);
    await machine.dispatch({ type: 'filed', at: filedAt });
    await machine.migrate({ planId: 'mp-first', procedure: pinned(v2), plan, actor: 'admin-1', fromVersion: 1 });
    const v3 = definition(3, { ...v2.steps });
    const late = { planId: 'mp-late', procedure: pinned(v3), plan: {}, actor: 'admin-2', fromVersion: 1 };
    expect(machine.assessMove(late)).toEqual({ movable: false, code: 'not_movable', reasons: ['the application runs on version 2, not 1'] });
    await expect(machine.migrate(late)).rejects.toMatchObject({ code: 'not_movable' });
    expect(machine.state.procedureVersion).toBe(2);

    // A legal deadline whose terms the new version cannot compute: the move fails and the application goes on under version 2.
    const unreadable = definition(3, { ...v2.steps }, { deadline: { budget: { calendarDays: 20 }, startsOn: 'filing', onComplement: 'pause', onExpiry: { action: 'notify', notify: ['supervisor'] }, variants: 'not a list' } });
    const before = machine.state;
    await expect(machine.migrate({ planId: 'mp-bad', procedure: pinned(unreadable), plan: { deadlines: { legal: 'recompute' } }, actor: 'admin-1', fromVersion: 2 })).rejects.toThrow();
    expect(machine.state).toBe(before);
    expect(machine.definition).toBe(v2);
  });

  it('moves an application waiting for documents; the citizen’s answer leads on under the new version', async () => {
    const { machine, openTask } = machineOn(v1);
    await machine.dispatch({ type: 'filed', at: filedAt });
    await machine.dispatch({ type: 'complementRequested', taskId: openTask('intake').id, documents: ['plans'], actor: 'agent-1', at: '2026-03-03T09:00:00+01:00' });
    await machine.migrate({ planId: 'mp-3', procedure: pinned(v2), plan, actor: 'admin-1' });
    expect(machine.state.complement.open?.stepId).toBe('ask');
    await machine.dispatch({ type: 'complementProvided', documents: ['plans'], actor: 'citizen', at: '2026-03-04T09:00:00+01:00' });
    expect(openTask('intake')).toBeDefined();
    expect(machine.state.deadlines.legal!.ledger.map((e) => e.type)).toEqual(['started', 'paused', 'resumed']);
  });

  it('is refused whole, with every reason, where the plan cannot take it; nothing changes', async () => {
    const { machine, complete } = machineOn(v1);
    await machine.dispatch({ type: 'filed', at: filedAt });
    await complete('intake', 'complete');
    const noAgents = definition(2, { ...v2.steps }, { roles: ['supervisor'], languageVersion: 1 });
    const verdict = assessMigration(pinned(v1), { ...pinned(noAgents), languageVersion: 1 }, { steps: { urbanism: 'nowhere' } }, machine.state);
    expect(verdict).toEqual({
      movable: false,
      code: 'not_movable',
      reasons: [
        'version 2 is read in language 1 and the application in language 2',
        'it is at step "urbanism": step "urbanism" is mapped to "nowhere", which version 2 does not have',
        'its task at step "urbanism" is for the role "agent", which version 2 does not have',
        'its task at step "safety" is for the role "agent", which version 2 does not have',
      ],
    });
    const before = machine.state;
    await expect(machine.migrate({ planId: 'mp-4', procedure: pinned(v2), plan: { steps: { urbanism: 'nowhere' } }, actor: 'admin-1' })).rejects.toBeInstanceOf(DomainError);
    expect(machine.state).toBe(before);
    expect(machine.definition).toBe(v1);
  });

  it('says so when the application already runs on the version, and refuses a closed one', async () => {
    const { machine } = machineOn(v1);
    await machine.dispatch({ type: 'filed', at: filedAt });
    await machine.migrate({ planId: 'mp-5', procedure: pinned(v2), plan, actor: 'admin-1' });
    expect(assessMigration(pinned(v1), pinned(v2), plan, machine.state)).toMatchObject({ movable: false, code: 'already_migrated' });
    const closed = machineOn(v1);
    await closed.machine.dispatch({ type: 'filed', at: filedAt });
    await closed.machine.dispatch({ type: 'withdrawn', actor: 'citizen', at: '2026-03-03T09:00:00+01:00' });
    expect(assessMigration(pinned(v1), pinned(v2), plan, closed.machine.state)).toEqual({ movable: false, code: 'not_movable', reasons: ['the application is withdrawn'] });
  });
});

describe('the reasons, as the web reads them back', () => {
  it('gives back the code and the values of every sentence, a reason inside a reason included', () => {
    for (const code of Object.keys(MIGRATION_REASONS) as MigrationReasonCode[]) {
      const names = [...MIGRATION_REASONS[code].matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
      const values = Object.fromEntries(names.map((name, i) => [name, `${name}-${i}`]));
      expect(readMigrationReason(migrationReason(code, values))).toEqual({ code, values });
    }
    const inner = migrationReason('notInVersion', { step: 'register', version: 3 });
    expect(readMigrationReason(migrationReason('atStep', { step: 'register', reason: inner }))).toEqual({ code: 'atStep', values: { step: 'register', reason: inner } });
    expect(readMigrationReason('something else entirely')).toBeUndefined();
  });
});
