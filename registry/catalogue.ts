import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { PinnedProcedure } from '../engine/interpreter/state.js';
import { canonicalJson } from '../engine/canonical-json.js';
import { checkDefinition } from '../engine/definition-checks.js';
import type { ProcedureDefinition } from '../engine/definition.generated.js';
import type { LanguageVersion } from '../engine/language.js';
import { eachSubschema, pointerSegment } from '../engine/form-schema.js';
import { definitionBoundsProblem } from '../engine/input-bounds.js';
import {
  createAjv,
  definitionSchemaValidator,
  fieldErrors,
  FORM_ANNOTATIONS,
  formAnnotationErrors,
  type FieldError,
  type FormAnnotation,
} from './definition-schema.js';
import { readJsonFile, type SourceProblem } from './json-source.js';
import { languageVersionOf } from './language-versions.js';
import { messageProblems } from './message-checks.js';
import { documentProblems } from './document-checks.js';
import { NOTIFY_STEP_TEMPLATES } from '../notifications/templates.js';

export const DEFINITION_FILE = /^[a-z][a-z0-9-]*\.v\d+\.json$/;

export interface DefinitionFileError {
  file: string;
  pointer: string;
  message: string;
  severity?: 'warning';
}

/** The problems that refuse a definition: all but the warnings. */
export function refusals<P extends { severity?: 'warning' }>(problems: P[]): P[] {
  return problems.filter((p) => p.severity !== 'warning');
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
function formProblems(schema: unknown, pointer: string, language: LanguageVersion): FieldError[] {
  // What is entered is read field by field (data.<field>, steps.<step>.data.<field>): a form is an object.
  const type = (schema as { type?: unknown }).type;
  if (type !== 'object') {
    const problem: FieldError = { pointer: `${pointer}/type`, message: `a form is "type": "object", whose properties are the fields entered; found ${JSON.stringify(type) ?? 'no type'}` };
    if (language >= 2) return [problem];
    // Language 1 compiled any schema: such a definition keeps loading, with a warning.
    return [{ ...problem, severity: 'warning' }, ...compiledFormProblems(schema, pointer)];
  }
  return compiledFormProblems(schema, pointer);
}

function compiledFormProblems(schema: unknown, pointer: string): FieldError[] {
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
  } finally {
    // Drafts come and go through the API: compiled only to be checked, never kept.
    formAjv.removeSchema(schema as object);
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The pointer of the first key or text holding half of a UTF-16 surrogate pair (JSON lets "\ud800" be
 * written): it is no character, UTF-8 cannot carry it, and the hash a definition is pinned with reads it
 * as U+FFFD, as it would any other. Iterative, like the bounds check before it.
 */
function loneSurrogate(value: unknown): string | undefined {
  const pending: Array<{ value: unknown; pointer: string }> = [{ value, pointer: '' }];
  while (pending.length) {
    const { value: node, pointer } = pending.pop()!;
    if (typeof node === 'string') {
      if (LONE_SURROGATE.test(node)) return pointer || '/';
    } else if (Array.isArray(node)) {
      node.forEach((item, i) => pending.push({ value: item, pointer: `${pointer}/${i}` }));
    } else if (node !== null && typeof node === 'object') {
      for (const [key, item] of Object.entries(node)) {
        const at = `${pointer}/${pointerSegment(key)}`;
        if (LONE_SURROGATE.test(key)) return at;
        pending.push({ value: item, pointer: at });
      }
    }
  }
  return undefined;
}

function surrogateProblems(candidate: object): FieldError[] {
  const at = loneSurrogate(candidate);
  if (at === undefined) return [];
  const problem: FieldError = { pointer: at, message: 'holds half of a UTF-16 surrogate pair (an escape like \\ud800 alone), which is no character: write the character itself' };
  return readInLanguage1(candidate) ? [{ ...problem, severity: 'warning' }] : [problem];
}

/**
 * Schema, then semantic checks: the errors that refuse the definition, and the warnings it is published
 * with (rules newer than the language it is read in), each with its JSON pointer.
 */
export function reviewDefinition(candidate: unknown): { errors: FieldError[]; warnings: FieldError[] } {
  if (candidate === null || typeof candidate !== 'object' || Array.isArray(candidate)) {
    return { errors: [{ pointer: '/', message: `a definition is a JSON object, found ${describe(candidate)}` }], warnings: [] };
  }
  const outOfBounds = definitionBoundsProblem(candidate);
  if (outOfBounds) return { errors: [outOfBounds], warnings: [] };
  const validate = definitionSchemaValidator();
  if (!validate(candidate)) return { errors: fieldErrors(validate.errors), warnings: [] };
  const definition = candidate as ProcedureDefinition;
  const language = definitionLanguage(definition);
  const problems: FieldError[] = [
    ...surrogateProblems(candidate),
    ...formProblems(definition.form, '/form', language),
    ...Object.entries(definition.steps).flatMap(([id, step]) => {
      if (step.type === 'userTask' && step.form) return formProblems(step.form, `/steps/${id}/form`, language);
      return step.type === 'citizenWindow' && step.action.form ? formProblems(step.action.form, `/steps/${id}/action/form`, language) : [];
    }),
    ...checkDefinition(definition, { language, templates: NOTIFY_STEP_TEMPLATES }),
    ...messageProblems(definition),
    ...documentProblems(definition, language),
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

/**
 * Whether a definition is read in language 1, as publishing it would decide (its own field, else its
 * content's hash): checks added with language 2 only warn about such a definition.
 */
function readInLanguage1(definition: object): boolean {
  return languageVersionOf(definition as ProcedureDefinition, hashDefinition(definition as ProcedureDefinition)) === 1;
}

/**
 * Keys a definition's text gives twice (JSON.parse keeps the last): refused from language 2 on, a
 * warning for a language-1 definition, which was published with the value the last key gave.
 */
export function duplicateKeyProblems(definition: unknown, duplicates: SourceProblem[]): FieldError[] {
  if (!duplicates.length) return [];
  const warn = definition !== null && typeof definition === 'object' && !Array.isArray(definition) && readInLanguage1(definition);
  return duplicates.map((d) => (warn ? { ...d, severity: 'warning' as const } : d));
}

/** Shipped files are named after what they hold, so a reader finds a version by its file name. */
function fileNameProblem(file: string, candidate: Record<string, unknown>): FieldError | undefined {
  const { id, version } = candidate;
  if (typeof id !== 'string' || !Number.isInteger(version)) return undefined;
  const expected = `${id}.v${String(version)}.json`;
  return path.basename(file) === expected ? undefined : { pointer: '/id', message: `id and version say the file should be named ${expected}` };
}

function checkDefinitionFile(file: string): { candidate?: unknown; problems: FieldError[] } {
  const source = readJsonFile(file);
  if (source.unreadable) return { problems: [source.unreadable] };
  const candidate = source.value;
  if (candidate === null || typeof candidate !== 'object' || Array.isArray(candidate)) {
    return { problems: [{ pointer: '', message: `a definition is a JSON object, found ${describe(candidate)}` }] };
  }
  const misnamed = fileNameProblem(file, candidate as Record<string, unknown>);
  const review = reviewDefinition(candidate);
  return { candidate, problems: [...duplicateKeyProblems(candidate, source.duplicates), ...review.errors, ...review.warnings, ...(misnamed ? [misnamed] : [])] };
}

/**
 * Reads and validates one definition file, as `mohla validate`, `mohla simulate` and start-up do; every
 * problem names the file. A definition comes back when nothing refuses it, with its warnings.
 */
export function readDefinitionFile(file: string): { definition?: ProcedureDefinition; errors: DefinitionFileError[]; warnings: DefinitionFileError[] } {
  let checked: { candidate?: unknown; problems: FieldError[] };
  try {
    checked = checkDefinitionFile(file);
  } catch (err) {
    // A fault of the checker, not of the file: still one line for this file, and the other files are checked.
    checked = { problems: [{ pointer: '', message: `could not be checked: ${(err as Error).message.split('\n')[0]}` }] };
  }
  const problems = checked.problems.map((p) => ({ file, ...p }));
  const errors = refusals(problems);
  const warnings = problems.filter((p) => p.severity === 'warning');
  return errors.length ? { errors, warnings } : { definition: checked.candidate as ProcedureDefinition, errors, warnings };
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
    const result = readDefinitionFile(path.join(dir, name));
    errors.push(...result.errors.map((e) => ({ ...e, file: name })));
    warnings.push(...result.warnings.map((w) => ({ ...w, file: name })));
    if (result.definition) catalogue.add(result.definition);
  }
  return { catalogue, errors, warnings };
}
