/** What a definition's conditions read, how they are read, and the legal budget they choose. */
import type { Budget, Extension, ProcedureDefinition } from '../definition.generated.js';
import { isTrue, type Expression, type ExpressionEnvironment } from '../expression.js';
import type { DayCounting } from '../expressions/dates.js';
import type { LanguageVersion } from '../language.js';
import type { ApplicationState } from './state.js';

/**
 * How an application reads its definition's expressions: in the language the definition was published
 * under, and, when they count working days or read today, with the calendar and zone offset its shell
 * read for the event (readsCalendar).
 */
export interface ConditionReading {
  language: LanguageVersion;
  days?: DayCounting;
}

/** The environment of expressions evaluated while an event is applied: `at` is that event's instant. */
export function environmentAt(reading: ConditionReading, at: string): ExpressionEnvironment {
  return { ...reading, at };
}

/** The budget that applies at filing: the first variant whose condition holds, else the budget. */
export function legalBudget(definition: ProcedureDefinition, context: unknown, environment: ExpressionEnvironment): Budget {
  return legalTerms(definition, context, environment).budget;
}

/**
 * The legal deadline's terms at filing: the budget of the first variant whose condition holds, else the
 * deadline's, and the variant's own extension when it has one (language 2), which replaces the deadline's.
 */
export function legalTerms(definition: ProcedureDefinition, context: unknown, environment: ExpressionEnvironment): { budget: Budget; extension?: Extension } {
  const variant = (definition.deadline.variants ?? []).find((v) => isTrue(v.when as Expression, context, environment));
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
