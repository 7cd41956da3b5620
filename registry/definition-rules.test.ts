import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../infra/config.js';
import { validateDefinition } from './catalogue.js';
import { createAjv } from './definition-schema.js';
import { text } from '../test/helpers/definitions.js';


/** A valid definition that uses every construct, so each rule can be broken in one place. */
function base() {
  return {
    id: 'rules-sample',
    version: 1,
    title: text('Sample'),
    description: text('A sample'),
    category: 'urban-planning',
    offices: ['commune'],
    roles: ['agent', 'supervisor', 'architect'],
    legalBasis: { law: 'Law 12.90', articles: ['art. 48'], note: 'Deemed granted after 15 days.', confirmed: true },
    form: {
      type: 'object',
      required: ['surface', 'address'],
      properties: {
        surface: { type: 'number', label: text('Surface') },
        address: { type: 'string', label: text('Address') },
        urgent: { type: 'boolean' },
        use: { type: 'string', enum: ['housing', 'shop'], label: text('Use'), enumLabels: { housing: text('Housing'), shop: text('Shop') } },
        neighbours: {
          type: 'array',
          label: text('Neighbours'),
          items: { type: 'object', properties: { name: { type: 'string', label: text('Name') } } },
        },
      },
    },
    documents: [
      { id: 'plans', label: text('Plans'), formats: ['pdf'], maxSizeMb: 20 },
      { id: 'landTitle', label: text('Land title'), formats: ['pdf'], maxSizeMb: 5, fetchedByAdministration: true },
    ],
    fees: [{ label: text('Fee'), amountMad: 100 }],
    channels: ['web', 'counter'],
    deadline: {
      budget: { calendarDays: 15 },
      variants: [{ when: { '==': [{ var: 'data.urgent' }, true] }, budget: { calendarDays: 5 } }],
      startsOn: 'filing',
      onComplement: 'pause',
      extension: { maxCount: 1, units: 15, noticeRequired: true },
      warnings: [{ before: { calendarDays: 5 }, notify: ['assignee', 'supervisor'] }],
      onExpiry: { action: 'autoApprove', end: 'granted', attestation: 'silence-attestation' },
    },
    start: 'intake',
    steps: {
      intake: {
        type: 'userTask',
        role: 'agent',
        title: text('Check the file'),
        form: {
          type: 'object',
          properties: {
            remark: { type: 'string', label: text('Remark') },
            finding: { enum: ['fine', 1, true], enumLabels: { fine: text('Fine'), 1: text('One'), true: text('Yes') } },
          },
        },
        outcomes: { complete: { next: 'fees' }, incomplete: { next: 'askDocuments' } },
        // Nothing to enter: agents may complete several at once.
        bulkComplete: true,
        serviceLevel: { budget: { workingDays: 2 }, onExpiry: { action: 'notify', notify: ['supervisor'] } },
      },
      askDocuments: {
        type: 'requestComplement',
        documents: ['plans'],
        onlyOnce: true,
        ifAlreadyRequested: 'refused',
        answerWithin: { calendarDays: 30 },
        next: 'intake',
        onTimeout: 'refused',
      },
      fees: {
        type: 'serviceTask',
        activity: 'computeFees',
        input: { base: 100, quantity: { var: 'data.surface' } },
        next: 'commission',
      },
      commission: {
        type: 'parallel',
        branches: { architect: { start: 'architectReview' }, safety: { start: 'safetyReview' } },
        completion: { mode: 'all' },
        next: 'verdict',
      },
      architectReview: {
        type: 'userTask',
        role: 'architect',
        title: text('Architect'),
        outcomes: { favourable: { next: 'commissionDone' }, unfavourable: { next: 'commissionDone' } },
      },
      safetyReview: {
        type: 'userTask',
        role: 'agent',
        title: text('Safety'),
        outcomes: { favourable: { next: 'commissionDone' }, unfavourable: { next: 'commissionDone' } },
      },
      commissionDone: { type: 'join', parallel: 'commission' },
      verdict: {
        type: 'decision',
        cases: [{ when: { '==': [{ var: 'branches.commission.architect' }, 'favourable'] }, next: 'pause' }],
        otherwise: 'refused',
      },
      pause: { type: 'wait', for: { duration: 'PT1H' }, next: 'tell' },
      tell: { type: 'notify', notify: ['citizen'], template: 'building-permit.granted', next: 'granted' },
      granted: { type: 'end', outcome: 'approved', document: 'permit' },
      refused: { type: 'end', outcome: 'rejected', motivation: text('No') },
    },
  };
}

