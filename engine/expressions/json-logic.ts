/**
 * Expressions as language 2 reads them: JSON Logic with the meaning its reference implementation
 * (json-logic-js) gives each operator, so that a designer who knows JSON Logic reads a condition right.
 * test/fixtures/json-logic/ holds the cases that pin it down.
 *
 * Why our own evaluator rather than a kept library: json-logic-js keeps its operators in one global
 * table that add_operation changes for every caller, and gives an operator only its arguments, while
 * the date operators need the event's instant and the calendar; json-logic-engine follows a newer,
 * different specification (its comparisons and `var` differ) and ships a compiler and async engine we
 * would not use inside the workflow sandbox. The reference's meaning fits in the few lines below.
 *
 * Where we deliberately differ, for values a citizen's form may hold: `var` reads an object's own
 * fields only (never `constructor` or `__proto__`); an object's own fields never act as methods when
 * it is turned into text or a number (it is "[object Object]", as any plain object); `in` looks into
 * strings and arrays only; and `some`, `all`, `none` and `count` range over an object's values (the
 * outcomes of a parallel step's branches), where the reference sees no items.
 */
import { DATE_OPERATIONS, type DateReading } from './dates.js';
import { operationOf, type Expression } from './operators.js';

const own = (value: object, key: string) => Object.prototype.hasOwnProperty.call(value, key);

/** JSON Logic's truthiness: JavaScript's, except that an empty array is false. */
export function truthy(value: unknown): boolean {
  return Array.isArray(value) ? value.length > 0 : Boolean(value);
}

/** JavaScript's conversion to a primitive, for JSON values: an array is its items joined by commas. */
function primitive(value: unknown): string | number | boolean | null | undefined {
  if (Array.isArray(value)) return value.map((item) => (item === null || item === undefined ? '' : text(item))).join(',');
  if (value !== null && typeof value === 'object') return '[object Object]';
  return value as string | number | boolean | null | undefined;
}

/** JavaScript's String() of a JSON value. */
function text(value: unknown): string {
  return String(primitive(value));
}

/** JavaScript's Number() of a JSON value: null is 0, "" is 0, true is 1, "12abc" is NaN. */
function numeric(value: unknown): number {
  return Number(primitive(value));
}

/** JavaScript's `==`: same types compare strictly, null equals only null, otherwise both become numbers. */
export function looseEquals(a: unknown, b: unknown): boolean {
  const objectA = a !== null && typeof a === 'object';
  const objectB = b !== null && typeof b === 'object';
  if (objectA && objectB) return a === b;
  const x = objectA ? primitive(a) : a;
  const y = objectB ? primitive(b) : b;
  if (x === null || x === undefined || y === null || y === undefined) return (x ?? null) === (y ?? null);
  if (typeof x === typeof y) return x === y;
  if (typeof x === 'string' && typeof y === 'string') return x === y;
  return Number(x) === Number(y);
}

/** JavaScript's `<`: two strings compare as strings (so ISO dates compare as dates), anything else as numbers. */
function less(a: unknown, b: unknown, orEqual: boolean): boolean {
  const x = primitive(a);
  const y = primitive(b);
  if (typeof x === 'string' && typeof y === 'string') return orEqual ? x <= y : x < y;
  const nx = Number(x);
  const ny = Number(y);
  return orEqual ? nx <= ny : nx < ny;
}

/** The reference's `+` and `*` read each argument with parseFloat: "12 MAD" is 12, "" and null are NaN. */
const float = (value: unknown) => parseFloat(text(value));

/** `var`: a dotted path into the data, each step an own field or index; the default when a step finds nothing. */
function lookup(data: unknown, path: unknown, fallback: unknown): unknown {
  const notFound = fallback === undefined ? null : fallback;
  if (path === undefined || path === null || path === '') return data;
  let current = data;
  for (const part of text(path).split('.')) {
    if (current === null || current === undefined) return notFound;
    // Object() gives strings their indices and length, arrays theirs, and numbers nothing.
    const holder = Object(current) as Record<string, unknown>;
    if (!own(holder, part)) return notFound;
    current = holder[part];
    if (current === undefined) return notFound;
  }
  return current;
}

interface Scope {
  data: unknown;
  reading: DateReading;
}

