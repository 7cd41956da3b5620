import type { MikroORM } from '@mikro-orm/postgresql';
import type { ValidateFunction } from 'ajv';
import type { PinnedProcedure } from '../engine/interpreter/state.js';
import type { ProcedureDefinition } from '../engine/definition.generated.js';
import { DomainError } from '../engine/errors.js';
import type { ProcedureVersionRecord } from '../db/entities.js';
import { findProcedureVersion, latestProcedureVersion, latestProcedureVersions, procedureVersionsOf, withProcedureLock } from '../db/procedure-versions.js';
import { hashDefinition, loadProcedureFolder, refusals, validateDefinition, type DefinitionFileError } from './catalogue.js';
import { createAjv, fieldErrors, type FieldError } from './definition-schema.js';
import { languageVersionOf } from './language-versions.js';
import type { LanguageVersion } from '../engine/language.js';

export type PublicationSource = 'shipped' | 'api';

export interface Publication {
  /** `unchanged` when this very content was already published: publishing is idempotent. */
  status: 'published' | 'unchanged';
  procedure: PinnedProcedure;
}

function pin(row: ProcedureVersionRecord): PinnedProcedure {
  return {
    id: row.procedureId,
    version: row.version,
    hash: row.hash,
    definition: row.definition as unknown as ProcedureDefinition,
    languageVersion: row.languageVersion as LanguageVersion,
  };
}

/**
 * Published procedure versions, in PostgreSQL. A version is immutable once published, so a pinned
 * version read once can be kept in memory for good; "latest" is always asked of the database, so
 * every API process sees a publication at once.
 */
export class ProcedureRegistry {
  private readonly pinned = new Map<string, PinnedProcedure>();
  private readonly formValidators = new Map<string, ValidateFunction>();
  private readonly ajv = createAjv();

  constructor(private readonly orm: MikroORM) {}

  private remember(procedure: PinnedProcedure): PinnedProcedure {
    this.pinned.set(`${procedure.id}@${procedure.version}`, procedure);
    return procedure;
  }

  async get(id: string, version?: number): Promise<PinnedProcedure | undefined> {
    if (version === undefined) {
      // Every filing asks for the latest: only its number is read, the definition once per version.
      version = await latestProcedureVersion(this.orm, id);
      if (version === undefined) return undefined;
    }
    const known = this.pinned.get(`${id}@${version}`);
    if (known) return known;
    const row = await findProcedureVersion(this.orm, id, version);
    return row ? this.remember(pin(row)) : undefined;
  }

  /** The latest version of every procedure. */
  async list(): Promise<PinnedProcedure[]> {
    const rows = await latestProcedureVersions(this.orm);
    const latest = await Promise.all(rows.map((r) => this.get(r.procedureId, r.version)));
    return latest.filter((p): p is PinnedProcedure => p !== undefined);
  }

  async versions(id: string): Promise<Array<{ version: number; hash: string; publishedAt: string; source: string }>> {
    const rows = await procedureVersionsOf(this.orm, id);
    return rows.map((r) => ({ version: r.version, hash: r.hash, publishedAt: r.publishedAt.toISOString(), source: r.source }));
  }

  /**
   * Publishes a definition: refused with its errors when invalid (422) — `sourceProblems` are those of
   * its text (registry/json-source.ts) — and when the version exists
   * with other content or is not newer than the latest (409). Republishing identical content is a no-op.
   */
  async publish(candidate: unknown, publishedBy: string, source: PublicationSource, sourceProblems: FieldError[] = []): Promise<Publication> {
    const errors = refusals([...sourceProblems, ...validateDefinition(candidate)]).map(({ pointer, message }) => ({ pointer, message }));
    if (errors.length) {
      throw new DomainError('invalid_definition', errors.map((e) => `${e.pointer} ${e.message}`).join('; '), errors);
    }
    const definition = candidate as ProcedureDefinition;
    const hash = hashDefinition(definition);
    // One publisher at a time per procedure, so two versions cannot race each other in.
    return withProcedureLock(this.orm, definition.id, async (versions) => {
      const existing = await versions.find(definition.version);
      if (existing) {
        if (existing.hash === hash) return { status: 'unchanged' as const, procedure: this.remember(pin(existing)) };
        throw new DomainError(
          'version_conflict',
          `${definition.id} v${definition.version} is already published with other content and cannot change; publish it as a new version.`,
          [{ pointer: '/version', message: 'is already published with other content' }],
        );
      }
      const latest = await versions.latest();
      if (latest && latest.version > definition.version) {
        throw new DomainError(
          'version_conflict',
          `${definition.id} is published up to v${latest.version}; a new version must be greater.`,
          [{ pointer: '/version', message: `must be greater than ${latest.version}` }],
        );
      }
      const row = await versions.insert({
        procedureId: definition.id,
        version: definition.version,
        hash,
        definition: definition as unknown as Record<string, unknown>,
        languageVersion: languageVersionOf(definition, hash),
        source,
        publishedBy,
        publishedAt: new Date(),
      });
      return { status: 'published' as const, procedure: this.remember(pin(row)) };
    });
  }

  /** Validates a citizen's form against the procedure's form schema; pointers are relative to `prefix`. */
  validateForm(procedure: PinnedProcedure, data: unknown, prefix = '/data'): FieldError[] {
    return this.validateSchema(procedure.definition.form, data, prefix, `${procedure.id}@${procedure.version}`);
  }

  /** Validates data against a form schema of a published version; `cacheKey` names that schema for good. */
  validateSchema(schema: object, data: unknown, prefix: string, cacheKey: string): FieldError[] {
    let validate = this.formValidators.get(cacheKey);
    if (!validate) {
      validate = this.ajv.compile(schema);
      this.formValidators.set(cacheKey, validate);
    }
    return validate(data) ? [] : fieldErrors(validate.errors, prefix);
  }
}

/**
 * Publishes the shipped definitions at start-up. An invalid file, or one that contradicts what is
 * already published under its version, is refused with its reason; the others still load.
 */
export async function publishShippedProcedures(registry: ProcedureRegistry, dir: string): Promise<{ refused: DefinitionFileError[]; warnings: DefinitionFileError[] }> {
  const { catalogue, errors, warnings } = loadProcedureFolder(dir);
  for (const procedure of catalogue.all()) {
    try {
      await registry.publish(procedure.definition, 'mohla', 'shipped');
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      errors.push({ file: `${procedure.id}.v${procedure.version}.json`, pointer: '/version', message: err.message });
    }
  }
  return { refused: errors, warnings };
}
