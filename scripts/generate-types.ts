/**
 * The definition types are generated from the JSON Schema, the one source of truth for the language:
 * ajv validates with the schema, TypeScript checks with these types. A test fails when they drift.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { compile } from 'json-schema-to-typescript';
import { PROJECT_ROOT } from '../infra/config.js';

export const GENERATED_TYPES = path.join(PROJECT_ROOT, 'engine/definition.generated.ts');
const SCHEMA = path.join(PROJECT_ROOT, 'procedures/schema/procedure.schema.json');

export async function generateDefinitionTypes(): Promise<string> {
  const schema = JSON.parse(readFileSync(SCHEMA, 'utf8'));
  return compile(schema, 'ProcedureDefinition', {
    bannerComment: [
      '/* Generated from procedures/schema/procedure.schema.json by `npm run generate`. Do not edit. */',
      '/** A JSON Schema (draft 2020-12) describing form data. */',
      'export type JsonSchemaObject = Record<string, unknown>;',
    ].join('\n'),
    additionalProperties: false,
    unreachableDefinitions: true,
    declareExternallyReferenced: true,
    format: true,
    style: { singleQuote: true, printWidth: 110 },
    cwd: path.dirname(SCHEMA),
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename ?? '')) {
  writeFileSync(GENERATED_TYPES, await generateDefinitionTypes());
  console.log(`wrote ${path.relative(process.cwd(), GENERATED_TYPES)}`);
}
