import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { PinnedProcedure } from '../engine/interpreter/state.js';
import { canonicalJson } from '../engine/canonical-json.js';
import { checkDefinition } from '../engine/definition-checks.js';
import type { ProcedureDefinition } from '../engine/definition.generated.js';
import type { LanguageVersion } from '../engine/language.js';
import { eachSubschema } from '../engine/form-schema.js';
import {
  createAjv,
  definitionSchemaValidator,
  fieldErrors,
  FORM_ANNOTATIONS,
  formAnnotationErrors,
  type FieldError,
  type FormAnnotation,
} from './definition-schema.js';
import { languageVersionOf } from './language-versions.js';
import { NOTIFY_STEP_TEMPLATES } from '../notifications/templates.js';

export const DEFINITION_FILE = /^[a-z][a-z0-9-]*\.v\d+\.json$/;

export interface DefinitionFileError {
  file: string;
  pointer: string;
  message: string;
  severity?: 'warning';
}

export function hashDefinition(definition: ProcedureDefinition): string {
  return createHash('sha256').update(canonicalJson(definition)).digest('hex');
}

/** The language a definition is read in, before or without publishing it: as publishing it would pin it. */
export function definitionLanguage(definition: ProcedureDefinition): LanguageVersion {
  return languageVersionOf(definition, hashDefinition(definition));
}

const formAjv = createAjv();

/**
 * A form must itself be a JSON Schema that ajv can compile. Its annotations are checked first, on their
 * own, so each malformed one is named by its pointer rather than by the compiler's first complaint.
 */
function formProblems(schema: unknown, pointer: string): FieldError[] {
  const annotations: FieldError[] = [];
  eachSubschema(schema, pointer, (subschema, at) => {
    for (const keyword of Object.keys(FORM_ANNOTATIONS) as FormAnnotation[]) {
      if (Object.prototype.hasOwnProperty.call(subschema, keyword)) {
        annotations.push(...formAnnotationErrors(formAjv, keyword, subschema[keyword], `${at}/${keyword}`));
      }
    }
  });
  if (annotations.length) return annotations;
  try {
    formAjv.compile(schema as object);
    return [];
  } catch (err) {
    return [{ pointer, message: `not a valid JSON Schema: ${(err as Error).message}` }];
  }
}

/**
 * Schema, then semantic checks: the errors that refuse the definition, and the warnings it is published
 * with (rules newer than the language it is read in), each with its JSON pointer.
 */
export function reviewDefinition(candidate: unknown): { errors: FieldError[]; warnings: FieldError[] } {
  if (candidate === null || typeof candidate !== 'object' || Array.isArray(candidate)) {
    return { errors: [{ pointer: '/', message: `a definition is a JSON object, found ${describe(candidate)}` }], warnings: [] };
  }
  const validate = definitionSchemaValidator();
  if (!validate(candidate)) return { errors: fieldErrors(validate.errors), warnings: [] };
  const definition = candidate as ProcedureDefinition;
  const problems: FieldError[] = [
    ...formProblems(definition.form, '/form'),
    ...Object.entries(definition.steps).flatMap(([id, step]) =>
      step.type === 'userTask' && step.form ? formProblems(step.form, `/steps/${id}/form`) : [],
    ),
    ...checkDefinition(definition, { language: definitionLanguage(definition), templates: NOTIFY_STEP_TEMPLATES }),
  ];
  return { errors: problems.filter((p) => p.severity !== 'warning'), warnings: problems.filter((p) => p.severity === 'warning') };
}

/** The errors that refuse a definition, each with its JSON pointer (warnings aside). */
export function validateDefinition(candidate: unknown): FieldError[] {
  return reviewDefinition(candidate).errors;
}

function describe(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}

/** Reads and validates one definition file; every error and warning names the file. */
export function readDefinitionFile(file: string): { definition?: ProcedureDefinition; errors: DefinitionFileError[]; warnings: DefinitionFileError[] } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    return { errors: [{ file, pointer: '', message: `cannot be read: ${reason}` }], warnings: [] };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return { errors: [{ file, pointer: '', message: `not valid JSON: ${(err as Error).message}` }], warnings: [] };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { errors: [{ file, pointer: '', message: `a definition is a JSON object, found ${describe(parsed)}` }], warnings: [] };
  }
  const review = reviewDefinition(parsed);
  const errors = review.errors.map((e) => ({ file, ...e }));
  const warnings = review.warnings.map((w) => ({ file, ...w }));
  return errors.length ? { errors, warnings } : { definition: parsed as ProcedureDefinition, errors: [], warnings };
}

/** Shipped files are named after what they hold, so a reader finds a version by its file name. */
function fileNameProblem(file: string, definition: ProcedureDefinition): DefinitionFileError | undefined {
  const expected = `${definition.id}.v${definition.version}.json`;
  return path.basename(file) === expected
    ? undefined
    : { file, pointer: '/id', message: `id and version say the file should be named ${expected}` };
}

/** Definitions read from files, each version pinned with its hash (the shipped procedures). */
export class ProcedureCatalogue {
  private readonly versions = new Map<string, PinnedProcedure[]>();

  add(definition: ProcedureDefinition): PinnedProcedure {
    const hash = hashDefinition(definition);
    const pinned: PinnedProcedure = { id: definition.id, version: definition.version, hash, definition, languageVersion: languageVersionOf(definition, hash) };
    const list = this.versions.get(definition.id) ?? [];
    if (list.some((p) => p.version === definition.version)) {
      throw new Error(`${definition.id} v${definition.version} is already in the catalogue`);
    }
    list.push(pinned);
    list.sort((a, b) => a.version - b.version);
    this.versions.set(definition.id, list);
    return pinned;
  }

  get(id: string, version?: number): PinnedProcedure | undefined {
    const list = this.versions.get(id);
    if (!list) return undefined;
    return version === undefined ? list[list.length - 1] : list.find((p) => p.version === version);
  }

  /** The latest version of each procedure. */
  list(): PinnedProcedure[] {
    return [...this.versions.values()].map((l) => l[l.length - 1] as PinnedProcedure);
  }

  /** Every version, oldest first per procedure. */
  all(): PinnedProcedure[] {
    return [...this.versions.values()].flat();
  }
}

/**
 * Loads every definition file of a folder; an invalid one is reported and the others still load. Warnings
 * (about language-1 definitions, mostly) refuse nothing.
 */
export function loadProcedureFolder(dir: string): { catalogue: ProcedureCatalogue; errors: DefinitionFileError[]; warnings: DefinitionFileError[] } {
  const catalogue = new ProcedureCatalogue();
  const errors: DefinitionFileError[] = [];
  const warnings: DefinitionFileError[] = [];
  for (const name of readdirSync(dir).filter((f) => DEFINITION_FILE.test(f)).sort()) {
    const file = path.join(dir, name);
    const result = readDefinitionFile(file);
    const misnamed = result.definition && fileNameProblem(file, result.definition);
    errors.push(...[...result.errors, ...(misnamed ? [misnamed] : [])].map((e) => ({ ...e, file: name })));
    warnings.push(...result.warnings.map((w) => ({ ...w, file: name })));
    if (result.definition && !misnamed) catalogue.add(result.definition);
  }
  return { catalogue, errors, warnings };
}
