/**
 * The playground's editor and diagram in a real browser (Debian's Chromium through Playwright) on the
 * real API: CodeMirror offers the schema's property names, draws the checker's error on its line, the
 * large building permit's commission is drawn as three branches side by side with labelled arrows, a
 * click on a step puts the cursor on its JSON, a step is renamed without writing JSON, a hover shows the
 * schema's description, and none of it breaks the content security policy.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProcedureDefinition } from '../engine/definition.generated.js';
import { loadConfig } from '../infra/config.js';
import { personContext, POLL, replaceEditorText, screenshot, seriousViolations, signInAs, textOf, watchSecurityPolicy, type PolicyViolation } from './helpers/browser.js';
import { type TestStack } from './helpers/stack.js';
import { openWebStack } from './helpers/web-stack.js';

let stack: TestStack;
let browser: Browser;
let baseURL: string;

const LARGE = path.join(loadConfig().proceduresDir, 'building-permit-large.v2.json');

beforeAll(async () => {
  ({ stack, browser, baseURL } = await openWebStack({ worker: false }));
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

/** The box of a step in the diagram, as the browser lays the SVG out. */
async function stepBox(page: Page, id: string) {
  const box = await page.locator(`svg g.node[data-step="${id}"] rect`).boundingBox();
  if (!box) throw new Error(`step ${id} is not drawn`);
  return box;
}

describe("the playground's editor and diagram", () => {
  it('draws the parallel commission, jumps to a step’s JSON, renames a step without JSON, shows the checker’s error on its line and completes from the schema', async () => {
    const definition = JSON.parse(readFileSync(LARGE, 'utf8')) as ProcedureDefinition;
    const commission = definition.steps.commission!;
    if (commission.type !== 'parallel') throw new Error('the large building permit has no parallel commission');
    const context = await personContext(browser, baseURL);
    const violations: PolicyViolation[] = [];
    await watchSecurityPolicy(context, violations);
    const page = await context.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (err) => consoleErrors.push(err.message));
    await signInAs(page, /Concepteur/);
    await page.selectOption('#start-from', 'building-permit-large');
    const editor = page.locator('#definition .cm-content');
    await expect.poll(textOf(editor), POLL).toContain('"building-permit-large"');
    // The editor is a labelled, multi-line text box for assistive technology.
    expect(await editor.getAttribute('role')).toBe('textbox');
    expect(await editor.getAttribute('aria-label')).toBe('Définition (JSON)');

    // The diagram: the three branches of the commission in one layer, side by side, each arrow from the
    // parallel step labelled with its branch, and the outcomes on the arrows out of a task.
    await page.getByRole('img', { name: /Permis de construire/ }).waitFor({ state: 'visible' });
    const branches = Object.entries(commission.branches);
    const boxes = await Promise.all(branches.map(([, b]) => stepBox(page, b.start)));
    for (const box of boxes) expect(Math.abs(box.y - boxes[0]!.y)).toBeLessThan(1);
    const xs = boxes.map((b) => b.x).sort((a, b) => a - b);
    for (let i = 1; i < xs.length; i++) expect(xs[i]! - xs[i - 1]!).toBeGreaterThanOrEqual(boxes[0]!.width);
    const parallelBox = await stepBox(page, 'commission');
    const joinBox = await stepBox(page, 'commissionJoin');
    expect(parallelBox.y).toBeLessThan(boxes[0]!.y);
    expect(joinBox.y).toBeGreaterThan(boxes[0]!.y);
    for (const [name, branch] of branches) {
      expect(await textOf(page.locator(`svg g.edge[data-from="commission"][data-to="${branch.start}"] .edge-label`))()).toBe(name);
    }
    expect(await textOf(page.locator('svg g.edge[data-from="checkCompleteness"][data-to="commission"] .edge-label'))()).toBe('complete');
    expect(await textOf(page.locator('svg g.node[data-step="checkCompleteness"] .clock'))()).toContain('Délai de service');
    await page.waitForLoadState('networkidle');
    await screenshot(page, 'designer-editor-1-diagram');

    // A click on the join puts the cursor on its JSON, which the editor scrolls to.
    await page.locator('svg g.node[data-step="commissionJoin"]').click();
    await expect.poll(textOf(page.locator('#definition .cm-activeLine')), POLL).toContain('"commissionJoin"');
    // The same from the text list, by keyboard.
    await page.getByRole('button', { name: 'Aller au JSON de l’étape commission', exact: true }).press('Enter');
    await expect.poll(textOf(page.locator('#definition .cm-activeLine')), POLL).toMatch(/^"commission":/);

    // A structured edit: the commission renamed without writing JSON. The text is rewritten, the diagram
    // redrawn from it, and the checker finds the renamed definition valid (the join and the expressions
    // that name the commission follow it).
    await page.selectOption('#edit-kind', 'renameStep');
    await page.selectOption('#edit-step', 'commission');
    await page.fill('#edit-name', 'technicalCommission');
    await page.getByRole('button', { name: 'Appliquer' }).click();
    await page.locator('svg g.node[data-step="technicalCommission"]').waitFor({ state: 'visible' });
    expect(await page.locator('svg g.node[data-step="commission"]').count()).toBe(0);
    await page.getByText('La définition est valide.').waitFor({ state: 'visible' });
    await page.locator('svg g.node[data-step="commissionJoin"]').click();
    await expect.poll(textOf(page.locator('#definition .cm-activeLine')), POLL).toBe('"commissionJoin": {');
    expect(await page.locator('#definition .cm-line', { hasText: '"parallel": "technicalCommission"' }).count()).toBe(1);
    await screenshot(page, 'designer-editor-2-structured-edit');

    // The checker's error, as the designer types, on the line of the field it names.
    await replaceEditorText(page, JSON.stringify({ ...definition, version: 0 }, null, 2));
    // The editor draws only the lines in view: back to the top, where the version is.
    await page.keyboard.press('Control+Home');
    const error = page.locator('#definition .cm-lintRange-error');
    await expect.poll(textOf(error), POLL).toBe('0');
    expect(await textOf(page.locator('#definition .cm-line').filter({ has: page.locator('.cm-lintRange-error') }))()).toBe('"version": 0,');
    await expect.poll(textOf(page.getByRole('table', { name: "La définition n'est pas valide" })), POLL).toContain('/version');
    await screenshot(page, 'designer-editor-3-inline-error');

    // Completion from the schema: a new key at the top of the definition offers the properties it may still have.
    await page.locator('#definition .cm-line').first().click();
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('"langu');
    const offered = page.locator('#definition .cm-tooltip-autocomplete');
    await expect.poll(textOf(offered), POLL).toContain('languageVersion');
    await screenshot(page, 'designer-editor-4-completion');
    await page.keyboard.press('Enter');
    await expect.poll(textOf(page.locator('#definition .cm-activeLine')), POLL).toMatch(/^"languageVersion"/);

    // Resting the pointer on a key shows the schema's description of it.
    await page.locator('#definition .cm-line', { hasText: '"version": 0' }).hover({ position: { x: 40, y: 6 } });
    await expect.poll(textOf(page.locator('#definition .cm-tooltip-hover')), POLL).toContain('Version number, starting at 1.');

    expect(await seriousViolations(page)).toEqual([]);
    expect(violations).toEqual([]);
    expect(consoleErrors.filter((e) => !/status of 422/.test(e))).toEqual([]);
    await context.close();
  }, 120_000);
});
