/**
 * What the definition's JSON Schema allows at a place in the text: the property names an object may
 * still take, the values a field may hold, and the schema's own description to show on hover.
 *
 * Hand-written rather than a package: the maintained JSON-Schema completion for CodeMirror brings a
 * general schema library and a Markdown renderer along, far more than the few keywords Mohla's schema
 * uses ($ref into $defs, properties, additionalProperties, items, oneOf/anyOf/allOf, if/then/else, enum,
 * const). A step's variants are told apart by their `type`, as the checker does.
 */
import { getLocation } from 'jsonc-parser';
import { tolerantValue, type JsonPath } from './json-pointer.js';

export interface JsonSchema {
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  description?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  patternProperties?: Record<string, JsonSchema>;
  additionalProperties?: JsonSchema | boolean;
  items?: JsonSchema;
  prefixItems?: JsonSchema[];
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  allOf?: JsonSchema[];
  then?: JsonSchema;
  else?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
}

function resolve(root: JsonSchema, ref: string): JsonSchema | undefined {
  if (!ref.startsWith('#/')) return undefined;
  let at: unknown = root;
  for (const segment of ref.slice(2).split('/')) at = (at as Record<string, unknown> | undefined)?.[segment.replace(/~1/g, '/').replace(/~0/g, '~')];
  return at as JsonSchema | undefined;
}

/** A variant whose `type` (or other) const disagrees with the value written is not the one meant. */
function fits(variant: JsonSchema, root: JsonSchema, value: unknown): boolean {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return true;
  for (const schema of expand(root, variant, undefined)) {
    for (const [name, property] of Object.entries(schema.properties ?? {})) {
      const written = (value as Record<string, unknown>)[name];
      if (written !== undefined && property.const !== undefined && property.const !== written) return false;
    }
  }
  return true;
}

/** The schema with its references and combinators opened, keeping the variants the value can be. */
function expand(root: JsonSchema, schema: JsonSchema, value: unknown, depth = 0): JsonSchema[] {
  if (depth > 16) return [];
  const out: JsonSchema[] = [schema];
  const target = schema.$ref ? resolve(root, schema.$ref) : undefined;
  if (target) out.push(...expand(root, target, value, depth + 1));
  for (const part of schema.allOf ?? []) out.push(...expand(root, part, value, depth + 1));
  for (const variants of [schema.oneOf, schema.anyOf]) {
    for (const variant of (variants ?? []).filter((v) => fits(v, root, value))) out.push(...expand(root, variant, value, depth + 1));
  }
  for (const branch of [schema.then, schema.else]) if (branch) out.push(...expand(root, branch, value, depth + 1));
  return out;
}

function valueAt(value: unknown, path: JsonPath): unknown {
  let at = value;
  for (const segment of path) at = at && typeof at === 'object' ? (at as Record<string, unknown>)[String(segment)] : undefined;
  return at;
}

/** The schemas that say what the value at `path` may be, with `document` (the text's value) choosing among variants. */
function schemasAt(root: JsonSchema, path: JsonPath, document?: unknown): JsonSchema[] {
  let current = expand(root, root, document);
  path.forEach((segment, i) => {
    const value = valueAt(document, path.slice(0, i + 1));
    const next: JsonSchema[] = [];
    for (const schema of current) {
      if (typeof segment === 'number') {
        const item = schema.prefixItems?.[segment] ?? schema.items;
        if (item) next.push(item);
        continue;
      }
      const named = schema.properties?.[segment];
      if (named) next.push(named);
      const patterned = Object.entries(schema.patternProperties ?? {}).filter(([pattern]) => new RegExp(pattern, 'u').test(segment));
      next.push(...patterned.map(([, s]) => s));
      if (!named && !patterned.length && typeof schema.additionalProperties === 'object') next.push(schema.additionalProperties);
    }
    current = next.flatMap((s) => expand(root, s, value));
  });
  return current;
}

export function descriptionAt(root: JsonSchema, path: JsonPath, document?: unknown): string | undefined {
  return schemasAt(root, path, document).find((s) => s.description)?.description;
}

export interface CompletionChoice {
  label: string;
  /** The text put in place of what was typed. */
  insert: string;
  kind: 'property' | 'value';
  detail?: string;
}

export interface Completions {
  from: number;
  to: number;
  choices: CompletionChoice[];
}

