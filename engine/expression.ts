/**
 * Conditions in definitions are JSON Logic: data, not code, so a definition can never run arbitrary
 * JavaScript, and evaluation is deterministic. This is our own small evaluator of the subset below.
 */

export type Expression = null | boolean | number | string | Expression[] | { [operator: string]: Expression };

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

/** Loose equality as JSON Logic defines it, without JavaScript's surprising object coercions. */
function looseEquals(a: unknown, b: unknown): boolean {
  if (a === null || b === null) return a === b;
  if (typeof a === typeof b) return a === b;
  if (typeof a === 'boolean' || typeof b === 'boolean') return Number(a) === Number(b);
  return Number(a) === Number(b);
}

const OPERATORS: Record<string, { arity: [number, number]; run: Evaluator }> = {
  var: {
    arity: [1, 2],
    run: ([path, fallback], ctx) => {
      const value = lookup(ctx, String(evaluate(path ?? '', ctx)));
      return value === null && fallback !== undefined ? evaluate(fallback, ctx) : value;
    },
  },
  '==': { arity: [2, 2], run: ([a, b], ctx) => looseEquals(evaluate(a!, ctx), evaluate(b!, ctx)) },
  '!=': { arity: [2, 2], run: ([a, b], ctx) => !looseEquals(evaluate(a!, ctx), evaluate(b!, ctx)) },
  '===': { arity: [2, 2], run: ([a, b], ctx) => evaluate(a!, ctx) === evaluate(b!, ctx) },
  '!==': { arity: [2, 2], run: ([a, b], ctx) => evaluate(a!, ctx) !== evaluate(b!, ctx) },
  '<': { arity: [2, 3], run: (args, ctx) => chain(args, ctx, (x, y) => x < y) },
  '<=': { arity: [2, 3], run: (args, ctx) => chain(args, ctx, (x, y) => x <= y) },
  '>': { arity: [2, 2], run: ([a, b], ctx) => toNumber(evaluate(a!, ctx)) > toNumber(evaluate(b!, ctx)) },
  '>=': { arity: [2, 2], run: ([a, b], ctx) => toNumber(evaluate(a!, ctx)) >= toNumber(evaluate(b!, ctx)) },
  '!': { arity: [1, 1], run: ([a], ctx) => !truthy(evaluate(a!, ctx)) },
  '!!': { arity: [1, 1], run: ([a], ctx) => truthy(evaluate(a!, ctx)) },
  and: {
    arity: [1, Infinity],
    run: (args, ctx) => {
      let value: unknown = true;
      for (const arg of args) {
        value = evaluate(arg, ctx);
        if (!truthy(value)) return value;
      }
      return value;
    },
  },
  or: {
    arity: [1, Infinity],
    run: (args, ctx) => {
      let value: unknown = false;
      for (const arg of args) {
        value = evaluate(arg, ctx);
        if (truthy(value)) return value;
      }
      return value;
    },
  },
  if: {
    arity: [1, Infinity],
    run: (args, ctx) => {
      let i = 0;
      for (; i + 1 < args.length; i += 2) if (truthy(evaluate(args[i]!, ctx))) return evaluate(args[i + 1]!, ctx);
      return i < args.length ? evaluate(args[i]!, ctx) : null;
    },
  },
  in: {
    arity: [2, 2],
    run: ([needle, haystack], ctx) => {
      const h = evaluate(haystack!, ctx);
      const n = evaluate(needle!, ctx);
      if (Array.isArray(h)) return h.includes(n);
      return typeof h === 'string' ? h.includes(String(n)) : false;
    },
  },
  '+': { arity: [1, Infinity], run: (args, ctx) => args.reduce<number>((sum, a) => sum + toNumber(evaluate(a, ctx)), 0) },
  '-': {
    arity: [1, 2],
    run: ([a, b], ctx) => (b === undefined ? -toNumber(evaluate(a!, ctx)) : toNumber(evaluate(a!, ctx)) - toNumber(evaluate(b, ctx))),
  },
  '*': { arity: [1, Infinity], run: (args, ctx) => args.reduce<number>((p, a) => p * toNumber(evaluate(a, ctx)), 1) },
  '/': { arity: [2, 2], run: ([a, b], ctx) => toNumber(evaluate(a!, ctx)) / toNumber(evaluate(b!, ctx)) },
  min: { arity: [1, Infinity], run: (args, ctx) => Math.min(...args.map((a) => toNumber(evaluate(a, ctx)))) },
  max: { arity: [1, Infinity], run: (args, ctx) => Math.max(...args.map((a) => toNumber(evaluate(a, ctx)))) },
  cat: { arity: [1, Infinity], run: (args, ctx) => args.map((a) => String(evaluate(a, ctx) ?? '')).join('') },
  missing: {
    arity: [1, Infinity],
    run: (args, ctx) => args.map((a) => String(evaluate(a, ctx))).filter((p) => [null, ''].includes(lookup(ctx, p) as null)),
  },
  some: { arity: [2, 2], run: ([list, test], ctx) => arrayOf(list!, ctx).some((item) => truthy(evaluate(test!, item))) },
  all: {
    arity: [2, 2],
    run: ([list, test], ctx) => {
      const items = arrayOf(list!, ctx);
      return items.length > 0 && items.every((item) => truthy(evaluate(test!, item)));
    },
  },
  none: { arity: [2, 2], run: ([list, test], ctx) => !arrayOf(list!, ctx).some((item) => truthy(evaluate(test!, item))) },
  count: {
    arity: [2, 2],
    run: ([list, test], ctx) => arrayOf(list!, ctx).filter((item) => truthy(evaluate(test!, item))).length,
  },
};

