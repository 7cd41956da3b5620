/**
 * Walking a form's JSON Schema (2020-12): every place where a schema may stand, with its JSON pointer,
 * so a check of the form's annotations can name the field a designer must fix.
 */

type Schema = Record<string, unknown>;

const isSchema = (value: unknown): value is Schema => value !== null && typeof value === 'object' && !Array.isArray(value);

/** Applicators whose value is one schema. */
const SINGLE = [
  'additionalProperties',
  'items',
  'contains',
  'not',
  'if',
  'then',
  'else',
  'propertyNames',
  'unevaluatedItems',
  'unevaluatedProperties',
  'contentSchema',
];
/** Applicators whose value is a list of schemas. */
const LIST = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
/** Applicators whose value maps names to schemas. */
const MAP = ['properties', 'patternProperties', 'dependentSchemas', '$defs', 'definitions'];

/** One segment of a JSON pointer: `~` and `/` in a key would otherwise read as syntax. */
export function pointerSegment(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Calls `visit` for the schema and each schema nested in it, outermost first. */
export function eachSubschema(schema: unknown, pointer: string, visit: (schema: Schema, pointer: string) => void): void {
  if (!isSchema(schema)) return;
  visit(schema, pointer);
  for (const keyword of SINGLE) eachSubschema(schema[keyword], `${pointer}/${keyword}`, visit);
  for (const keyword of LIST) {
    const list = schema[keyword];
    if (Array.isArray(list)) list.forEach((s, i) => eachSubschema(s, `${pointer}/${keyword}/${i}`, visit));
  }
  for (const keyword of MAP) {
    const map = schema[keyword];
    if (isSchema(map)) for (const [name, s] of Object.entries(map)) eachSubschema(s, `${pointer}/${keyword}/${pointerSegment(name)}`, visit);
  }
}

/**
 * Whether a form has the shape fields are read from: an object schema whose properties, if any, are an
 * object. Any other form is refused on its own, and the fields read from it are not refused again.
 */
export function readsAsFields(form: unknown): boolean {
  if (form === null || typeof form !== 'object' || Array.isArray(form)) return false;
  const { type, properties } = form as { type?: unknown; properties?: unknown };
  return (type === 'object' || type === undefined) && (properties === undefined || (properties !== null && typeof properties === 'object' && !Array.isArray(properties)));
}
