/**
 * A migration plan: how applications running on one version of a procedure move to a later version that
 * corrects it (docs/moving-applications.md). Its JSON Schema is the API's validator and, through
 * FromSchema, the type the engine reads: one source for both.
 */
import type { FromSchema } from 'json-schema-to-ts';
import type { ProcedureDefinition } from '../definition.generated.js';
import { migrationReason } from './reasons.js';

/** What becomes of a running deadline: its schedule kept as it is, or counted again on the new version's terms. */
export const DEADLINE_RULES = ['keep', 'recompute'] as const;

const stepId = { type: 'string', pattern: '^[a-z][a-zA-Z0-9_-]{0,63}$' } as const;

export const migrationPlanSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    steps: {
      type: 'object',
      description:
        "The old version's steps mapped to the new version's, where the id changed. A step not named here maps to the new version's step of the same id, if it has one of the same kind.",
      maxProperties: 500,
      propertyNames: stepId,
      additionalProperties: stepId,
    },
    deadlines: {
      type: 'object',
      additionalProperties: false,
      description:
        "What becomes of the running deadlines. `keep` (the default): the ledger and the due date stay as they are. `recompute`: the ledger is kept (start, pauses, extensions), the budget and warnings are the new version's, and the due date is counted again from the ledger.",
      properties: {
        legal: { type: 'string', enum: DEADLINE_RULES, description: 'The legal deadline.' },
        serviceLevels: { type: 'string', enum: DEADLINE_RULES, description: "The service levels of the open tasks: recomputed on the new step's service level, or ended where it has none." },
      },
    },
    note: { type: 'string', minLength: 1, maxLength: 500, description: 'Why the applications move: the mistake the new version corrects.' },
  },
} as const;

export type MigrationPlan = FromSchema<typeof migrationPlanSchema>;
export type DeadlineRule = (typeof DEADLINE_RULES)[number];

/** The step of `to` an application at `stepId` of `from` moves to, or why there is none. */
export function mappedStep(from: ProcedureDefinition, to: ProcedureDefinition, plan: MigrationPlan, stepId: string): { stepId: string } | { reason: string } {
  const named = own(plan.steps ?? {}, stepId);
  const target = named ?? stepId;
  const source = own(from.steps, stepId);
  const step = own(to.steps, target);
  if (!step) {
    return { reason: named ? migrationReason('mappedToMissing', { step: stepId, target, version: to.version }) : migrationReason('notInVersion', { step: stepId, version: to.version }) };
  }
  if (source && source.type !== step.type) {
    return { reason: migrationReason('otherKind', { step: stepId, kind: source.type, target, version: to.version, otherKind: step.type }) };
  }
  if (source?.type === 'parallel' && step.type === 'parallel') {
    const missing = Object.keys(source.branches).filter((b) => !own(step.branches, b));
    if (missing.length) return { reason: migrationReason('noBranch', { target, version: to.version, branches: missing.map((b) => `"${b}"`).join(', ') }) };
  }
  return { stepId: target };
}

function own<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}

export interface PlanIssue {
  pointer: string;
  message: string;
}

/**
 * Checks a plan against both versions: errors refuse it (a mapping to no step, to a step of another kind);
 * `stays` names the old steps no application can move from, with the reason — applications found there
 * stay on the old version and are listed when the plan is tried.
 */
export function checkMigrationPlan(from: ProcedureDefinition, to: ProcedureDefinition, plan: MigrationPlan): { errors: PlanIssue[]; stays: PlanIssue[] } {
  const errors: PlanIssue[] = [];
  const stays: PlanIssue[] = [];
  if (from.id !== to.id) errors.push({ pointer: '/toVersion', message: migrationReason('otherProcedure', { version: to.version, other: to.id, procedure: from.id }) });
  if (to.version <= from.version) errors.push({ pointer: '/toVersion', message: migrationReason('notLater', { version: from.version }) });
  for (const source of Object.keys(plan.steps ?? {})) {
    const pointer = `/plan/steps/${source}`;
    if (!own(from.steps, source)) errors.push({ pointer, message: migrationReason('noStep', { version: from.version, step: source }) });
    else {
      const mapped = mappedStep(from, to, plan, source);
      if ('reason' in mapped) errors.push({ pointer, message: mapped.reason });
    }
  }
  // Where each old step's record (visits, outcome, branches, window) stands after the move: the new id it
  // maps to, or its own id where it cannot move. Two on one name would merge two records into one.
  const recordedAs = new Map<string, string>();
  for (const stepId of Object.keys(from.steps)) {
    const mapped = mappedStep(from, to, plan, stepId);
    const name = 'stepId' in mapped ? mapped.stepId : stepId;
    const other = recordedAs.get(name);
    if (other !== undefined) {
      const [renamed, kept] = own(plan.steps ?? {}, stepId) ? [stepId, other] : [other, stepId];
      errors.push({ pointer: own(plan.steps ?? {}, renamed) ? `/plan/steps/${renamed}` : '/plan/steps', message: migrationReason('merged', { step: renamed, other: kept, target: name, version: to.version }) });
    } else recordedAs.set(name, stepId);
    if (!own(plan.steps ?? {}, stepId) && 'reason' in mapped) stays.push({ pointer: `/steps/${stepId}`, message: mapped.reason });
  }
  return { errors, stays };
}
