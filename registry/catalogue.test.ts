import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../infra/config.js';
import { generateDefinitionTypes, GENERATED_TYPES } from '../scripts/generate-types.js';
import { loadProcedureFolder, validateDefinition } from './catalogue.js';

const shippedDir = loadConfig().proceduresDir;
const residence = JSON.parse(readFileSync(path.join(shippedDir, 'residence-certificate.v1.json'), 'utf8'));

describe('the procedure catalogue', () => {
  it('loads every shipped procedure without errors, each pinned with its content hash', () => {
    const { catalogue, errors } = loadProcedureFolder(shippedDir);
    expect(errors).toEqual([]);
    const pinned = catalogue.get('residence-certificate');
    expect(pinned?.version).toBe(1);
    expect(pinned?.hash).toMatch(/^[0-9a-f]{64}$/);
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
      { file: 'broken.v1.json', pointer: '/steps/issued', message: 'step "issued" cannot be reached from the start' },
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
        { pointer: '/steps/issued/outcome', message: 'must be one of approved, rejected, withdrawn, closed' },
      ]),
    );
  });

  it('keeps the TypeScript types generated from the JSON Schema up to date', async () => {
    expect(readFileSync(GENERATED_TYPES, 'utf8'), 'run `npm run generate`').toBe(await generateDefinitionTypes());
  });
});