type Definition = ReturnType<typeof base> & Record<string, unknown>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Mutation = (d: any) => void;

const broken: Array<[string, Mutation, string, RegExp]> = [
  ['an unknown start step', (d) => (d.start = 'nowhere'), '/start', /does not exist/],
  [
    'bulk completion of a step whose form requires a field',
    (d) => (d.steps.intake.form.required = ['remark']),
    '/steps/intake/bulkComplete',
    /tasks completed in bulk enter no data, but this step's form requires "remark"/,
  ],
  ['a bulk flag that is not a boolean', (d) => (d.steps.intake.bulkComplete = 'yes'), '/steps/intake/bulkComplete', /must be boolean/],
  ['an outcome leading nowhere', (d) => (d.steps.intake.outcomes.complete.next = 'ghost'), '/steps/intake/outcomes/complete/next', /"ghost" does not exist/],
  ['a decision leading nowhere', (d) => (d.steps.verdict.otherwise = 'ghost'), '/steps/verdict/otherwise', /does not exist/],
  ['a decision case leading nowhere', (d) => (d.steps.verdict.cases[0].next = 'ghost'), '/steps/verdict/cases/0/next', /does not exist/],
  ['a service task leading nowhere', (d) => (d.steps.fees.next = 'ghost'), '/steps/fees/next', /does not exist/],
  ['a wait leading nowhere', (d) => (d.steps.pause.next = 'ghost'), '/steps/pause/next', /does not exist/],
  ['a branch starting nowhere', (d) => (d.steps.commission.branches.safety.start = 'ghost'), '/steps/commission/branches/safety/start', /does not exist/],
  ['an unreachable step', (d) => (d.steps.orphan = { type: 'end', outcome: 'closed' }), '/steps/orphan', /cannot be reached/],
  [
    'a step from which no end can be reached',
    (d) => {
      d.steps.intake.outcomes.complete.next = 'loop';
      d.steps.loop = { type: 'wait', for: { duration: 'PT1S' }, next: 'loop' };
    },
    '/steps/loop',
    /no end can be reached/,
  ],
  ['a task with no outcome', (d) => (d.steps.intake.outcomes = {}), '/steps/intake/outcomes', /must NOT have fewer than 1 properties/],
  ['an undeclared role', (d) => (d.steps.intake.role = 'mayor'), '/steps/intake/role', /role "mayor" is not declared/],
  ['an escalation to an undeclared role', (d) => (d.deadline.onExpiry = { action: 'escalate', toRole: 'wali' }), '/deadline/onExpiry/toRole', /not declared/],
  ['an unknown recipient', (d) => (d.steps.tell.notify = ['mayor']), '/steps/tell/notify/0', /recipient "mayor"/],
  ['an unknown activity', (d) => (d.steps.fees.activity = 'launchRocket'), '/steps/fees/activity', /no service activity "launchRocket"/],
  ['an unknown activity parameter', (d) => (d.steps.fees.input.colour = 'red'), '/steps/fees/input/colour', /takes no parameter "colour"/],
  ['a missing activity parameter', (d) => delete d.steps.fees.input.base, '/steps/fees/input', /needs parameter "base"/],
  ['an unknown operator', (d) => (d.steps.verdict.cases[0].when = { eval: ['1'] }), '/steps/verdict/cases/0/when/eval', /unknown operator "eval"/],
  ['an operator with the wrong arity', (d) => (d.steps.verdict.cases[0].when = { '==': [1] }), '/steps/verdict/cases/0/when/==', /takes 2 argument/],
  ['a condition on a field the form lacks', (d) => (d.deadline.variants[0].when = { var: 'data.height' }), '/deadline/variants/0/when/var', /not a field of the form/],
  ['a condition on an unknown step', (d) => (d.steps.verdict.cases[0].when = { var: 'steps.ghost.outcome' }), '/steps/verdict/cases/0/when/var', /names no step/],
  ['a condition on an unknown branch', (d) => (d.steps.verdict.cases[0].when = { var: 'branches.commission.ghost' }), '/steps/verdict/cases/0/when/var', /names no branch/],
  ['an operation with two operators', (d) => (d.steps.verdict.cases[0].when = { '==': [1, 1], '!=': [1, 2] }), '/steps/verdict/cases/0/when', /exactly one operator/],
  ['auto-approval without an approving end', (d) => (d.deadline.onExpiry.end = 'refused'), '/deadline/onExpiry/end', /outcome is approved/],
  ['auto-rejection towards an approving end', (d) => (d.deadline.onExpiry = { action: 'autoReject', end: 'granted', motivation: text('x') }), '/deadline/onExpiry/end', /outcome is rejected/],
  ['auto-approval towards a task', (d) => (d.deadline.onExpiry.end = 'intake'), '/deadline/onExpiry/end', /needs an end step/],
  ['a warning longer than the deadline', (d) => (d.deadline.warnings[0].before = { calendarDays: 15 }), '/deadline/warnings/0/before', /would fire at once/],
  ['a budget of zero days', (d) => (d.deadline.budget = { workingDays: 0 }), '/deadline/budget/workingDays', /must be >= 1/],
  ['a budget in two units', (d) => (d.deadline.budget = { workingDays: 3, calendarDays: 3 }), '/deadline/budget', /has workingDays and calendarDays: give only one of them/],
  ['a malformed duration', (d) => (d.steps.pause.for = { duration: '1 hour' }), '/steps/pause/for/duration', /must match pattern/],
  ['a step-entry start without a step', (d) => (d.deadline.startsOn = 'stepEntry'), '/deadline/step', /must name the step/],
  ['a variant counting in another unit than its extensions', (d) => (d.deadline.variants[0].budget = { workingDays: 3 }), '/deadline/variants/0/budget', /same unit/],
  ['an unknown expiry action', (d) => (d.deadline.onExpiry = { action: 'forget' }), '/deadline/onExpiry/action', /"forget" is not a known action/],
  ['a service level that decides by silence', (d) => (d.steps.intake.serviceLevel.onExpiry = { action: 'autoApprove', end: 'granted', attestation: 'x' }), '/steps/intake/serviceLevel/onExpiry/action', /only the legal deadline/],
  ['asking for a document outside the guide', (d) => (d.steps.askDocuments.documents = ['passport']), '/steps/askDocuments/documents/0', /not in the procedure's guide/],
  ['asking for a document the administration fetches', (d) => (d.steps.askDocuments.documents = ['landTitle']), '/steps/askDocuments/documents/0', /fetched by the administration/],
  ['a second complement request with nowhere to go', (d) => delete d.steps.askDocuments.ifAlreadyRequested, '/steps/askDocuments/ifAlreadyRequested', /asked only once/],
  ['a branch that never joins', (d) => Object.assign(d.steps.safetyReview.outcomes, { favourable: { next: 'refused' }, unfavourable: { next: 'refused' } }), '/steps/commission/branches/safety', /never reaches a join/],
  ['a join naming a task', (d) => (d.steps.commissionDone.parallel = 'intake'), '/steps/commissionDone/parallel', /not a parallel step/],
  ['more branches required than exist', (d) => (d.steps.commission.completion = { mode: 'nOfM', n: 3 }), '/steps/commission/completion/n', /can never complete/],
  ['a duplicated document id', (d) => d.documents.push({ ...d.documents[0] }), '/documents/2/id', /used twice/],
  ['an unconfirmed basis that does not say so', (d) => (d.legalBasis.confirmed = false), '/legalBasis/note', /must say "unconfirmed"/],
  ['a field label missing a language', (d) => delete d.form.properties.surface.label.en, '/form/properties/surface/label/en', /is required/],
  ['a field label that is plain text', (d) => (d.form.properties.address.label = 'Address'), '/form/properties/address/label', /must be object/],
  ['a field label in a fourth language', (d) => (d.form.properties.address.label.es = 'Dirección'), '/form/properties/address/label/es', /not an allowed property/],
  ['an empty field label', (d) => (d.form.properties.surface.label.ar = ''), '/form/properties/surface/label/ar', /must NOT have fewer than 1 characters/],
  ['a label nested in an array item missing a language', (d) => delete d.form.properties.neighbours.items.properties.name.label.ar, '/form/properties/neighbours/items/properties/name/label/ar', /is required/],
  ['a task form label missing a language', (d) => delete d.steps.intake.form.properties.remark.label.fr, '/steps/intake/form/properties/remark/label/fr', /is required/],
  ['an enum label that is plain text', (d) => (d.form.properties.use.enumLabels.shop = 'Shop'), '/form/properties/use/enumLabels/shop', /must be object/],
  ['an enum label missing a language', (d) => delete d.form.properties.use.enumLabels.housing.fr, '/form/properties/use/enumLabels/housing/fr', /is required/],
  ['enum labels that are a list', (d) => (d.form.properties.use.enumLabels = [text('Housing')]), '/form/properties/use/enumLabels', /must be object/],
  ['an enum label for a value the enum lacks', (d) => (d.form.properties.use.enumLabels.factory = text('Factory')), '/form/properties/use/enumLabels/factory', /"factory" is not a value of the enum \(housing, shop\)/],
  ['an enum label for a value the enum lacks in a task form', (d) => (d.steps.intake.form.properties.finding.enumLabels.false = text('No')), '/steps/intake/form/properties/finding/enumLabels/false', /"false" is not a value of the enum \(fine, 1, true\)/],
  ['enum labels beside no enum', (d) => delete d.form.properties.use.enum, '/form/properties/use/enumLabels', /has no enum/],
  ['a form that is not a JSON Schema', (d) => (d.form = { type: 'object', properties: { size: { type: 'nombre' } } }), '/form', /not a valid JSON Schema/],
  ['a form that is no object of fields', (d) => (d.form = { type: 'objekt' }), '/form/type', /^a form is "type": "object", whose properties are the fields entered; found "objekt"$/],
  ['a step id with spaces', (d) => (d.steps['my step'] = { type: 'end', outcome: 'closed' }), '/steps/my step', /^this key must match pattern/],
  ['an end with an unknown outcome', (d) => (d.steps.granted.outcome = 'granted'), '/steps/granted/outcome', /must be one of approved, rejected, withdrawn, closed/],
  ['an unknown property', (d) => (d.colour = 'blue'), '/colour', /not an allowed property/],
  ['a version that is not an integer', (d) => (d.version = '2'), '/version', /must be integer/],
];

describe('definition rules', () => {
  it('accepts the sample that uses every construct', () => {
    expect(validateDefinition(base())).toEqual([]);
  });

  it('reads form labels as annotations only: they change no answer about the data', () => {
    const labelled = createAjv().compile(base().form);
    const plain = createAjv().compile(JSON.parse(JSON.stringify(base().form, (key, value) => (key === 'label' || key === 'enumLabels' ? undefined : value))));
    for (const data of [{ surface: 80, address: 'Hay Salam', use: 'shop' }, { surface: 80, address: 'Hay Salam', use: 'factory' }, { surface: '80', address: 1 }, { label: 'x', surface: 1, address: 'y' }]) {
      expect(labelled(data), JSON.stringify(data)).toBe(plain(data));
    }
    expect(labelled({ surface: 80, address: 'Hay Salam', use: 'shop' })).toBe(true);
  });

  it('has ajv itself refuse a malformed label, so no form compiles with one', () => {
    expect(() => createAjv().compile({ type: 'string', label: { ar: 'ن', fr: 'f' } })).toThrow(/keyword "label" value is invalid/);
    expect(() => createAjv().compile({ enum: ['a'], enumLabels: { a: 'A' } })).toThrow(/keyword "enumLabels" value is invalid/);
  });

  // A mistake is said once, where it is: not again as each consequence the checker would otherwise see.
  it.each<[string, Mutation, Array<{ pointer: string; message: string }>]>([
    [
      'a transition to a step that does not exist',
      (d) => (d.steps.tell.next = 'grantd'),
      [{ pointer: '/steps/tell/next', message: 'step "grantd" does not exist' }],
    ],
    [
      'a join naming a step that is not parallel',
      (d) => (d.steps.commissionDone.parallel = 'verdict'),
      [{ pointer: '/steps/commissionDone/parallel', message: 'step "verdict" is not a parallel step' }],
    ],
    [
      'a form whose properties are null',
      (d) => (d.form.properties = null),
      [{ pointer: '/form', message: 'not a valid JSON Schema: schema is invalid: data/properties must be object' }],
    ],
  ])('reports %s on one line', (_label, mutate, expected) => {
    const definition = base() as Definition;
    mutate(definition);
    expect(validateDefinition(definition)).toEqual(expected);
  });

  it.each(broken)('rejects %s, naming the pointer', (_label, mutate, pointer, message) => {
    const definition = base() as Definition;
    mutate(definition);
    const errors = validateDefinition(definition);
    expect(errors, JSON.stringify(errors)).toContainEqual({ pointer, message: expect.stringMatching(message) });
  });
});

const run = promisify(execFile);

async function mohla(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [path.join(PROJECT_ROOT, 'bin/mohla.js'), ...args]);
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('mohla validate', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mohla-validate-'));
  const write = (name: string, content: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, content);
    return file;
  };

  it('exits 0 for the shipped procedures', async () => {
    const files = (await import('node:fs')).readdirSync(path.join(PROJECT_ROOT, 'procedures'))
      .filter((f) => /\.v\d+\.json$/.test(f))
      .map((f) => path.join(PROJECT_ROOT, 'procedures', f));
    const result = await mohla('validate', ...files);
    expect(result.code, result.stdout).toBe(0);
  });

  it('exits 1 naming the file, with one line per problem and no stack trace', async () => {
    // Named after its id and version: `mohla validate` refuses a file named otherwise.
    const good = write('rules-sample.v1.json', JSON.stringify(base()));
    const notJson = write('not-json.json', '{ "id": ');
    const array = write('array.json', '[]');
    const wrongTypes = write('wrong-types.json', JSON.stringify({ ...base(), version: 'one', steps: [] }));
    const result = await mohla('validate', good, notJson, array, wrongTypes);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`${notJson}: not valid JSON`);
    expect(result.stdout).toContain(`${array}: a definition is a JSON object, found an array`);
    expect(result.stdout).toContain(`${wrongTypes} /version: must be integer`);
    expect(result.stdout).toContain(`${good}: valid`);
    expect(result.stdout + result.stderr).not.toMatch(/\n\s+at /);
  });

  it('names the pointer of a malformed form label', async () => {
    const unlabelled = base() as Definition;
    delete (unlabelled.form.properties.surface.label as Partial<ReturnType<typeof text>>).en;
    const file = write('unlabelled.json', JSON.stringify(unlabelled));
    const result = await mohla('validate', file);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`${file} /form/properties/surface/label/en: is required`);
  });

  it('reports in JSON with --json', async () => {
    const broken = base() as Definition;
    broken.start = 'nowhere';
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'mohla-validate-')), 'rules-sample.v1.json');
    writeFileSync(file, JSON.stringify(broken));
    const result = await mohla('validate', '--json', file);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual({
      valid: false,
      files: [{ file, valid: false, errors: [{ pointer: '/start', message: 'start step "nowhere" does not exist' }] }],
    });
  });
});