/** Operators that decide which of their arguments to evaluate, or evaluate some once per item. */
const LAZY: Record<string, (args: Expression[], scope: Scope) => unknown> = {
  if: (args, scope) => {
    let i = 0;
    for (; i + 1 < args.length; i += 2) if (truthy(run(args[i]!, scope))) return run(args[i + 1]!, scope);
    return i < args.length ? run(args[i]!, scope) : null;
  },
  and: (args, scope) => {
    let value: unknown;
    for (const arg of args) {
      value = run(arg, scope);
      if (!truthy(value)) return value;
    }
    return value;
  },
  or: (args, scope) => {
    let value: unknown;
    for (const arg of args) {
      value = run(arg, scope);
      if (truthy(value)) return value;
    }
    return value;
  },
  some: (args, scope) => itemsOf(args, scope).some((item) => truthy(run(args[1]!, { ...scope, data: item }))),
  all: (args, scope) => {
    const items = itemsOf(args, scope);
    return items.length > 0 && items.every((item) => truthy(run(args[1]!, { ...scope, data: item })));
  },
  none: (args, scope) => !itemsOf(args, scope).some((item) => truthy(run(args[1]!, { ...scope, data: item }))),
  count: (args, scope) => itemsOf(args, scope).filter((item) => truthy(run(args[1]!, { ...scope, data: item }))).length,
};

function itemsOf(args: Expression[], scope: Scope): unknown[] {
  const value = run(args[0] ?? null, scope);
  if (Array.isArray(value)) return value;
  return value !== null && typeof value === 'object' ? Object.values(value) : [];
}

/** Operators given their arguments already evaluated, in order. */
const EAGER: Record<string, (values: unknown[], scope: Scope) => unknown> = {
  var: ([path, fallback], scope) => lookup(scope.data, path, fallback),
  missing: (values, scope) => {
    const keys = Array.isArray(values[0]) ? (values[0] as unknown[]) : values;
    return keys.filter((key) => {
      const value = lookup(scope.data, key, undefined);
      return value === null || value === '';
    });
  },
  '==': ([a, b]) => looseEquals(a, b),
  '!=': ([a, b]) => !looseEquals(a, b),
  '===': ([a, b]) => a === b,
  '!==': ([a, b]) => a !== b,
  '<': ([a, b, c]) => (c === undefined ? less(a, b, false) : less(a, b, false) && less(b, c, false)),
  '<=': ([a, b, c]) => (c === undefined ? less(a, b, true) : less(a, b, true) && less(b, c, true)),
  '>': ([a, b]) => less(b, a, false),
  '>=': ([a, b]) => less(b, a, true),
  '!': ([a]) => !truthy(a),
  '!!': ([a]) => truthy(a),
  // As the reference: strict equality against an array's items, a substring of a non-empty string.
  in: ([needle, haystack]) => {
    if (Array.isArray(haystack)) return haystack.indexOf(needle) !== -1;
    return typeof haystack === 'string' && haystack !== '' ? haystack.includes(text(needle)) : false;
  },
  cat: (values) => values.map((v) => (v === null || v === undefined ? '' : text(v))).join(''),
  '+': (values) => values.reduce<number>((sum, v) => sum + float(v), 0),
  // With one argument the reference hands it back untouched, as Array.prototype.reduce does.
  '*': (values) => (values.length === 1 ? values[0] : values.slice(1).reduce<number>((product, v) => product * float(v), float(values[0]))),
  '-': ([a, b]) => (b === undefined ? -numeric(a) : numeric(a) - numeric(b)),
  '/': ([a, b]) => numeric(a) / numeric(b),
  min: (values) => Math.min(...values.map(numeric)),
  max: (values) => Math.max(...values.map(numeric)),
  ...Object.fromEntries(Object.entries(DATE_OPERATIONS).map(([name, operation]) => [name, (values: unknown[], scope: Scope) => operation(values, scope.reading)])),
};

function run(expression: Expression, scope: Scope): unknown {
  if (Array.isArray(expression)) return expression.map((e) => run(e, scope));
  const operation = operationOf(expression);
  if (!operation) return expression;
  const { op } = operation;
  const args = operation.args as Expression[];
  if (own(LAZY, op)) return LAZY[op]!(args, scope);
  if (own(EAGER, op)) return EAGER[op]!(args.map((a) => run(a, scope)), scope);
  throw new Error(`unknown operator "${op}"`);
}

/** Evaluates an expression over the data, as language 2 reads it. */
export function evaluateJsonLogic(expression: Expression, data: unknown, reading: DateReading = {}): unknown {
  return run(expression, { data, reading });
}