function propertyChoices(root: JsonSchema, path: JsonPath, document: unknown, typedKey: string | undefined): CompletionChoice[] {
  const present = valueAt(document, path);
  const taken = new Set(present && typeof present === 'object' ? Object.keys(present) : []);
  const seen = new Map<string, CompletionChoice>();
  for (const schema of schemasAt(root, path, document)) {
    for (const [name, property] of Object.entries(schema.properties ?? {})) {
      if (seen.has(name) || (taken.has(name) && name !== typedKey)) continue;
      const description = property.description ?? expand(root, property, undefined).find((s) => s.description)?.description;
      seen.set(name, { label: name, insert: JSON.stringify(name), kind: 'property', ...(description ? { detail: description } : {}) });
    }
  }
  return [...seen.values()];
}

function valueChoices(root: JsonSchema, path: JsonPath, document: unknown): CompletionChoice[] {
  const seen = new Map<string, CompletionChoice>();
  const add = (value: unknown, detail?: string) => {
    const text = JSON.stringify(value);
    const label = typeof value === 'string' ? value : text;
    if (!seen.has(text)) seen.set(text, { label, insert: text, kind: 'value', ...(detail ? { detail } : {}) });
  };
  const own = (key: string) => {
    const value = (document as Record<string, unknown> | undefined)?.[key];
    return value && typeof value === 'object' ? (Array.isArray(value) ? value.filter((v) => typeof v === 'string') : Object.keys(value)) : [];
  };
  for (const schema of schemasAt(root, path, document)) {
    // Where the schema asks for a step's or a role's id, the definition's own steps and roles are what fits.
    if (schema.$ref === '#/$defs/StepId') own('steps').forEach((id) => add(id));
    if (schema.$ref === '#/$defs/RoleId' && path[0] !== 'roles') own('roles').forEach((id) => add(id));
    for (const value of schema.enum ?? []) add(value, schema.description);
    if (schema.const !== undefined) add(schema.const, schema.description);
    const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
    if (types.includes('boolean')) [true, false].forEach((b) => add(b));
  }
  return [...seen.values()];
}

/**
 * What may be written at `offset`: property names on a key (those the object does not have yet), the
 * allowed values on a value. Inside a string, `from`/`to` cover its content (the editor filters the
 * choices by what was typed there, and the quotes stay); outside one, the choices bring their quotes.
 */
export function completionsAt(root: JsonSchema, text: string, offset: number): Completions {
  const location = getLocation(text, offset);
  const before = text.slice(0, offset);
  const node = location.previousNode;
  const inString = node?.type === 'string' && node.offset < offset && offset <= node.offset + node.length;
  const closed = inString && node.length > 1 && text[node.offset + node.length - 1] === '"';
  const from = inString ? node.offset + 1 : offset - (/[\w$.-]*$/u.exec(before)?.[0].length ?? 0);
  const to = inString ? Math.max(offset, node.offset + node.length - (closed ? 1 : 0)) : offset;
  const document = tolerantValue(text);
  // Inside a string only strings fit; their quotes replace the string's own (see `applyChoice`).
  const written = (choices: CompletionChoice[]): Completions => ({ from, to, choices: inString ? choices.filter((c) => c.insert.startsWith('"')) : choices });
  if (location.isAtPropertyKey) {
    const key = location.path.at(-1);
    return written(propertyChoices(root, location.path.slice(0, -1), document, typeof key === 'string' ? key : undefined));
  }
  // Between members of an object, where a new key would go, jsonc-parser names the object itself.
  const container = valueAt(document, location.path);
  if (!node && container && typeof container === 'object' && !Array.isArray(container) && /[{,]\s*$/u.test(before.slice(0, from))) {
    return written(propertyChoices(root, location.path, document, undefined));
  }
  // The value being typed is not yet what it will be: it must not rule out the variant it is choosing.
  return written(valueChoices(root, location.path, without(document, location.path)));
}

function without(document: unknown, path: JsonPath): unknown {
  if (!path.length || !document || typeof document !== 'object') return document;
  const copy = structuredClone(document) as Record<string, unknown>;
  const parent = valueAt(copy, path.slice(0, -1));
  if (parent && typeof parent === 'object' && !Array.isArray(parent)) delete (parent as Record<string, unknown>)[String(path.at(-1))];
  return copy;
}

/**
 * The change a choice makes when taken: a quoted choice replaces the quotes around the word too, so that
 * accepting `languageVersion` inside `"langu"` (its closing quote put by the editor or not) gives one
 * pair of quotes.
 */
export function applyChoice(text: string, from: number, to: number, insert: string): { from: number; to: number; insert: string } {
  if (!insert.startsWith('"')) return { from, to, insert };
  return { from: text[from - 1] === '"' ? from - 1 : from, to: text[to] === '"' ? to + 1 : to, insert };
}
