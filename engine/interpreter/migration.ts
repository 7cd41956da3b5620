/**
 * The move to a corrected version, as the transition makes it (the workflow swapped the definition
 * first: `run.definition` is the new version). Ids never change — tasks, tokens and deadlines keep the
 * ids PostgreSQL and the history hold — only the steps they are at; the ledgers stay as they are, and a
 * deadline is counted again only where the plan says `recompute`.
 */
import type { UserTaskStep } from '../definition.generated.js';
import { LEGAL_DEADLINE } from '../ids.js';
import type { DeadlineRule } from '../migration/plan.js';
import { expressionContext, legalTerms } from './conditions.js';
import type { Interpretation } from './interpretation.js';
import type { ApplicationEvent } from './events.js';

export type MigratedEvent = Extract<ApplicationEvent, { type: 'migrated' }>;

/** The new name of an old step: own properties only, so a step called `constructor` is a step like any other. */
function renamer(renamed: Record<string, string>): (stepId: string) => string {
  return (stepId) => (Object.prototype.hasOwnProperty.call(renamed, stepId) ? renamed[stepId]! : stepId);
}

/**
 * Every key renamed at once, so that a chain (a→b, b→c) or a swap (a↔b) moves each record to its own new
 * name. The plan's check refuses two old steps on one name; should one come anyway, the renamed record,
 * which the new version's step continues, is the one kept.
 */
function renameKeys<T>(record: Record<string, T>, rename: (key: string) => string): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [key, value] of Object.entries(record)) if (rename(key) === key) out[key] = value;
  for (const [key, value] of Object.entries(record)) if (rename(key) !== key) out[rename(key)] = value;
  return out;
}

export function migrated(run: Interpretation, event: MigratedEvent): void {
  const { state, definition } = run;
  const rename = renamer(event.renamed);
  state.procedureVersion = event.toVersion;
  for (const token of Object.values(state.tokens)) token.stepId = rename(token.stepId);
  for (const task of Object.values(state.tasks)) {
    if (task.status === 'open' || task.status === 'claimed') task.stepId = rename(task.stepId);
  }
  state.steps = renameKeys(state.steps, rename);
  state.branches = renameKeys(state.branches, rename);
  if (state.windows) {
    state.windows = renameKeys(state.windows, rename);
    for (const w of Object.values(state.windows)) {
      // Its letter keeps the issue key it was asked for under, so that the move never issues it twice.
      if (rename(w.stepId) !== w.stepId) w.openedAtStep ??= w.stepId;
      w.stepId = rename(w.stepId);
    }
  }
  if (state.complement.open) state.complement.open.stepId = rename(state.complement.open.stepId);
  if (state.refusalLetter) state.refusalLetter.stepId = rename(state.refusalLetter.stepId);

  const rules: { legal: DeadlineRule; serviceLevels: DeadlineRule } = { legal: event.deadlines.legal ?? 'keep', serviceLevels: event.deadlines.serviceLevels ?? 'keep' };
  const legal = state.deadlines[LEGAL_DEADLINE];
  if (rules.legal === 'recompute' && legal && !legal.done) {
    const terms = legalTerms(definition, expressionContext(state), run.environment(event.at));
    legal.budget = terms.budget;
    legal.warnings = definition.deadline.warnings ?? [];
    if (terms.extension) legal.extension = terms.extension;
    else delete legal.extension;
    run.reschedule(LEGAL_DEADLINE);
  }
  if (rules.serviceLevels === 'recompute') {
    for (const d of Object.values(state.deadlines)) {
      const task = d.kind === 'serviceLevel' && !d.done && d.taskId ? state.tasks[d.taskId] : undefined;
      if (!task) continue;
      const level = (definition.steps[task.stepId] as UserTaskStep | undefined)?.serviceLevel;
      if (!level) {
        d.done = true;
        continue;
      }
      d.budget = level.budget;
      d.warnings = level.warnings ?? [];
      run.reschedule(d.id);
    }
  }
  run.log(event.at, 'migrated', {
    actor: event.actor,
    detail: { plan: event.planId, fromVersion: event.fromVersion, toVersion: event.toVersion, steps: event.steps, deadlines: rules, ...(event.note ? { note: event.note } : {}) },
  });
}
