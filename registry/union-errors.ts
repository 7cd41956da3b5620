/**
 * One message for a value that fits none of a union's shapes (`oneOf`, `anyOf`). ajv reports why each
 * shape failed, then that none fitted: a budget of `{ "workingDays": 0 }` comes back as six lines, most
 * of them about units the designer never meant ("calendarDays is required", "workingDays is not an
 * allowed property"…). The shape the value was meant to have is the one whose own keys it uses; only
 * its errors are kept. When the value uses the keys of several shapes, or of none, one line says so.
 *
 * Written here because ajv has no such option, and ajv-errors only replaces messages one by one.
 */
import type { ErrorObject } from 'ajv';

const UNIONS = new Set(['oneOf', 'anyOf']);

function isUnion(e: ErrorObject): boolean {
  return UNIONS.has(e.keyword) && e.schemaPath.endsWith(`/${e.keyword}`);
}

/** `child` is `parent` or inside it, as JSON pointers. */
const within = (child: string, parent: string) => child === parent || child.startsWith(`${parent}/`);
const isDirectChild = (child: string, parent: string) => child.startsWith(`${parent}/`) && !child.slice(parent.length + 1).includes('/');

function list(words: string[]): string {
  return words.length < 2 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

interface Branch {
  index: number;
  errors: ErrorObject[];
  /** The value is of another type, or a property that tells the shapes apart has another value. */
  mismatched: boolean;
  /** Keys this shape requires and the value lacks. */
  missing: string[];
  /** Keys of the value this shape does not allow. */
  unknown: string[];
}

function branchesOf(union: ErrorObject, candidates: ErrorObject[]): Branch[] {
  const at = union.instancePath;
  const byIndex = new Map<number, ErrorObject[]>();
  for (const e of candidates) {
    const index = Number(e.schemaPath.slice(union.schemaPath.length + 1).split('/')[0]);
    byIndex.set(index, [...(byIndex.get(index) ?? []), e]);
  }
  return [...byIndex.entries()]
    .sort(([a], [b]) => a - b)
    .map(([index, errors]) => ({
      index,
      errors,
      mismatched: errors.some((e) => (e.keyword === 'type' && e.instancePath === at) || ((e.keyword === 'enum' || e.keyword === 'const') && isDirectChild(e.instancePath, at))),
      missing: errors.filter((e) => e.keyword === 'required' && e.instancePath === at).map((e) => (e.params as { missingProperty: string }).missingProperty),
      unknown: errors.filter((e) => e.keyword === 'additionalProperties' && e.instancePath === at).map((e) => (e.params as { additionalProperty: string }).additionalProperty),
    }));
}

const synthetic = (union: ErrorObject, instancePath: string, keyword: string, message: string, params: Record<string, unknown> = {}): ErrorObject => ({
  instancePath,
  schemaPath: union.schemaPath,
  keyword,
  params,
  message,
});

/** None of the shapes is the one meant: what tells them apart, in one line. */
function noShapeMeant(union: ErrorObject, branches: Branch[]): ErrorObject[] {
  const at = union.instancePath;
  const open = branches.filter((b) => !b.mismatched);
  if (open.length) {
    const keys = [...new Set(open.map((b) => b.missing[0]).filter((k): k is string => k !== undefined))];
    const found = open[0]!.unknown.filter((k) => open.every((b) => b.unknown.includes(k)));
    if (keys.length) return [synthetic(union, at, 'union', `needs one of ${list(keys)}${found.length ? ` (found ${list(found)})` : ''}`)];
  }
  // Every shape wants another value for the same property: that property's allowed values.
  const choices = branches.flatMap((b) => b.errors.filter((e) => (e.keyword === 'enum' || e.keyword === 'const') && isDirectChild(e.instancePath, at)));
  const property = choices[0]?.instancePath;
  if (property !== undefined && choices.every((e) => e.instancePath === property)) {
    const allowed = choices.flatMap((e) => (e.keyword === 'enum' ? (e.params as { allowedValues: unknown[] }).allowedValues : [(e.params as { allowedValue: unknown }).allowedValue]));
    return [synthetic(union, property, 'enum', 'must be one of', { allowedValues: [...new Set(allowed)] })];
  }
  const types = [...new Set(branches.flatMap((b) => b.errors.filter((e) => e.keyword === 'type' && e.instancePath === at).map((e) => String((e.params as { type: unknown }).type))))];
  if (types.length && branches.every((b) => b.mismatched)) return [synthetic(union, at, 'type', `must be ${list(types)}`)];
  return [union];
}

/** Replaces one union's errors by those of the shape meant, or by one line. */
function collapseUnion(union: ErrorObject, branchErrors: ErrorObject[]): ErrorObject[] {
  const branches = branchesOf(union, branchErrors);
  // ajv also says "must match exactly one" when several shapes fit: nothing to narrow down.
  if (!branches.length) return [union];
  const recognised = branches.filter((b) => !b.mismatched && !b.missing.length);
  const open = branches.filter((b) => !b.mismatched);
  if (recognised.length === 1) return recognised[0]!.errors;
  if (recognised.length > 1) {
    const fewest = Math.min(...recognised.map((b) => b.unknown.length));
    const best = recognised.filter((b) => b.unknown.length === fewest);
    if (best.length === 1) return best[0]!.errors;
    // Each shape objects to the others' keys: the value mixes them. Name them in the shapes' order.
    const mixed = [...new Set(best.flatMap((b) => b.unknown))].sort(
      (a, b) => best.findIndex((br) => !br.unknown.includes(a)) - best.findIndex((br) => !br.unknown.includes(b)),
    );
    if (mixed.length > 1) return [synthetic(union, union.instancePath, 'union', `has ${list(mixed).replace(/ or ([^,]+)$/, ' and $1')}: give only one of them`)];
    return best[0]!.errors;
  }
  if (open.length === 1) return open[0]!.errors;
  return noShapeMeant(union, branches);
}

/** ajv's errors with each union's reduced to what the designer meant; other errors as they were. */
export function collapseUnionErrors(errors: ErrorObject[], done = new Set<ErrorObject>()): ErrorObject[] {
  // Outermost first: a union inside a shape goes with that shape, kept or dropped.
  const outer = errors
    .filter((e) => isUnion(e) && !done.has(e))
    .sort((a, b) => a.instancePath.length - b.instancePath.length || a.schemaPath.length - b.schemaPath.length)[0];
  if (!outer) return errors;
  done.add(outer);
  const inOuter = (e: ErrorObject) => e !== outer && e.schemaPath.startsWith(`${outer.schemaPath}/`) && within(e.instancePath, outer.instancePath);
  const first = errors.findIndex((e) => e === outer || inOuter(e));
  const rest = errors.filter((e) => e !== outer && !inOuter(e));
  const replaced = collapseUnion(outer, errors.filter(inOuter));
  return collapseUnionErrors([...rest.slice(0, first), ...replaced, ...rest.slice(first)], done);
}
