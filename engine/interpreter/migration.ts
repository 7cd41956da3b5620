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

function renameKeys<T>(record: Record<string, T>, renamed: Record<string, string>): Record<string, T> {
  const out: Record<string, T> = {};
  // An old id whose new name is already taken (the new version reuses it) keeps its own record.
  for (const [key, value] of Object.entries(record)) {
    const target = renamed[key];
    out[target && !(target in record) && !(target in out) ? target : key] = value;
  }
  return out;
}

export function migrated(run: Interpretation, event: MigratedEvent): void {
  const { state, definition } = run;
  const rename = (stepId: string) => event.renamed[stepId] ?? stepId;
  state.procedureVersion = event.toVersion;
  for (const token of Object.values(state.tokens)) token.stepId = rename(token.stepId);
  for (const task of Object.values(state.tasks)) {
    if (task.status === 'open' || task.status === 'claimed') task.stepId = rename(task.stepId);
  }
  state.steps = renameKeys(state.steps, event.renamed);
  state.branches = renameKeys(state.branches, event.renamed);
  if (state.windows) {
    state.windows = renameKeys(state.windows, event.renamed);
    for (const w of Object.values(state.windows)) w.stepId = rename(w.stepId);
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
