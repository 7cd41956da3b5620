/**
 * Expressions as language 1 read them: the evaluator Mohla first shipped, kept exactly as it was.
 * Applications filed under a language-1 definition, and the histories they recorded, depend on its
 * every answer (comparisons that turn both sides into numbers, a default that also replaces a null…),
 * so nothing here may change; corrections go to the language-2 evaluator (json-logic.ts).
 */
import type { Expression } from './operators.js';

type Evaluator = (args: Expression[], context: unknown) => unknown;

function truthy(value: unknown): boolean {
  // JSON Logic's truthiness: an empty array is false, unlike JavaScript.
  if (Array.isArray(value)) return value.length > 0;
  return Boolean(value);
}

function lookup(context: unknown, path: string): unknown {
  if (path === '') return context;
  let current: unknown = context;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return null;
    current = Object.prototype.hasOwnProperty.call(current, part) ? (current as Record<string, unknown>)[part] : null;
  }
  return current === undefined ? null : current;
}

const toNumber = (value: unknown) => Number(value);

/** Loose equality without JavaScript's object coercions. */
export function looseEqualsLanguage1(a: unknown, b: unknown): boolean {
  if (a === null || b === null) return a === b;
  if (typeof a === typeof b) return a === b;
  if (typeof a === 'boolean' || typeof b === 'boolean') return Number(a) === Number(b);
  return Number(a) === Number(b);
}

const OPERATORS: Record<string, Evaluator> = {
  var: ([path, fallback], ctx) => {
    const value = lookup(ctx, String(evaluateLanguage1(path ?? '', ctx)));
    return value === null && fallback !== undefined ? evaluateLanguage1(fallback, ctx) : value;
  },
  '==': ([a, b], ctx) => looseEqualsLanguage1(evaluateLanguage1(a!, ctx), evaluateLanguage1(b!, ctx)),
  '!=': ([a, b], ctx) => !looseEqualsLanguage1(evaluateLanguage1(a!, ctx), evaluateLanguage1(b!, ctx)),
  '===': ([a, b], ctx) => evaluateLanguage1(a!, ctx) === evaluateLanguage1(b!, ctx),
  '!==': ([a, b], ctx) => evaluateLanguage1(a!, ctx) !== evaluateLanguage1(b!, ctx),
  '<': (args, ctx) => chain(args, ctx, (x, y) => x < y),
  '<=': (args, ctx) => chain(args, ctx, (x, y) => x <= y),
  '>': ([a, b], ctx) => toNumber(evaluateLanguage1(a!, ctx)) > toNumber(evaluateLanguage1(b!, ctx)),
  '>=': ([a, b], ctx) => toNumber(evaluateLanguage1(a!, ctx)) >= toNumber(evaluateLanguage1(b!, ctx)),
  '!': ([a], ctx) => !truthy(evaluateLanguage1(a!, ctx)),
  '!!': ([a], ctx) => truthy(evaluateLanguage1(a!, ctx)),
  and: (args, ctx) => {
    let value: unknown = true;
    for (const arg of args) {
      value = evaluateLanguage1(arg, ctx);
      if (!truthy(value)) return value;
    }
    return value;
  },
  or: (args, ctx) => {
    let value: unknown = false;
    for (const arg of args) {
      value = evaluateLanguage1(arg, ctx);
      if (truthy(value)) return value;
    }
    return value;
  },
  if: (args, ctx) => {
    let i = 0;
    for (; i + 1 < args.length; i += 2) if (truthy(evaluateLanguage1(args[i]!, ctx))) return evaluateLanguage1(args[i + 1]!, ctx);
    return i < args.length ? evaluateLanguage1(args[i]!, ctx) : null;
  },
  in: ([needle, haystack], ctx) => {
    const h = evaluateLanguage1(haystack!, ctx);
    const n = evaluateLanguage1(needle!, ctx);
    if (Array.isArray(h)) return h.includes(n);
    return typeof h === 'string' ? h.includes(String(n)) : false;
  },
  '+': (args, ctx) => args.reduce<number>((sum, a) => sum + toNumber(evaluateLanguage1(a, ctx)), 0),
  '-': ([a, b], ctx) => (b === undefined ? -toNumber(evaluateLanguage1(a!, ctx)) : toNumber(evaluateLanguage1(a!, ctx)) - toNumber(evaluateLanguage1(b, ctx))),
  '*': (args, ctx) => args.reduce<number>((p, a) => p * toNumber(evaluateLanguage1(a, ctx)), 1),
  '/': ([a, b], ctx) => toNumber(evaluateLanguage1(a!, ctx)) / toNumber(evaluateLanguage1(b!, ctx)),
  min: (args, ctx) => Math.min(...args.map((a) => toNumber(evaluateLanguage1(a, ctx)))),
  max: (args, ctx) => Math.max(...args.map((a) => toNumber(evaluateLanguage1(a, ctx)))),
  cat: (args, ctx) => args.map((a) => String(evaluateLanguage1(a, ctx) ?? '')).join(''),
  missing: (args, ctx) => args.map((a) => String(evaluateLanguage1(a, ctx))).filter((p) => [null, ''].includes(lookup(ctx, p) as null)),
  some: ([list, test], ctx) => arrayOf(list!, ctx).some((item) => truthy(evaluateLanguage1(test!, item))),
  all: ([list, test], ctx) => {
    const items = arrayOf(list!, ctx);
    return items.length > 0 && items.every((item) => truthy(evaluateLanguage1(test!, item)));
  },
  none: ([list, test], ctx) => !arrayOf(list!, ctx).some((item) => truthy(evaluateLanguage1(test!, item))),
  count: ([list, test], ctx) => arrayOf(list!, ctx).filter((item) => truthy(evaluateLanguage1(test!, item))).length,
};

function arrayOf(list: Expression, ctx: unknown): unknown[] {
  const value = evaluateLanguage1(list, ctx);
  if (Array.isArray(value)) return value;
  // Branch results and step maps are objects: their values are what a condition ranges over.
  return value && typeof value === 'object' ? Object.values(value) : [];
}

function chain(args: Expression[], ctx: unknown, compare: (x: number, y: number) => boolean): boolean {
  const values = args.map((a) => toNumber(evaluateLanguage1(a, ctx)));
  for (let i = 0; i + 1 < values.length; i++) if (!compare(values[i]!, values[i + 1]!)) return false;
  return true;
}

function operatorOf(expression: Expression): [string, Expression[]] | undefined {
  if (expression === null || typeof expression !== 'object' || Array.isArray(expression)) return undefined;
  const keys = Object.keys(expression);
  if (keys.length !== 1) return undefined;
  const op = keys[0]!;
  const raw = expression[op]!;
  return [op, Array.isArray(raw) ? raw : [raw]];
}

export function evaluateLanguage1(expression: Expression, context: unknown): unknown {
  if (Array.isArray(expression)) return expression.map((e) => evaluateLanguage1(e, context));
  const parsed = operatorOf(expression);
  if (!parsed) return expression;
  const [op, args] = parsed;
  // Only the table's own entries: a name such as "toString" is no operator.
  const operator = Object.prototype.hasOwnProperty.call(OPERATORS, op) ? OPERATORS[op] : undefined;
  if (!operator) throw new Error(`unknown operator "${op}"`);
  return operator(args, context);
}
