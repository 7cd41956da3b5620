/**
 * Whether one running application can move to the new version under a plan, and if not, why: read off
 * its state alone, so that the API's dry run and the workflow's own check (the update validator) give the
 * same answer. A move is refused whole: an application moves with every step it is at, or stays.
 */
import { parseDeadlineId } from '../ids.js';
import type { ApplicationState, PinnedProcedure } from '../interpreter/state.js';
import { languageOf } from '../language.js';
import { mappedStep, type MigrationPlan } from './plan.js';
import { migrationReason } from './reasons.js';

export type MigrationVerdict =
  /** `steps`: where the application is now, old step to new. */
  | { movable: true; steps: Record<string, string> }
  | { movable: false; code: 'already_migrated' | 'not_movable'; reasons: string[] };

/** The steps the application is at: its running tokens, open tasks, the complement and the windows awaited. */
function activeSteps(state: ApplicationState): string[] {
  const steps = new Set<string>();
  for (const token of Object.values(state.tokens)) steps.add(token.stepId);
  for (const task of Object.values(state.tasks)) if (task.status === 'open' || task.status === 'claimed') steps.add(task.stepId);
  if (state.complement.open) steps.add(state.complement.open.stepId);
  for (const stepId of Object.keys(state.windows ?? {})) steps.add(stepId);
  return [...steps].sort();
}

type Pinned = Pick<PinnedProcedure, 'definition' | 'version' | 'languageVersion'>;

export function assessMigration(from: Pinned, to: Pinned, plan: MigrationPlan, state: ApplicationState): MigrationVerdict {
  if (state.procedureVersion === to.version) return { movable: false, code: 'already_migrated', reasons: [migrationReason('alreadyMoved', { version: to.version })] };
  const reasons: string[] = [];
  if (state.status !== 'open') reasons.push(migrationReason('closed', { outcome: state.outcome ?? 'closed' }));
  if (state.procedureVersion !== from.version) reasons.push(migrationReason('otherVersion', { version: state.procedureVersion, expected: from.version }));
  if (languageOf(from) !== languageOf(to)) {
    // The language decides how every expression and deadline is read: a history cannot change it half-way.
    reasons.push(migrationReason('language', { version: to.version, language: languageOf(to), current: languageOf(from) }));
  }
  const steps: Record<string, string> = {};
  for (const stepId of activeSteps(state)) {
    const mapped = mappedStep(from.definition, to.definition, plan, stepId);
    if ('reason' in mapped) reasons.push(migrationReason('atStep', { step: stepId, reason: mapped.reason }));
    else steps[stepId] = mapped.stepId;
  }
  const roles = new Set(to.definition.roles);
  for (const task of Object.values(state.tasks)) {
    if ((task.status === 'open' || task.status === 'claimed') && !roles.has(task.role)) {
      reasons.push(migrationReason('role', { step: task.stepId, role: task.role, version: to.version }));
    }
  }
  for (const d of Object.values(state.deadlines)) {
    const key = parseDeadlineId(d.id);
    if (key?.kind === 'clock' && !d.done && !to.definition.clocks?.[key.clockId]) {
      reasons.push(migrationReason('clock', { clock: key.clockId, version: to.version }));
    }
  }
  return reasons.length ? { movable: false, code: 'not_movable', reasons } : { movable: true, steps };
}

/** Every old step the plan gives a new id: what the application's records of past steps are renamed by. */
export function renamedSteps(from: Pinned, to: Pinned, plan: MigrationPlan): Record<string, string> {
  const renamed: Record<string, string> = {};
  for (const stepId of Object.keys(from.definition.steps)) {
    const mapped = mappedStep(from.definition, to.definition, plan, stepId);
    if ('stepId' in mapped && mapped.stepId !== stepId) renamed[stepId] = mapped.stepId;
  }
  return renamed;
}
