/**
 * Conditions in definitions are JSON Logic: data, not code, so a definition can never run arbitrary
 * JavaScript, and evaluation is deterministic. A definition's expressions mean what the language it
 * was published under says: language 1 keeps the first evaluator's answers for good
 * (expressions/language-1.ts), language 2 reads JSON Logic as its reference does and counts days
 * (expressions/json-logic.ts, expressions/dates.ts). The operators allowed are listed in
 * expressions/operators.ts.
 */
import type { DateReading } from './expressions/dates.js';
import { evaluateJsonLogic, truthy } from './expressions/json-logic.js';
import { evaluateLanguage1 } from './expressions/language-1.js';
import { ITEM_SCOPED, OPERATORS, operationOf, operatorSpec, type Expression } from './expressions/operators.js';
import type { LanguageVersion } from './language.js';

export type { Expression };

/** What an expression is read with besides the application's data. */
export interface ExpressionEnvironment extends DateReading {
  /** The language the definition was published under (languageOf(pinned) for an application). */
  language: LanguageVersion;
}

export function evaluate(expression: Expression, context: unknown, environment: ExpressionEnvironment): unknown {
  return environment.language === 1 ? evaluateLanguage1(expression, context) : evaluateJsonLogic(expression, context, environment);
}

export function isTrue(expression: Expression, context: unknown, environment: ExpressionEnvironment): boolean {
  // Both languages share JSON Logic's truthiness: an empty array is false.
  return truthy(evaluate(expression, context, environment));
}

export interface ExpressionProblem {
  /** JSON pointer relative to the expression. */
  pointer: string;
  message: string;
}

/**
 * Checks an expression without running it: known operators, right number of arguments, and every
 * variable it reads (reported through `onVariable`, so the caller can check it exists). Which language
 * an operator needs is checked with the definition's conditions (condition-checks.ts).
 */
export function checkExpression(
  expression: unknown,
  onVariable: (path: string) => string | undefined = () => undefined,
  pointer = '',
): ExpressionProblem[] {
  const problems: ExpressionProblem[] = [];
  const visit = (node: unknown, at: string, itemScope: boolean) => {
    if (node === null || ['boolean', 'number', 'string'].includes(typeof node)) return;
    if (Array.isArray(node)) {
      node.forEach((child, i) => visit(child, `${at}/${i}`, itemScope));
      return;
    }
    if (typeof node !== 'object') {
      problems.push({ pointer: at, message: `${typeof node} is not JSON` });
      return;
    }
    const operation = operationOf(node);
    if (!operation) {
      const keys = Object.keys(node as object);
      problems.push({ pointer: at, message: `an operation has exactly one operator, found ${keys.length ? keys.join(', ') : 'none'}` });
      return;
    }
    const { op, args, listed } = operation;
    const spec = operatorSpec(op);
    const here = `${at}/${op.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    if (!spec) {
      problems.push({ pointer: here, message: `unknown operator "${op}"; known: ${Object.keys(OPERATORS).join(' ')}` });
      return;
    }
    const [min, max] = spec.arity;
    if (args.length < min || args.length > max) {
      problems.push({ pointer: here, message: `"${op}" takes ${min === max ? min : `${min} to ${max}`} argument(s), found ${args.length}` });
      return;
    }
    if (op === 'var') {
      const path = args[0];
      if (typeof path !== 'string') {
        if (!(typeof path === 'number')) problems.push({ pointer: here, message: 'a variable is named by a string' });
        return;
      }
      if (!itemScope) {
        const unknown = onVariable(path);
        if (unknown) problems.push({ pointer: here, message: unknown });
      }
      return;
    }
    if (ITEM_SCOPED.has(op)) {
      visit(args[0], listed ? `${here}/0` : here, itemScope);
      visit(args[1], `${here}/1`, true);
      return;
    }
    args.forEach((child, i) => visit(child, listed ? `${here}/${i}` : here, itemScope));
  };
  visit(expression, pointer, false);
  return problems;
}
