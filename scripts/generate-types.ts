/**
 * The definition and calendar types are generated from their JSON Schemas, the one source of truth for
 * each format: ajv validates with the schema, TypeScript checks with these types. A test fails when they
 * drift.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { compile } from 'json-schema-to-typescript';
import { PROJECT_ROOT } from '../infra/config.js';

export const GENERATED_TYPES = path.join(PROJECT_ROOT, 'engine/definition.generated.ts');
export const GENERATED_CALENDAR_TYPES = path.join(PROJECT_ROOT, 'engine/calendar.generated.ts');
/** Every generated file with the function that produces its content. */
export const GENERATED = [
  { file: GENERATED_TYPES, generate: () => generateDefinitionTypes() },
  { file: GENERATED_CALENDAR_TYPES, generate: () => generateCalendarTypes() },
];
const SCHEMA = path.join(PROJECT_ROOT, 'procedures/schema/procedure.schema.json');
const CALENDAR_SCHEMA = path.join(PROJECT_ROOT, 'procedures/schema/calendar.schema.json');

export async function generateDefinitionTypes(): Promise<string> {
  const schema = JSON.parse(readFileSync(SCHEMA, 'utf8'));
  return compile(schema, 'ProcedureDefinition', {
    bannerComment: [
      '/* Generated from procedures/schema/procedure.schema.json by `npm run generate`. Do not edit. */',
      "import type { Expression as JsonLogicExpression } from './expression.js';",
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

export async function generateCalendarTypes(): Promise<string> {
  const schema = JSON.parse(readFileSync(CALENDAR_SCHEMA, 'utf8'));
  return compile(schema, 'Calendar', {
    bannerComment: '/* Generated from procedures/schema/calendar.schema.json by `npm run generate`. Do not edit. */',
    additionalProperties: false,
    unreachableDefinitions: true,
    declareExternallyReferenced: true,
    format: true,
    style: { singleQuote: true, printWidth: 110 },
    cwd: path.dirname(CALENDAR_SCHEMA),
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename ?? '')) {
  for (const { file, generate } of GENERATED) {
    writeFileSync(file, await generate());
    console.log(`wrote ${path.relative(process.cwd(), file)}`);
  }
}