function arrayOf(list: Expression, ctx: unknown): unknown[] {
  const value = evaluate(list, ctx);
  if (Array.isArray(value)) return value;
  // Branch results and step maps are objects: their values are what a condition ranges over.
  return value && typeof value === 'object' ? Object.values(value) : [];
}

function chain(args: Expression[], ctx: unknown, compare: (x: number, y: number) => boolean): boolean {
  const values = args.map((a) => toNumber(evaluate(a, ctx)));
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

export function evaluate(expression: Expression, context: unknown): unknown {
  if (Array.isArray(expression)) return expression.map((e) => evaluate(e, context));
  const parsed = operatorOf(expression);
  if (!parsed) return expression;
  const [op, args] = parsed;
  const operator = OPERATORS[op];
  if (!operator) throw new Error(`unknown operator "${op}"`);
  return operator.run(args, context);
}

export function isTrue(expression: Expression, context: unknown): boolean {
  return truthy(evaluate(expression, context));
}

export interface ExpressionProblem {
  /** JSON pointer relative to the expression. */
  pointer: string;
  message: string;
}

/** The operators scoped to each item of a list: `var` inside them names fields of the item. */
const ITEM_SCOPED = new Set(['some', 'all', 'none', 'count']);

/**
 * Checks an expression without running it: known operators, right number of arguments, and every
 * variable it reads (reported through `onVariable`, so the caller can check it exists).
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
    const keys = Object.keys(node as object);
    if (keys.length !== 1) {
      problems.push({ pointer: at, message: `an operation has exactly one operator, found ${keys.length ? keys.join(', ') : 'none'}` });
      return;
    }
    const op = keys[0]!;
    const operator = OPERATORS[op];
    const raw = (node as Record<string, unknown>)[op];
    const args = Array.isArray(raw) ? raw : [raw];
    const here = `${at}/${op.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    if (!operator) {
      problems.push({ pointer: here, message: `unknown operator "${op}"; known: ${Object.keys(OPERATORS).join(' ')}` });
      return;
    }
    const [min, max] = operator.arity;
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
      visit(args[0], Array.isArray(raw) ? `${here}/0` : here, itemScope);
      visit(args[1], `${here}/1`, true);
      return;
    }
    args.forEach((child, i) => visit(child, Array.isArray(raw) ? `${here}/${i}` : here, itemScope));
  };
  visit(expression, pointer, false);
  return problems;
}
