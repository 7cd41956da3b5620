/**
 * The operators a definition may use, each with how many arguments it takes. The list is explicit on
 * purpose: JSON Logic has more (map, reduce, merge, substr…), and a definition using one the engine does
 * not list is refused before it is published, never half-run in an application.
 */
import type { LanguageVersion } from '../language.js';

/** An expression: a constant, an array of expressions, or an object with exactly one operator. */
export type Expression = null | boolean | number | string | Expression[] | { [operator: string]: Expression };

export interface OperatorSpec {
  /** Fewest and most arguments. */
  arity: readonly [number, number];
  /** The first language version in which the operator exists. */
  since: LanguageVersion;
}

const ANY = Infinity;

export const OPERATORS: Readonly<Record<string, OperatorSpec>> = {
  var: { arity: [1, 2], since: 1 },
  '==': { arity: [2, 2], since: 1 },
  '!=': { arity: [2, 2], since: 1 },
  '===': { arity: [2, 2], since: 1 },
  '!==': { arity: [2, 2], since: 1 },
  '<': { arity: [2, 3], since: 1 },
  '<=': { arity: [2, 3], since: 1 },
  '>': { arity: [2, 2], since: 1 },
  '>=': { arity: [2, 2], since: 1 },
  '!': { arity: [1, 1], since: 1 },
  '!!': { arity: [1, 1], since: 1 },
  and: { arity: [1, ANY], since: 1 },
  or: { arity: [1, ANY], since: 1 },
  if: { arity: [1, ANY], since: 1 },
  in: { arity: [2, 2], since: 1 },
  '+': { arity: [1, ANY], since: 1 },
  '-': { arity: [1, 2], since: 1 },
  '*': { arity: [1, ANY], since: 1 },
  '/': { arity: [2, 2], since: 1 },
  min: { arity: [1, ANY], since: 1 },
  max: { arity: [1, ANY], since: 1 },
  cat: { arity: [1, ANY], since: 1 },
  missing: { arity: [1, ANY], since: 1 },
  some: { arity: [2, 2], since: 1 },
  all: { arity: [2, 2], since: 1 },
  none: { arity: [2, 2], since: 1 },
  count: { arity: [2, 2], since: 1 },
  // Mohla's own, for deadlines of the law that a condition must respect (engine/expressions/dates.ts).
  today: { arity: [0, 0], since: 2 },
  calendarDaysBetween: { arity: [2, 2], since: 2 },
  workingDaysBetween: { arity: [2, 2], since: 2 },
};

/** The operator's spec, when the name is one of the list's own entries (never "toString" or the like). */
export function operatorSpec(name: string): OperatorSpec | undefined {
  return Object.prototype.hasOwnProperty.call(OPERATORS, name) ? OPERATORS[name] : undefined;
}

/** The operators that count days (language 2 only). */
export const DATE_OPERATORS: ReadonlySet<string> = new Set(['today', 'calendarDaysBetween', 'workingDaysBetween']);

/** Those of them that need what the shell reads for each event: the working-day calendar and the zone's offset. */
export const SHELL_READ_OPERATORS: ReadonlySet<string> = new Set(['today', 'workingDaysBetween']);

/** The operators whose second argument is read once for each item of the first: `var` there names the item's fields. */
export const ITEM_SCOPED: ReadonlySet<string> = new Set(['some', 'all', 'none', 'count']);

/** The operator of an operation and its arguments (a lone argument may be written without its array). */
export function operationOf(node: unknown): { op: string; args: unknown[]; listed: boolean } | undefined {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
  const keys = Object.keys(node);
  if (keys.length !== 1) return undefined;
  const op = keys[0]!;
  const raw = (node as Record<string, unknown>)[op];
  return { op, args: Array.isArray(raw) ? raw : [raw], listed: Array.isArray(raw) };
}
