import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { reviewDefinition } from '../registry/catalogue.js';
import { mohla } from '../test/helpers/cli.js';
import { text } from '../test/helpers/definitions.js';


/** A valid definition whose conditions read the citizen's form, a task's form and outcome, and a service result. */
function base(when: unknown = true, languageVersion?: 1 | 2) {
  return {
    ...(languageVersion ? { languageVersion } : {}),
    id: 'condition-rules',
    version: 1,
    title: text('Sample'),
    description: text('Sample'),
    category: 'economic-activity',
    offices: ['commune'],
    roles: ['agent'],
    legalBasis: { law: 'Law 47.18', note: 'test', confirmed: true },
    form: {
      type: 'object',
      properties: {
        kind: { type: 'string', enum: ['commercial', 'industrial', 'craft'] },
        floors: { type: 'integer', enum: [1, 2, 3] },
        surface: { type: 'number' },
        filedOn: { type: 'string', format: 'date' },
        owner: { type: 'object', properties: { name: { type: 'string' }, city: { type: 'string' } } },
      },
    },
    documents: [],
    fees: [],
    channels: ['web'],
    deadline: { budget: { workingDays: 15 }, startsOn: 'filing', onComplement: 'pause', onExpiry: { action: 'notify', notify: ['agent'] } },
    start: 'visit',
    steps: {
      visit: {
        type: 'userTask',
        role: 'agent',
        title: text('Site visit'),
        form: {
          type: 'object',
          properties: { measuredAreaM2: { type: 'number' }, verdict: { type: 'string', enum: ['fits', 'misfits'] }, sessionDate: { type: 'string', format: 'date' } },
        },
        outcomes: { done: { next: 'fees' }, cancelled: { next: 'refused' } },
      },
      review: { type: 'userTask', role: 'agent', title: text('Review'), outcomes: { done: { next: 'route' } } },
      fees: { type: 'serviceTask', activity: 'computeFees', input: { base: 10 }, resultAs: true, next: 'review' },
      route: { type: 'decision', cases: [{ when, next: 'granted' }], otherwise: 'refused' },
      granted: { type: 'end', outcome: 'approved', document: 'licence' },
      refused: { type: 'end', outcome: 'rejected', motivation: text('refused') },
    },
  };
}

const WHEN = '/steps/route/cases/0/when';

/** What the checker says of a condition: the lines a designer reads, errors first. */
function review(when: unknown, languageVersion?: 1 | 2) {
  const { errors, warnings } = reviewDefinition(base(when, languageVersion));
  return { errors: errors.map((e) => `${e.pointer}: ${e.message}`), warnings: warnings.map((w) => `${w.pointer}: ${w.message}`) };
}

