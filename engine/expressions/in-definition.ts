/** Where a definition holds expressions, and what they use. */
import type { ProcedureDefinition } from '../definition.generated.js';
import { pointerSegment } from '../form-schema.js';
import type { LanguageVersion } from '../language.js';
import { operationOf, SHELL_READ_OPERATORS } from './operators.js';

export interface PlacedExpression {
  expression: unknown;
  /** JSON pointer of the expression in the definition. */
  pointer: string;
}

/** Every expression of a definition: deadline variants, decision cases and service inputs. */
export function expressionsOf(definition: ProcedureDefinition): PlacedExpression[] {
  const found: PlacedExpression[] = [];
  (definition.deadline.variants ?? []).forEach((variant, i) => found.push({ expression: variant.when, pointer: `/deadline/variants/${i}/when` }));
  for (const [stepId, step] of Object.entries(definition.steps)) {
    const at = `/steps/${pointerSegment(stepId)}`;
    if (step.type === 'decision') step.cases.forEach((c, i) => found.push({ expression: c.when, pointer: `${at}/cases/${i}/when` }));
    if (step.type === 'serviceTask') {
      for (const [name, expression] of Object.entries(step.input ?? {})) found.push({ expression, pointer: `${at}/input/${pointerSegment(name)}` });
    }
  }
  return found;
}

/** Whether the expression uses one of the operators named, anywhere in it. */
function usesOperator(expression: unknown, names: ReadonlySet<string>): boolean {
  if (Array.isArray(expression)) return expression.some((e) => usesOperator(e, names));
  const operation = operationOf(expression);
  if (!operation) return false;
  return names.has(operation.op) || operation.args.some((a) => usesOperator(a, names));
}

/**
 * Whether applying events to this definition needs the working-day calendar and the zone's offset: its
 * expressions count working days or read today. Only language 2 has date operators (the checker refuses
 * them in a language-1 definition).
 */
export function readsCalendar(definition: ProcedureDefinition, language: LanguageVersion): boolean {
  return language >= 2 && expressionsOf(definition).some(({ expression }) => usesOperator(expression, SHELL_READ_OPERATORS));
}
