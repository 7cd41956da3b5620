/**
 * A form's JSON Schema read in the browser: which fields its conditions (`if`/`then`/`else`,
 * `dependentRequired`) show and require for the value entered so far, and what the schema refuses in it.
 *
 * The server checks forms with ajv, which compiles each schema into a function with `new Function`; the
 * pages' content security policy forbids that (`script-src 'self'`, no 'unsafe-eval'), and the forms come
 * from definitions published at run time, so they cannot be compiled ahead either. The browser therefore
 * uses @cfworker/json-schema, which interprets the schema (no code generation) and covers 2020-12. The
 * server's answer stays the authority: the browser's check only saves a round trip.
 */
import { Validator, type OutputUnit, type Schema } from '@cfworker/json-schema';
import { t, type LocalizedText, type MessageKey } from './i18n.js';

/** The part of JSON Schema a procedure's form uses, with the definition language's labels. */
export interface FieldSchema {
  type?: string | string[];
  properties?: Record<string, FieldSchema>;
  required?: string[];
  enum?: unknown[];
  format?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  title?: string;
  description?: string;
  label?: LocalizedText;
  enumLabels?: Record<string, LocalizedText>;
  items?: FieldSchema;
  const?: unknown;
  /** Conditions: a field `then` (or `else`) names is shown and required only while it applies. */
  if?: FieldSchema | boolean;
  then?: FieldSchema | boolean;
  else?: FieldSchema | boolean;
  allOf?: FieldSchema[];
  dependentRequired?: Record<string, string[]>;
}

export type FormValue = Record<string, unknown>;

type Branches = Pick<FieldSchema, 'if' | 'then' | 'else'>;

/** Every `if`/`then`/`else` of an object schema: its own and those of its `allOf` entries. */
function conditionsOf(schema: FieldSchema): Branches[] {
  return [schema, ...(schema.allOf ?? [])].filter((s) => s.if !== undefined);
}

const validators = new WeakMap<object, Validator>();

function holds(condition: FieldSchema | boolean, value: FormValue): boolean {
  if (typeof condition === 'boolean') return condition;
  let validator = validators.get(condition);
  if (!validator) validators.set(condition, (validator = new Validator(condition as Schema, '2020-12', false)));
  return validator.validate(value).valid;
}

const namedIn = (branch: FieldSchema | boolean | undefined): string[] =>
  branch && typeof branch === 'object' ? [...(branch.required ?? []), ...Object.keys(branch.properties ?? {})] : [];

export interface FieldRules {
  /** The fields to show now: a field only a condition names is shown while that condition asks for it. */
  visible: Set<string>;
  /** The fields the form requires now, given what is entered. */
  required: Set<string>;
}

/** What the schema's conditions make of the object's fields for the value entered so far. */
export function fieldRules(schema: FieldSchema, value: FormValue): FieldRules {
  const always = new Set(schema.required ?? []);
  const conditional = new Set<string>();
  const active = new Set<string>();
  const required = new Set(always);
  for (const c of conditionsOf(schema)) {
    for (const name of [...namedIn(c.then), ...namedIn(c.else)]) if (!always.has(name)) conditional.add(name);
    const branch = holds(c.if!, value) ? c.then : c.else;
    for (const name of namedIn(branch)) active.add(name);
    if (branch && typeof branch === 'object') for (const name of branch.required ?? []) required.add(name);
  }
  for (const [name, needs] of Object.entries(schema.dependentRequired ?? {})) if (value[name] !== undefined) for (const n of needs) required.add(n);
  const visible = new Set(Object.keys(schema.properties ?? {}).filter((name) => !conditional.has(name) || active.has(name)));
  return { visible, required };
}

/** The value without the fields its conditions no longer show: what a hidden field held is not sent. */
export function withoutHidden(schema: FieldSchema, value: FormValue): FormValue {
  const { visible } = fieldRules(schema, value);
  return Object.fromEntries(Object.entries(value).filter(([key]) => visible.has(key) || !schema.properties?.[key]));
}

export interface FieldProblem {
  pointer: string;
  message: string;
}

const unescape = (segment: string) => decodeURIComponent(segment).replace(/~1/g, '/').replace(/~0/g, '~');
const segments = (location: string) => location.replace(/^#\/?/, '').split('/').filter(Boolean).map(unescape);

function at(root: unknown, path: string[]): unknown {
  let node = root;
  for (const key of path) node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
  return node;
}

const escape = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

/** Each keyword's message in the page's language; the schema's number, where it has one, follows it. */
function message(keyword: string, rule: unknown): string {
  const words: Partial<Record<string, MessageKey>> = {
    pattern: 'err_format',
    format: 'err_format',
    enum: 'err_choose',
    const: 'err_choose',
    minimum: 'err_min',
    exclusiveMinimum: 'err_min',
    maximum: 'err_max',
    exclusiveMaximum: 'err_max',
    false: 'err_notAllowed',
  };
  if (keyword === 'type') return [rule].flat().some((x) => x === 'number' || x === 'integer') ? t('err_number') : t('err_invalid');
  if (keyword === 'minLength') return `${t('err_tooShort')} ${String(rule)} ${t('err_chars')}`;
  if (keyword === 'maxLength') return `${t('err_tooLong')} ${String(rule)} ${t('err_chars')}`;
  const key = words[keyword];
  if (!key) return t('err_invalid');
  return key === 'err_min' || key === 'err_max' ? `${t(key)} ${String(rule)}` : t(key);
}

/** Keywords that only gather their sub-schemas' errors: the sub-schemas' own errors say what is wrong. */
const GATHERING = new Set(['properties', 'patternProperties', 'additionalProperties', 'unevaluatedProperties', 'items', 'prefixItems', 'allOf', 'if', '$ref', 'dependentSchemas']);

/**
 * What the schema refuses in the value, as field problems under `pointer` (`/data/otherType`), in the
 * page's language: the first problem of each field, as the server's answer is shown.
 */
export function checkForm(schema: FieldSchema, value: FormValue, pointer = '/data'): FieldProblem[] {
  const errors: OutputUnit[] = new Validator(schema as Schema, '2020-12', false).validate(value).errors;
  const found = new Map<string, string>();
  const add = (path: string[], text: string) => {
    const p = `${pointer}${path.map((s) => `/${escape(s)}`).join('')}`;
    if (!found.has(p)) found.set(p, text);
  };
  for (const e of errors) {
    const where = segments(e.instanceLocation);
    // A missing field is reported at its object; the schema's own list names which fields are missing.
    if (e.keyword === 'required' || e.keyword === 'dependentRequired') {
      const object = at(value, where);
      const names =
        e.keyword === 'required'
          ? ((at(schema, segments(e.keywordLocation)) as string[] | undefined) ?? [])
          : Object.entries((at(schema, [...segments(e.keywordLocation).slice(0, -1), 'dependentRequired']) as Record<string, string[]> | undefined) ?? {})
              .filter(([k]) => object !== null && typeof object === 'object' && k in object)
              .flatMap(([, needs]) => needs);
      for (const name of names) if (object === null || typeof object !== 'object' || !(name in object)) add([...where, name], t('err_required'));
      continue;
    }
    if (GATHERING.has(e.keyword)) continue;
    const location = segments(e.keywordLocation);
    add(where, message(e.keyword, at(schema, location)));
  }
  return [...found].map(([p, text]) => ({ pointer: p, message: text }));
}