describe('checks on conditions', () => {
  it('accepts conditions that read what exists, with values that can occur', () => {
    const when = {
      and: [
        { '==': [{ var: 'data.kind' }, 'craft'] },
        { in: [{ var: 'data.kind' }, ['commercial', 'industrial']] },
        { '!=': [{ var: 'data.kind' }, null] },
        { '==': [{ var: 'data.floors' }, '2'] },
        { '==': [{ var: 'steps.visit.outcome' }, 'done'] },
        { '>': [{ var: 'steps.visit.data.measuredAreaM2' }, 50] },
        { '==': [{ var: 'steps.visit.data.verdict' }, 'fits'] },
        { '==': [{ var: 'data.owner.city' }, 'Fès'] },
        { '>': [{ var: 'steps.fees.result.amountMad' }, 100] },
        { '>=': [{ workingDaysBetween: [{ var: 'data.filedOn' }, { var: 'steps.visit.data.sessionDate' }] }, 10] },
        { '<': [{ calendarDaysBetween: ['2026-01-01', { today: [] }] }, 365] },
      ],
    };
    expect(review(when)).toEqual({ errors: [], warnings: [] });
  });

  const refused: Array<[string, unknown, string]> = [
    ['a field of a task form that does not exist', { var: 'steps.visit.data.area' }, `${WHEN}/var: "steps.visit.data.area" is not a field of the form of task "visit" (/steps/visit/form/properties: measuredAreaM2, verdict, sessionDate)`],
    ['a field of a task without a form', { var: 'steps.review.data.note' }, `${WHEN}/var: "steps.review.data.note": task "review" has no form (/steps/review/form)`],
    ['the data of a step that is no task', { var: 'steps.fees.data.amount' }, `${WHEN}/var: "steps.fees.data.amount": step "fees" is a serviceTask; only a task's form is entered as data`],
    ['the outcome of a step that is no task', { var: 'steps.fees.outcome' }, `${WHEN}/var: "steps.fees.outcome": step "fees" is a serviceTask, and only a task has an outcome`],
    ['the result of a step that keeps none', { var: 'steps.visit.result' }, `${WHEN}/var: "steps.visit.result": step "visit" keeps no result (a service task with "resultAs": true does)`],
    ['a nested field the form lacks', { var: 'data.owner.street' }, `${WHEN}/var: "data.owner.street" is not a field of data.owner (name, city)`],
    [
      'an enum compared with a value outside it',
      { '==': [{ var: 'data.kind' }, 'comercial'] },
      `${WHEN}/==/1: "comercial" is not a value of data.kind ("commercial", "industrial", "craft"): the comparison can never hold`,
    ],
    [
      'an enum compared the other way round',
      { '!=': ['shop', { var: 'data.kind' }] },
      `${WHEN}/!=/0: "shop" is not a value of data.kind ("commercial", "industrial", "craft"): the comparison can never hold`,
    ],
    ['a strict comparison with the text of a number', { '===': [{ var: 'data.floors' }, '2'] }, `${WHEN}/===/1: "2" is not a value of data.floors (1, 2, 3): the comparison can never hold`],
    [
      'a list of values outside the enum',
      { in: [{ var: 'data.kind' }, ['commercial', 'farming']] },
      `${WHEN}/in/1/1: "farming" is not a value of data.kind ("commercial", "industrial", "craft"): the comparison can never hold`,
    ],
    ['an enum of a task form', { '==': [{ var: 'steps.visit.data.verdict' }, 'fit'] }, `${WHEN}/==/1: "fit" is not a value of steps.visit.data.verdict ("fits", "misfits"): the comparison can never hold`],
    ['an outcome the task does not have', { '==': [{ var: 'steps.visit.outcome' }, 'approved'] }, `${WHEN}/==/1: "approved" is not an outcome of task "visit" ("done", "cancelled"): the comparison can never hold`],
    ['a date that is no date', { '<': [{ calendarDaysBetween: ['2026-02-30', { today: [] }] }, 10] }, `${WHEN}/</0/calendarDaysBetween/0: "2026-02-30" is not a date: write it "YYYY-MM-DD", or as an ISO 8601 instant`],
    ['a number field counted as a date', { '<': [{ workingDaysBetween: [{ var: 'data.surface' }, { today: [] }] }, 10] }, `${WHEN}/</0/workingDaysBetween/0: "data.surface" is a number field and holds no date (a date is a string field with "format": "date")`],
    ['a date operator with the wrong number of arguments', { '<': [{ today: [1] }, '2026-01-01'] }, `${WHEN}/</0/today: "today" takes 0 argument(s), found 1`],
    ['an operator outside the allowed set', { merge: [[1], [2]] }, `${WHEN}/merge: unknown operator "merge"; known: var == != === !== < <= > >= ! !! and or if in + - * / min max cat missing some all none count today calendarDaysBetween workingDaysBetween`],
  ];

  it.each(refused)('refuses %s in language 2, naming the pointer and why', (_label, when, line) => {
    expect(review(when)).toEqual({ errors: [line], warnings: [] });
  });

  it.each(refused.filter(([label]) => !/date operator|outside the allowed|no date|as a date/.test(label)))(
    'only warns of %s in language 1: the rule is newer than the definition',
    (_label, when, line) => {
      expect(review(when, 1)).toEqual({ errors: [], warnings: [line] });
    },
  );

  it('refuses date operators in language 1, whose evaluator has none', () => {
    expect(review({ '<': [{ today: [] }, '2026-01-01'] }, 1)).toEqual({
      errors: [`${WHEN}/</0/today: "today" counts days, which language 1 cannot: a definition using it declares "languageVersion": 2`],
      warnings: [],
    });
  });

  it('still refuses, in every language, a field the citizen form lacks and a step that does not exist', () => {
    expect(review({ var: 'data.height' }, 1).errors).toEqual([`${WHEN}/var: "data.height" is not a field of the form (/form/properties)`]);
    expect(review({ var: 'steps.ghost.data.x' }, 1).errors).toEqual([`${WHEN}/var: "steps.ghost.data.x" names no step`]);
  });

  it('checks the conditions of deadline variants and the inputs of service tasks too', () => {
    const d = base() as ReturnType<typeof base> & { deadline: Record<string, unknown> };
    d.deadline.variants = [{ when: { '==': [{ var: 'data.kind' }, 'shop'] }, budget: { workingDays: 5 } }];
    (d.steps.fees.input as Record<string, unknown>).quantity = { var: 'steps.visit.data.area' };
    expect(reviewDefinition(d).errors.map((e) => e.pointer)).toEqual(['/deadline/variants/0/when/==/1', '/steps/fees/input/quantity/var']);
  });
});


describe('mohla validate with warnings', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mohla-conditions-'));
  // Each in a folder of its own, under the file name its id and version give.
  const write = (folder: string, content: { id: string; version: number }) => {
    mkdirSync(path.join(dir, folder), { recursive: true });
    const file = path.join(dir, folder, `${content.id}.v${content.version}.json`);
    writeFileSync(file, JSON.stringify(content));
    return file;
  };
  const typo = { '==': [{ var: 'data.kind' }, 'comercial'] };
  const line = `${WHEN}/==/1: "comercial" is not a value of data.kind ("commercial", "industrial", "craft"): the comparison can never hold`;

  it('prints a language-1 warning on one line and still exits 0; the same problem fails a language-2 file', async () => {
    const old = write('old', base(typo, 1));
    const current = write('current', base(typo));
    const result = await mohla(['validate', old, current]);
    expect(result.code).toBe(1);
    expect(result.stdout.split('\n')).toEqual([
      `${old}: valid (condition-rules v1)`,
      `${old} ${line.replace(': "comercial"', ': warning: "comercial"')}`,
      `${current} ${line}`,
      '1 of 2 file(s) invalid',
      '',
    ]);
    expect((await mohla(['validate', old])).code).toBe(0);
  });
});
