/** What a definition's conditions read, and the legal budget they choose. */
import type { Budget, Extension, ProcedureDefinition } from '../definition.generated.js';
import { isTrue, type Expression } from '../expression.js';
import type { ApplicationState } from './state.js';

/** The budget that applies at filing: the first variant whose condition holds, else the budget. */
export function legalBudget(definition: ProcedureDefinition, context: unknown): Budget {
  return legalTerms(definition, context).budget;
}

/**
 * The legal deadline's terms at filing: the budget of the first variant whose condition holds, else the
 * deadline's, and the variant's own extension when it has one (language 2), which replaces the deadline's.
 */
export function legalTerms(definition: ProcedureDefinition, context: unknown): { budget: Budget; extension?: Extension } {
  const variant = (definition.deadline.variants ?? []).find((v) => isTrue(v.when as Expression, context));
  if (!variant) return { budget: definition.deadline.budget };
  return variant.extension ? { budget: variant.budget, extension: variant.extension } : { budget: variant.budget };
}

/** What conditions and input mappings may read. */
export function expressionContext(state: Pick<ApplicationState, 'data' | 'steps' | 'branches' | 'complement'>): Record<string, unknown> {
  return {
    data: state.data,
    steps: state.steps,
    branches: state.branches,
    complement: { requested: state.complement.count },
  };
}
