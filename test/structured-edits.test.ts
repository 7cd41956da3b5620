/**
 * The playground's structured edits on a shipped definition: each edit gives a definition the checker
 * accepts, and the diff shows the intended lines and nothing else (the file keeps its layout).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../infra/config.js';
import { reviewDefinition } from '../registry/catalogue.js';
import { addStep, connectOutcome, removeStep, renameStep, setDeadline, setFieldLabel } from '../web/src/editor/structured-edits.js';

const original = readFileSync(path.join(loadConfig().proceduresDir, 'building-permit-large.v2.json'), 'utf8');

/** The lines that differ, for two texts of as many lines (an edit that changes values only). */
function changedLines(before: string, after: string): Array<{ line: number; before: string; after: string }> {
  const a = before.split('\n');
  const b = after.split('\n');
  expect(b.length).toBe(a.length);
  return a.flatMap((line, i) => (line === b[i] ? [] : [{ line: i + 1, before: line, after: b[i]! }]));
}

/** The lines added and removed, for an edit that adds or removes a block (the texts' common start and end aside). */
function changedBlock(before: string, after: string): { removed: string[]; added: string[] } {
  const a = before.split('\n');
  const b = after.split('\n');
  let head = 0;
  while (head < a.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  return { removed: a.slice(head, a.length - tail), added: b.slice(head, b.length - tail) };
}

function expectValid(text: string) {
  expect(reviewDefinition(JSON.parse(text)).errors).toEqual([]);
}

describe('structured edits of a definition', () => {
  it('connects a new step to an outcome: only the new step and the rewired line change', () => {
    const added = addStep(original, 'refusedByCommission', { type: 'end', outcome: 'closed' } as never);
    // The last step gains its comma; the new step follows it in the file's indentation.
    expect(original.endsWith('\n    }\n  }\n}\n')).toBe(true);
    expect(added).toBe(`${original.slice(0, -'\n  }\n}\n'.length)},\n    "refusedByCommission": {\n      "type": "end",\n      "outcome": "closed"\n    }\n  }\n}\n`);
    // A new outcome of the president's signature leads to it: the outcome before gains its comma.
    const wired = connectOutcome(added, 'presidentSignature', 'annul', 'refusedByCommission');
    const block = changedBlock(added, wired);
    expect(block.removed).toHaveLength(1);
    expect(block.added).toEqual([`${block.removed[0]},`, expect.stringMatching(/^ +"annul": \{$/), expect.stringMatching(/^ +"next": "refusedByCommission"$/), expect.stringMatching(/^ +\}$/)]);
    expectValid(wired);
    // An existing outcome is rewired on its own line.
    const rewired = connectOutcome(wired, 'presidentSignature', 'annul', 'refused');
    expect(changedLines(wired, rewired).map((d) => d.after.trim())).toEqual(['"next": "refused"']);
  });

  it('renames a step with every place that names it, and nothing else', () => {
    const renamed = renameStep(original, 'commission', 'technicalCommission');
    expectValid(renamed);
    const diff = changedLines(original, renamed);
    // Its key, the outcome that leads to it, the join that names it, and the expressions that read its branches.
    expect(diff.map((d) => d.after.trim())).toEqual([
      expect.stringMatching(/^"complete": \{ "next": "technicalCommission", "label"/),
      '"technicalCommission": {',
      '"commissionJoin": { "type": "join", "parallel": "technicalCommission" },',
      ...diff.slice(3).map(() => expect.stringContaining('"branches.technicalCommission')),
    ]);
    expect(diff.length).toBeGreaterThan(3);
    for (const d of diff) expect(d.after.replace(/technicalCommission/g, 'commission')).toBe(d.before);
    expect(() => renameStep(original, 'commission', 'commissionJoin')).toThrow('a step "commissionJoin" already exists');
  });

  it('removes a step; what led to it is left for the checker to name', () => {
    const removed = removeStep(original, 'notifyGranted');
    const { added } = changedBlock(original, removed);
    expect(added.join('\n')).not.toContain('notifyGranted');
    const errors = reviewDefinition(JSON.parse(removed)).errors.map((e) => e.pointer);
    expect(errors).toContain('/steps/issuePermit/next');
  });

  it('edits a service level and the legal deadline in place', () => {
    const sla = setDeadline(original, 'checkCompleteness', { workingDays: 3 });
    expectValid(sla);
    expect(changedLines(original, sla)).toEqual([{ line: expect.any(Number), before: '        "budget": { "workingDays": 2 },', after: '        "budget": { "workingDays": 3 },' }]);
    const legal = setDeadline(original, undefined, { calendarDays: 45 });
    expectValid(legal);
    const diff = changedBlock(original, legal);
    expect(diff.added.join('\n')).toContain('"calendarDays": 45');
    expect(diff.removed.join('\n')).not.toContain('"steps"');
  });

  it('edits a form field’s label in Arabic, French and English, one line each time', () => {
    let text = original;
    const labels = { ar: 'اسم صاحب المشروع', fr: 'Nom du maître d’ouvrage', en: 'Project owner’s name' } as const;
    for (const [language, label] of Object.entries(labels) as Array<['ar' | 'fr' | 'en', string]>) text = setFieldLabel(text, 'ownerName', language, label);
    expectValid(text);
    const diff = changedLines(original, text);
    expect(diff).toEqual([
      {
        line: expect.any(Number),
        before: '        "label": { "ar": "اسم المالك أو التسمية الاجتماعية", "fr": "Nom ou raison sociale du propriétaire", "en": "Owner\'s name or company name" }',
        after: `        "label": { "ar": "${labels.ar}", "fr": "${labels.fr}", "en": "${labels.en}" }`,
      },
    ]);
    expect(JSON.parse(text).form.properties.ownerName.label).toEqual(labels);
    expect(() => setFieldLabel(original, 'nothing', 'fr', 'x')).toThrow('the form has no field "nothing"');
  });
});
