/**
 * The pure parts of the playground's editor, on shipped definitions: where a checker's pointer lands in
 * the text, what the schema offers at the cursor, what a hover says.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../infra/config.js';
import { pathAt, pointerRange, syntaxProblems } from '../web/src/editor/json-pointer.js';
import { applyChoice, completionsAt, descriptionAt, type JsonSchema } from '../web/src/editor/schema-completion.js';

const dir = loadConfig().proceduresDir;
const schema = JSON.parse(readFileSync(path.join(dir, 'schema', 'procedure.schema.json'), 'utf8')) as JsonSchema;
const large = readFileSync(path.join(dir, 'building-permit-large.v2.json'), 'utf8');

const lineOf = (text: string, offset: number) => text.slice(0, offset).split('\n').length;
const lineText = (text: string, line: number) => text.split('\n')[line - 1]!.trim();

describe('a pointer mapped to the text', () => {
  it('lands on a scalar’s value, on the key of an object, and on the nearest key for what is missing', () => {
    const start = pointerRange(large, '/start')!;
    expect(large.slice(start.from, start.to)).toBe('"checkCompleteness"');
    expect(lineText(large, lineOf(large, start.from))).toBe('"start": "checkCompleteness",');
    const step = pointerRange(large, '/steps/commission')!;
    expect(large.slice(step.from, step.to)).toBe('"commission"');
    expect(lineText(large, lineOf(large, step.from))).toBe('"commission": {');
    const branch = pointerRange(large, '/steps/commission/branches/civilProtection/start')!;
    expect(large.slice(branch.from, branch.to)).toBe('"civilProtectionReview"');
    const missing = pointerRange(large, '/steps/commission/branches/nowhere/start')!;
    expect(missing.exact).toBe(false);
    expect(large.slice(missing.from, missing.to)).toBe('"branches"');
    const item = pointerRange(large, '/roles/0')!;
    expect(large.slice(item.from, item.to)).toBe('"desk"');
    expect(pointerRange(large, '/')).toEqual({ from: 0, to: 1, exact: true });
  });

  it('reads escaped pointer segments and keeps the last of two equal keys, as JSON.parse does', () => {
    const text = '{\n  "a/b": 1,\n  "x": 1,\n  "x": 2\n}';
    expect(text.slice(pointerRange(text, '/a~1b')!.from, pointerRange(text, '/a~1b')!.to)).toBe('1');
    expect(lineOf(text, pointerRange(text, '/x')!.from)).toBe(4);
  });

  it('names the place and the reason of a syntax error', () => {
    const text = '{\n  "id": "x"\n  "version": 1\n}';
    const [problem] = syntaxProblems(text);
    expect(problem!.message).toBe('not valid JSON: "," is expected');
    expect(lineOf(text, problem!.from)).toBe(3);
    expect(syntaxProblems(large)).toEqual([]);
  });

  it('gives the path under the cursor', () => {
    const offset = large.indexOf('"civilProtectionReview"') + 3;
    expect(pathAt(large, offset)).toEqual({ path: ['steps', 'commission', 'branches', 'civilProtection', 'start'], atKey: false });
  });
});

describe("the schema's completion", () => {
  const at = (text: string, marker = '|') => ({ text: text.replace(marker, ''), offset: text.indexOf(marker) });

  it('offers the properties an object may still have, with their descriptions', () => {
    const { text, offset } = at('{\n  "id": "x",\n  "lang|"\n}');
    const { from, to, choices } = completionsAt(schema, text, offset);
    const names = choices.map((c) => c.label);
    expect(names).toContain('languageVersion');
    expect(names).toContain('steps');
    expect(names).not.toContain('id');
    expect(choices.find((c) => c.label === 'languageVersion')!.detail).toMatch(/version of the procedure language/);
    // The word typed is inside the quotes; taking a choice replaces the quotes too.
    expect(text.slice(from, to)).toBe('lang');
    const change = applyChoice(text, from, to, '"languageVersion"');
    expect(text.slice(0, change.from) + change.insert + text.slice(change.to)).toBe('{\n  "id": "x",\n  "languageVersion"\n}');
  });

  it('offers only the properties of the step’s own type', () => {
    const { text, offset } = at('{ "steps": { "a": { "type": "wait", "|" } } }');
    const names = completionsAt(schema, text, offset).choices.map((c) => c.label);
    expect(names.sort()).toEqual(['for', 'next', 'until']);
  });

  it('offers the allowed values: a step’s types, an enum, booleans', () => {
    const types = at('{ "steps": { "a": { "type": "|" } } }');
    expect(completionsAt(schema, types.text, types.offset).choices.map((c) => c.label)).toEqual(
      expect.arrayContaining(['userTask', 'parallel', 'join', 'wait', 'end']),
    );
    const version = at('{ "languageVersion": | }');
    expect(completionsAt(schema, version.text, version.offset).choices.map((c) => c.insert)).toEqual(['1', '2']);
    const roll = at('{ "deadline": { "budget": { "calendarDays": 3, "rollForward": | } } }');
    expect(completionsAt(schema, roll.text, roll.offset).choices.map((c) => c.insert)).toEqual(['true', 'false']);
  });

  it('offers the definition’s own steps where a step is named, and its roles where a role is', () => {
    const text = large.replace('"next": "weighOpinions"', '"next": "w"');
    const offset = text.indexOf('"next": "w"') + '"next": "w'.length;
    const { from, to, choices } = completionsAt(schema, text, offset);
    expect(text.slice(from, to)).toBe('w');
    expect(choices.map((c) => c.label)).toEqual(expect.arrayContaining(['weighOpinions', 'commission', 'commissionJoin', 'granted']));
    const declared = (JSON.parse(large) as { roles: string[] }).roles;
    const role = large.indexOf('"role": "') + '"role": "'.length;
    expect(completionsAt(schema, large, role).choices.map((c) => c.label).sort()).toEqual([...declared].sort());
  });

  it('describes what the cursor is on', () => {
    expect(descriptionAt(schema, ['languageVersion'])).toMatch(/version of the procedure language/);
    const value = JSON.parse(large) as unknown;
    expect(descriptionAt(schema, ['steps', 'commission'], value)).toMatch(/Runs branches side by side/);
  });
});
