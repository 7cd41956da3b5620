import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../infra/config.js';
import { generateDefinitionTypes, GENERATED_TYPES } from '../scripts/generate-types.js';
import { eachSubschema } from '../engine/form-schema.js';
import { CONTACT_FIELDS } from '../notifications/recipients.js';
import { CURRENT_LANGUAGE_VERSION } from '../engine/language.js';
import { DEFINITION_FILE, loadProcedureFolder, ProcedureCatalogue, validateDefinition } from './catalogue.js';

const shippedDir = loadConfig().proceduresDir;
const residence = JSON.parse(readFileSync(path.join(shippedDir, 'residence-certificate.v1.json'), 'utf8'));

describe('the procedure catalogue', () => {
  it('loads every shipped procedure without errors, each version pinned with its content hash', () => {
    const { catalogue, errors } = loadProcedureFolder(shippedDir);
    expect(errors).toEqual([]);
    const files = readdirSync(shippedDir).filter((f) => DEFINITION_FILE.test(f));
    expect(catalogue.all().map((p) => `${p.id}.v${p.version}.json`).sort()).toEqual(files.sort());
    for (const pinned of catalogue.all()) expect(pinned.hash).toMatch(/^[0-9a-f]{64}$/);
    // Every version stays loadable; a procedure without a version asked for is its latest.
    const shippedVersions = files.filter((f) => f.startsWith('residence-certificate.v')).map((f) => Number(/\.v(\d+)\.json$/.exec(f)![1]));
    expect(catalogue.get('residence-certificate', 1)?.version).toBe(1);
    expect(catalogue.get('residence-certificate')?.version).toBe(Math.max(...shippedVersions));
  });

  it('reads the files shipped before language versions as language 1, and a new definition as the current language', () => {
    const { catalogue } = loadProcedureFolder(shippedDir);
    // Files shipped since declare the language they are written in (access-to-information v3: 2).
    const undeclared = catalogue.all().filter((p) => p.definition.languageVersion === undefined);
    expect(new Set(undeclared.map((p) => p.languageVersion))).toEqual(new Set([1]));
    expect(catalogue.get('access-to-information', 3)?.languageVersion).toBe(2);
    const renamed = new ProcedureCatalogue().add({ ...residence, id: 'residence-certificate-copy' });
    expect(renamed.languageVersion).toBe(CURRENT_LANGUAGE_VERSION);
    const declared = new ProcedureCatalogue().add({ ...residence, languageVersion: 1, id: 'residence-certificate-copy' });
    expect(declared.languageVersion).toBe(1);
  });

  it('labels every field of the latest shipped forms in three languages, and every value of their enums', () => {
    const { catalogue } = loadProcedureFolder(shippedDir);
    const unlabelled: string[] = [];
    for (const { id, version, definition } of catalogue.list()) {
      const forms: Array<[string, unknown]> = [
        ['/form', definition.form],
        ...Object.entries(definition.steps).flatMap(([stepId, step]): Array<[string, unknown]> => (step.type === 'userTask' && step.form ? [[`/steps/${stepId}/form`, step.form]] : [])),
      ];
      for (const [pointer, form] of forms) {
        eachSubschema(form, pointer, (schema, at) => {
          // A condition's properties name fields declared elsewhere: they are not fields of their own.
          if (/\/(if|not)(\/|$)/.test(at)) return;
          const fields = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
          for (const [name, field] of Object.entries(fields)) {
            if (!field.label) unlabelled.push(`${id} v${version} ${at}/properties/${name}: no label`);
          }
          if (Array.isArray(schema.enum)) {
            const labels = (schema.enumLabels ?? {}) as Record<string, unknown>;
            for (const value of schema.enum) if (!labels[String(value)]) unlabelled.push(`${id} v${version} ${at}: no enumLabels for ${JSON.stringify(value)}`);
          }
        });
      }
    }
    expect(unlabelled).toEqual([]);
  });

  it('lets every latest shipped citizen form say which language the citizen is written to in', () => {
    const { catalogue } = loadProcedureFolder(shippedDir);
    // An internal procedure has no citizen to write to.
    for (const { id, definition } of catalogue.list().filter((p) => !p.definition.channels.includes('internal'))) {
      const language = (definition.form.properties as Record<string, { enum?: unknown[] }>)[CONTACT_FIELDS.language];
      expect(language?.enum, id).toEqual(['ar', 'fr', 'en']);
      expect((definition.form.required as string[] | undefined) ?? [], id).not.toContain(CONTACT_FIELDS.language);
    }
  });

  it('refuses at loading a form label missing a language, naming its pointer', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mohla-procedures-'));
    const unlabelled = structuredClone(residence);
    unlabelled.form.properties.fullName.label = { ar: 'الاسم الشخصي والعائلي', fr: 'Nom et prénom' };
    writeFileSync(path.join(dir, 'residence-certificate.v1.json'), JSON.stringify(unlabelled));
    const { catalogue, errors } = loadProcedureFolder(dir);
    expect(catalogue.list()).toEqual([]);
    expect(errors).toEqual([{ file: 'residence-certificate.v1.json', pointer: '/form/properties/fullName/label/en', message: 'is required' }]);
  });

  it('refuses an invalid file with its errors and still loads the others', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mohla-procedures-'));
    writeFileSync(path.join(dir, 'residence-certificate.v1.json'), JSON.stringify(residence));
    const broken = structuredClone(residence);
    broken.id = 'broken';
    broken.steps.review.outcomes.approve.next = 'nowhere';
    writeFileSync(path.join(dir, 'broken.v1.json'), JSON.stringify(broken));
    writeFileSync(path.join(dir, 'garbled.v1.json'), '{ not json');
    const { catalogue, errors } = loadProcedureFolder(dir);
    expect(catalogue.list().map((p) => p.id)).toEqual(['residence-certificate']);
    expect(errors).toEqual([
      { file: 'broken.v1.json', pointer: '/steps/review/outcomes/approve/next', message: 'step "nowhere" does not exist' },
      { file: 'garbled.v1.json', pointer: '', message: expect.stringContaining('not valid JSON') },
    ]);
  });

  it('names the pointer of a schema violation', () => {
    const wrong = structuredClone(residence);
    wrong.steps.issued.outcome = 'granted';
    delete wrong.title.ar;
    expect(validateDefinition(wrong)).toEqual(
      expect.arrayContaining([
        { pointer: '/title/ar', message: 'is required' },
        { pointer: '/steps/issued/outcome', message: 'must be one of approved, rejected, withdrawn, closed, partiallyGranted, forwarded' },
      ]),
    );
  });

  it('keeps the TypeScript types generated from the JSON Schema up to date', async () => {
    expect(readFileSync(GENERATED_TYPES, 'utf8'), 'run `npm run generate`').toBe(await generateDefinitionTypes());
  });
});
