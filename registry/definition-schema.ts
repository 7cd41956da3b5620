import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { pointerSegment } from '../engine/form-schema.js';
import { PROJECT_ROOT } from '../infra/config.js';
import { collapseUnionErrors } from './union-errors.js';

const DEFINITION_SCHEMA_PATH = path.join(PROJECT_ROOT, 'procedures/schema/procedure.schema.json');

let definitionSchema: { $id: string } | undefined;
function readDefinitionSchema(): { $id: string } {
  definitionSchema ??= JSON.parse(readFileSync(DEFINITION_SCHEMA_PATH, 'utf8')) as { $id: string };
  return definitionSchema;
}

/**
 * The annotations a form schema may carry for the people who fill it in, each with the definition
 * schema's $defs entry its value must match. ajv checks that shape when it compiles a form and otherwise
 * ignores them: they never change what data is valid.
 */
export const FORM_ANNOTATIONS = { label: 'LocalizedText', enumLabels: 'EnumLabels' } as const;
export type FormAnnotation = keyof typeof FORM_ANNOTATIONS;

const defRef = (name: string) => `${readDefinitionSchema().$id}#/$defs/${name}`;

/** One ajv for definitions and the forms they declare, so every schema is read with the same rules. */
export function createAjv(): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, discriminator: true, strict: true, strictRequired: false, allowUnionTypes: true });
  addFormats.default(ajv);
  // Read by the type generator only.
  ajv.addKeyword({ keyword: 'tsType', schemaType: 'string' });
  // Added first so the annotations' meta-schemas can point into it: their shapes are defined once, there.
  ajv.addSchema(readDefinitionSchema());
  for (const [keyword, def] of Object.entries(FORM_ANNOTATIONS)) {
    ajv.addKeyword({ keyword, metaSchema: { $ref: defRef(def) } });
  }
  return ajv;
}

/** Checks the value of one form annotation against its meta-schema; pointers are relative to `prefix`. */
export function formAnnotationErrors(ajv: Ajv2020, keyword: FormAnnotation, value: unknown, prefix: string): FieldError[] {
  const validate = ajv.getSchema(defRef(FORM_ANNOTATIONS[keyword]))!;
  return validate(value) ? [] : fieldErrors(validate.errors, prefix);
}

export interface FieldError {
  pointer: string;
  message: string;
  /** A warning is reported and never refuses the definition; without it, the problem refuses it. */
  severity?: 'warning';
}

/** ajv's errors as one line per field, with the pointer a person can follow; a union's, as one. */
export function fieldErrors(errors: ErrorObject[] | null | undefined, prefix = ''): FieldError[] {
  // A key that breaks `propertyNames` is named by its own pointer; ajv's summary after it says no more.
  const lines = collapseUnionErrors((errors ?? []).filter((e) => e.keyword !== 'propertyNames')).map((e) => {
    let pointer = `${prefix}${e.instancePath}`;
    let message = e.message ?? 'is not valid';
    if (e.propertyName !== undefined) {
      pointer = `${pointer}/${pointerSegment(e.propertyName)}`;
      message = `this key ${message}`;
    }
    if (e.keyword === 'required') pointer = `${pointer}/${(e.params as { missingProperty: string }).missingProperty}`;
    if (e.keyword === 'additionalProperties') {
      pointer = `${pointer}/${(e.params as { additionalProperty: string }).additionalProperty}`;
      message = 'is not an allowed property';
    }
    if (e.keyword === 'required') message = 'is required';
    if (e.keyword === 'discriminator') {
      const { tag, tagValue } = e.params as { tag: string; tagValue: unknown };
      pointer = `${pointer}/${tag}`;
      message = tagValue === undefined ? 'is required' : `${JSON.stringify(tagValue)} is not a known ${tag}`;
    }
    if (e.keyword === 'enum') message = `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
    return { pointer: pointer || '/', message };
  });
  return lines.filter((line, i) => lines.findIndex((l) => l.pointer === line.pointer && l.message === line.message) === i);
}

let definitionValidator: ValidateFunction | undefined;

export function definitionSchemaValidator(): ValidateFunction {
  definitionValidator ??= createAjv().getSchema(readDefinitionSchema().$id)!;
  return definitionValidator;
}
