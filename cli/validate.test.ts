import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../infra/config.js';
import { MAX_JSON_DEPTH } from '../engine/input-bounds.js';
import { lines, mohla, scratchFolder } from '../test/helpers/cli.js';
import { testProcedure } from '../test/helpers/definitions.js';

const { dir, write } = scratchFolder('mohla-validate-input-');
const pretty = (value: unknown) => JSON.stringify(value, null, 2);

/** The 1-based line of the n-th (0-based) occurrence of `needle` in `text`. */
function lineOf(text: string, needle: string, occurrence = 0): number {
  let at = -1;
  for (let i = 0; i <= occurrence; i++) at = text.indexOf(needle, at + 1);
  return text.slice(0, at).split('\n').length;
}

describe('mohla validate reads the text of a definition', () => {
  it('refuses a key given twice, naming both lines', async () => {
    const text = pretty(testProcedure('twice')).replace('"steps": {', '"steps": {\n    "granted": { "type": "end", "outcome": "approved" },');
    const file = write('twice.v1.json', text);
    const run = await mohla(['validate', file]);
    expect(run.code).toBe(1);
    expect(lines(run.stdout)).toEqual([
      `${file} /steps/granted: duplicate key "granted" (first at line ${lineOf(text, '"granted": {')}, again at line ${lineOf(text, '"granted": {', 1)})`,
      '1 of 1 file(s) invalid',
    ]);
  });

  it('only warns about a key given twice in a language-1 definition, and keeps it valid', async () => {
    const shipped = readFileSync(path.join(PROJECT_ROOT, 'procedures/residence-certificate.v1.json'), 'utf8');
    // The first title is overridden by the shipped one: the definition is the shipped language-1 one.
    const text = shipped.replace('{', '{\n  "title": "draft title",');
    const file = scratchFolder('mohla-validate-language-1-').write('residence-certificate.v1.json', text);
    const run = await mohla(['validate', file]);
    expect(run.code, run.stdout).toBe(0);
    expect(lines(run.stdout)).toEqual([
      `${file}: valid (residence-certificate v1)`,
      `${file} /title: warning: duplicate key "title" (first at line 2, again at line ${lineOf(text, '"title": {')})`,
      '1 file(s) valid',
    ]);
  });

  it('names a byte-order mark, and a syntax error by its line and column', async () => {
    const bom = write('bom.v1.json', `\uFEFF${pretty(testProcedure('bom'))}`);
    const comma = write('comma.v1.json', '{\n  "id": "comma",\n  "version": 1,\n}\n');
    const cut = write('cut.v1.json', '{\n  "id": "cut",\n  "version": ');
    const run = await mohla(['validate', bom, comma, cut]);
    expect(run.code).toBe(1);
    expect(lines(run.stdout)).toEqual([
      `${bom}: starts with a byte-order mark (U+FEFF): save it as UTF-8 without BOM`,
      `${comma}: not valid JSON at line 4, column 1: unexpected "}"`,
      `${cut}: not valid JSON at line 3, column 14: the text ends before the JSON does`,
      '3 of 3 file(s) invalid',
    ]);
  });

  it('refuses a form nested 10,000 levels deep in one line, and still reports the other files, in --json too', async () => {
    let form = '{ "type": "string" }';
    for (let i = 0; i < 10_000; i++) form = `{ "type": "object", "properties": { "a": ${form} } }`;
    const deep = write('deep.v1.json', pretty(testProcedure('deep', { form: { type: 'object', properties: { a: 'DEEP' } } })).replace('"DEEP"', form));
    const valid = write('valid.v1.json', pretty(testProcedure('valid')));
    // Object, form, then /properties/a pairs: the 65th level is the first too deep.
    const pointer = `/form${'/properties/a'.repeat(31)}/properties`;
    const run = await mohla(['validate', deep, valid]);
    expect(run.code).toBe(1);
    expect(lines(run.stdout)).toEqual([`${deep} ${pointer}: is nested more than ${MAX_JSON_DEPTH} levels deep`, `${valid}: valid (valid v1)`, '1 of 2 file(s) invalid']);
    expect(run.stderr).toBe('');

    const json = await mohla(['validate', '--json', deep, valid]);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual({
      valid: false,
      files: [
        { file: deep, valid: false, errors: [{ pointer, message: `is nested more than ${MAX_JSON_DEPTH} levels deep` }] },
        { file: valid, valid: true, id: 'valid', version: 1, errors: [] },
      ],
    });
  });

  it('refuses a file not named <id>.v<version>.json, as start-up does', async () => {
    const draft = write('draft.json', pretty(testProcedure('named')));
    const older = write('named.v2.json', pretty(testProcedure('named')));
    const run = await mohla(['validate', draft, older]);
    expect(run.code).toBe(1);
    expect(lines(run.stdout)).toEqual([
      `${draft} /id: id and version say the file should be named named.v1.json`,
      `${older} /id: id and version say the file should be named named.v1.json`,
      '2 of 2 file(s) invalid',
    ]);
  });

  it('says what is wrong with a budget in one line', async () => {
    const budgets: Array<[string, unknown, string]> = [
      ['zero', { workingDays: 0 }, '/deadline/budget/workingDays: must be >= 1'],
      ['units', { units: 3 }, '/deadline/budget: needs one of workingDays, calendarDays, months or duration (found units)'],
      ['months', { duration: 'P1X' }, '/deadline/budget/duration: must match pattern "^P(?!$)(\\d+D)?(T(?=\\d)(\\d+H)?(\\d+M)?(\\d+S)?)?$"'],
      ['both', { workingDays: 3, calendarDays: 3 }, '/deadline/budget: has workingDays and calendarDays: give only one of them'],
      ['roll', { workingDays: 3, rollForward: false }, '/deadline/budget/rollForward: is not an allowed property'],
    ];
    const files = budgets.map(([id, budget]) => write(`${id}.v1.json`, pretty(testProcedure(id, { deadline: { budget } }))));
    const run = await mohla(['validate', ...files]);
    expect(run.code).toBe(1);
    expect(lines(run.stdout)).toEqual([...budgets.map(([, , line], i) => `${files[i]} ${line}`), `${budgets.length} of ${budgets.length} file(s) invalid`]);
  });

  it('names a file it cannot read in one line', async () => {
    const missing = path.join(dir, 'missing.v1.json');
    const run = await mohla(['validate', missing, dir]);
    expect(run.code).toBe(1);
    expect(lines(run.stdout)).toEqual([`${missing}: cannot be read: no such file`, `${dir}: cannot be read: it is a directory`, '2 of 2 file(s) invalid']);
  });

  it("passes on every file of the procedures folder, the office directory checked as what it is", async () => {
    const folder = path.join(PROJECT_ROOT, 'procedures');
    const files = readdirSync(folder).filter((f) => f.endsWith('.json')).map((f) => path.join(folder, f));
    const run = await mohla(['validate', ...files]);
    expect(run.code, run.stdout).toBe(0);
    const offices = (JSON.parse(readFileSync(path.join(folder, 'offices.json'), 'utf8')) as { offices: unknown[] }).offices.length;
    expect(lines(run.stdout)).toContain(`${path.join(folder, 'offices.json')}: valid (office directory, ${offices} offices)`);
    expect(lines(run.stdout).at(-1)).toBe(`${files.length} file(s) valid`);
    const broken = write('offices.json', pretty({ offices: [{ id: 'annex-x', name: { ar: 'م', fr: 'A', en: 'A' } }] }));
    expect(lines((await mohla(['validate', broken])).stdout)).toEqual([`${broken} /offices/0: must have required property 'kind'`, '1 of 1 file(s) invalid']);
  });
});
