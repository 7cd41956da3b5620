/**
 * The constructs of language 2 (internal procedures, the outcomes forwarded and partiallyGranted,
 * calendar months, a variant's own extension): accepted as they are meant, refused with their pointer
 * and reason otherwise, and refused outright in a definition written in language 1.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../infra/config.js';
import { validateDefinition } from './catalogue.js';
import { promotionFile, text } from '../test/helpers/definitions.js';


/** An internal procedure: a promotion file the HR officer files, reviewed by the committee, who are warned ten days ahead. */
function internal() {
  return promotionFile({
    form: { type: 'object', required: ['employeeNumber'], properties: { employeeNumber: { type: 'string' } } },
    deadline: { warnings: [{ before: { calendarDays: 10 }, notify: ['committee'] }] },
  });
}

/** Law 31.13's urgent requests: 3 working days, extended by 3, not by the 20 of the others. */
function urgentVariant() {
  return {
    languageVersion: 2,
    id: 'info-request',
    version: 1,
    title: text('Information'),
    description: text('A request for information'),
    category: 'access-to-information',
    offices: ['commune'],
    roles: ['agent', 'supervisor'],
    legalBasis: { law: 'Law 31.13', note: 'Working days.', confirmed: true },
    form: { type: 'object', properties: { urgent: { type: 'boolean' }, phone: { type: 'string' } } },
    documents: [],
    fees: [],
    channels: ['web'],
    deadline: {
      budget: { workingDays: 20 },
      variants: [
        {
          when: { '==': [{ var: 'data.urgent' }, true] },
          budget: { workingDays: 3 },
          extension: { maxCount: 1, units: 3, noticeRequired: true },
        },
      ],
      startsOn: 'filing',
      onComplement: 'continue',
      extension: { maxCount: 1, units: 20, noticeRequired: true },
      onExpiry: { action: 'autoReject', end: 'refused', motivation: text('No answer') },
    },
    start: 'examine',
    steps: {
      examine: { type: 'userTask', role: 'agent', title: text('Examine'), outcomes: { give: { next: 'given' }, refuse: { next: 'refused' } } },
      given: { type: 'end', outcome: 'approved' },
      refused: { type: 'end', outcome: 'rejected', motivation: text('Refused') },
    },
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Mutation = (d: any) => void;

describe('language 2 constructs', () => {
  it('accepts an internal procedure with calendar months, a forwarding and a partial grant', () => {
    expect(validateDefinition(internal())).toEqual([]);
  });

  it("accepts a variant with its own extension, even in another unit than the deadline's", () => {
    expect(validateDefinition(urgentVariant())).toEqual([]);
    const d = urgentVariant();
    (d.deadline.variants[0] as { budget: object }).budget = { calendarDays: 5 };
    expect(validateDefinition(d)).toEqual([]);
  });

  it('still refuses a variant without its own extension that counts in another unit than the extensions', () => {
    const d = urgentVariant() as { deadline: { variants: Array<Record<string, unknown>> } };
    delete d.deadline.variants[0]!.extension;
    d.deadline.variants[0]!.budget = { calendarDays: 5 };
    expect(validateDefinition(d)).toEqual([{ pointer: '/deadline/variants/0/budget', message: 'a variant must count in the same unit as the budget its extensions add to' }]);
  });

  const refused: Array<[string, () => object, Mutation, Array<{ pointer: string; message: string }>]> = [
    [
      'the internal channel beside the citizens’ ones',
      internal,
      (d) => (d.channels = ['internal', 'counter']),
      [{ pointer: '/channels', message: 'an internal procedure is filed by staff only: "internal" cannot go with counter' }],
    ],
    ['an internal procedure that names no filer', internal, (d) => delete d.filingRoles, [{ pointer: '/filingRoles', message: 'an internal procedure names the roles whose holders may file it' }]],
    [
      'filers for a procedure citizens file',
      urgentVariant,
      (d) => (d.filingRoles = ['agent']),
      [{ pointer: '/filingRoles', message: 'filingRoles goes with the internal channel only: citizens file this procedure' }],
    ],
    ['an undeclared filer', internal, (d) => (d.filingRoles = ['hr-officer', 'mayor']), [{ pointer: '/filingRoles/1', message: 'role "mayor" is not declared in /roles' }]],
    [
      'a complement request in an internal procedure',
      internal,
      (d) => {
        d.documents = [{ id: 'report', label: text('Report'), formats: ['pdf'], maxSizeMb: 5 }];
        d.steps.review.outcomes.ask = { next: 'ask' };
        d.steps.ask = { type: 'requestComplement', documents: ['report'], onlyOnce: false, answerWithin: { calendarDays: 10 }, next: 'review', onTimeout: 'promoted' };
      },
      [{ pointer: '/steps/ask', message: 'an internal procedure has no citizen to ask for documents: it cannot have a requestComplement step' }],
    ],
    [
      'the citizen among the recipients of an internal procedure',
      internal,
      (d) => {
        d.steps.tell.notify = ['hr-officer', 'citizen'];
        d.deadline.warnings[0].notify = ['citizen'];
        d.deadline.onExpiry.notify = ['supervisor', 'citizen'];
      },
      [
        { pointer: '/deadline/warnings/0/notify/0', message: 'an internal procedure has no citizen to notify' },
        { pointer: '/deadline/onExpiry/notify/1', message: 'an internal procedure has no citizen to notify' },
        { pointer: '/steps/tell/notify/1', message: 'an internal procedure has no citizen to notify' },
      ],
    ],
    [
      'notice of an extension in an internal procedure',
      internal,
      (d) => (d.deadline.extension.noticeRequired = true),
      [{ pointer: '/deadline/extension/noticeRequired', message: 'an internal procedure has no citizen to give notice of an extension to' }],
    ],
    [
      'a forwarding that names no body',
      internal,
      (d) => delete d.steps.referred.forwardedTo,
      [{ pointer: '/steps/referred/forwardedTo', message: 'a forwarded application goes to a competent body: name it in forwardedTo' }],
    ],
    [
      'a body to forward to on an approval',
      internal,
      (d) => (d.steps.promoted.forwardedTo = text('the ministry')),
      [{ pointer: '/steps/promoted/forwardedTo', message: "only a forwarded end names a body to forward to, and this end's outcome is approved" }],
    ],
    [
      'a partial grant without a motivation',
      internal,
      (d) => delete d.steps.partly.motivation,
      [{ pointer: '/steps/partly/motivation', message: 'a partial grant refuses the rest, and a refusal must be motivated: say why in motivation' }],
    ],
    [
      'silence that would grant partly',
      urgentVariant,
      (d) => {
        d.deadline.onExpiry = { action: 'autoApprove', end: 'partly', attestation: 'silence' };
        d.steps.partly = { type: 'end', outcome: 'partiallyGranted', motivation: text('Part') };
      },
      [{ pointer: '/deadline/onExpiry/end', message: 'autoApprove needs an end step whose outcome is approved; "partly" is not' }],
    ],
    ['more months than the engine counts', internal, (d) => (d.deadline.budget = { months: 3001 }), [{ pointer: '/deadline/budget/months', message: 'the engine counts at most 3000 months' }]],
    ['more days than the engine counts', urgentVariant, (d) => (d.deadline.budget = { workingDays: 100_001 }), [{ pointer: '/deadline/budget/workingDays', message: '100001 is more than the engine counts: at most 100000 days' }]],
    [
      'a warning as long as a budget in months',
      internal,
      (d) => (d.deadline.warnings[0].before = { months: 2 }),
      [{ pointer: '/deadline/warnings/0/before', message: 'a warning 2 months before a 2 months deadline would fire at once' }],
    ],
    [
      'an extension of a variant that counts a duration',
      urgentVariant,
      (d) => (d.deadline.variants[0].budget = { duration: 'PT4H' }),
      [{ pointer: '/deadline/variants/0/extension', message: 'an extension adds days or months, and this variant counts a duration: it cannot be extended' }],
    ],
  ];

  it.each(refused)('refuses %s, naming the pointer', (_label, make, mutate, problems) => {
    const d = make();
    mutate(d);
    expect(validateDefinition(d)).toEqual(problems);
  });

  const inLanguage1: Array<[string, () => object, Array<{ pointer: string; message: string }>]> = [
    [
      'an internal procedure, months, forwarding and partial grant',
      internal,
      [
        { pointer: '/channels/0', message: 'the internal channel needs language 2; this definition is written in language 1 ("languageVersion": 1)' },
        { pointer: '/filingRoles', message: 'filingRoles needs language 2; this definition is written in language 1 ("languageVersion": 1)' },
        { pointer: '/steps/referred/outcome', message: 'the outcome "forwarded" needs language 2; this definition is written in language 1 ("languageVersion": 1)' },
        { pointer: '/steps/partly/outcome', message: 'the outcome "partiallyGranted" needs language 2; this definition is written in language 1 ("languageVersion": 1)' },
        { pointer: '/deadline/budget', message: 'a budget in calendar months needs language 2; this definition is written in language 1 ("languageVersion": 1)' },
      ],
    ],
    [
      "a variant's own extension",
      urgentVariant,
      [{ pointer: '/deadline/variants/0/extension', message: 'a variant\'s own extension needs language 2; this definition is written in language 1 ("languageVersion": 1)' }],
    ],
  ];

  it.each(inLanguage1)('refuses %s in a language-1 definition', (_label, make, problems) => {
    expect(validateDefinition({ ...make(), languageVersion: 1 })).toEqual(problems);
  });

  it('does not hold a language-1 definition to the largest budget: it learns of it when counting, as before', () => {
    const d = { ...urgentVariant(), languageVersion: 1 };
    const deadline = d.deadline as { variants?: unknown; budget: object };
    delete deadline.variants;
    deadline.budget = { workingDays: 100_001 };
    expect(validateDefinition(d)).toEqual([]);
  });
});

describe('mohla validate', () => {
  it('prints one line per problem of a language-1 definition that uses a language-2 construct', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mohla-constructs-'));
    const file = path.join(dir, 'info-request.v1.json');
    writeFileSync(file, JSON.stringify({ ...urgentVariant(), languageVersion: 1 }));
    const result = await promisify(execFile)(process.execPath, [path.join(PROJECT_ROOT, 'bin/mohla.js'), 'validate', file]).catch((err: { code: number; stdout: string }) => err);
    expect(result).toMatchObject({ code: 1 });
    expect(result.stdout).toContain(`${file} /deadline/variants/0/extension: a variant's own extension needs language 2; this definition is written in language 1 ("languageVersion": 1)\n`);
  });
});
