/**
 * The rules language 2 added to the validator, each broken in a variant of a shipped procedure: one line
 * naming the pointer and the reason, a refusal for a language-2 definition and a warning for a language-1
 * one (which keeps loading, as every shipped file must).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../infra/config.js';
import { reviewDefinition } from './catalogue.js';
import { mohla } from '../test/helpers/cli.js';

/** Every problem the checker reports, refusals first, then warnings. */
function validateDefinition(candidate: unknown) {
  const { errors, warnings } = reviewDefinition(candidate);
  return [...errors, ...warnings];
}
const refusals = <P extends { severity?: 'warning' }>(problems: P[]) => problems.filter((p) => p.severity !== 'warning');

const PROCEDURES = path.join(PROJECT_ROOT, 'procedures');
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Definition = Record<string, any>;
const shipped = (file: string): Definition => JSON.parse(readFileSync(path.join(PROCEDURES, file), 'utf8')) as Definition;

/** A shipped procedure, changed by `mutate`, read in the given language. */
function variant(file: string, language: 1 | 2, mutate: (d: Definition) => void): Definition {
  const definition = { ...shipped(file), languageVersion: language };
  mutate(definition);
  return definition;
}

const LOOP =
  'steps "byPost" → "notifyProvided" → "partialOrFull" → "byPost" go round without waiting for a person, a timer or the citizen, so the application would never stop: put a task, a wait step or a complement request on the loop';

/** [what is wrong, shipped file, the change, pointer, message]: refused in language 2, a warning in language 1. */
const addedRules: Array<[string, string, (d: Definition) => void, string, string]> = [
  [
    'a decision ↔ notify loop with no task, wait or complement on it',
    'access-to-information.v2.json',
    (d) => (d.steps.partialOrFull.otherwise = 'byPost'),
    '/steps/byPost',
    LOOP,
  ],
  [
    'a loop through a service task, which waits for nobody',
    'civil-status-extract.v2.json',
    (d) => (d.steps.issueExtract.next = 'fetchRecord'),
    '/steps/fetchRecord',
    'steps "fetchRecord" → "issueExtract" → "fetchRecord" go round without waiting for a person, a timer or the citizen, so the application would never stop: put a task, a wait step or a complement request on the loop',
  ],
  [
    'a loop through a complement step that, asked once already, goes straight on',
    'building-permit-small.v2.json',
    (d) => {
      d.steps.askForDocuments.ifAlreadyRequested = 'recheck';
      // Asked once already, the step goes on to the decision, which sends the file back to it: for ever.
      d.steps.recheck = { type: 'decision', cases: [{ when: { '>': [{ var: 'complement.requested' }, 5] }, next: 'refusedIncomplete' }], otherwise: 'askForDocuments' };
    },
    '/steps/askForDocuments',
    'steps "askForDocuments" → "recheck" → "askForDocuments" go round without waiting for a person, a timer or the citizen, so the application would never stop: put a task, a wait step or a complement request on the loop',
  ],
  [
    'an end inside a parallel branch, before its join',
    'building-permit-large.v2.json',
    (d) => (d.steps.civilProtectionReview.outcomes.unfavourable.next = 'refused'),
    '/steps/commission/branches/civilProtection',
    'branch "civilProtection" can reach end "refused" before its join: the end would close the application and cancel the other branches\' tasks; lead the branch to a join of "commission" and decide after it',
  ],
  [
    'the citizen declared as a role',
    'residence-certificate.v2.json',
    (d) => d.roles.push('citizen'),
    '/roles/2',
    '"citizen" always means the applicant, who is no agent: it cannot be declared as a role',
  ],
  [
    'a task for the citizen, declared as a role',
    'residence-certificate.v2.json',
    (d) => {
      d.roles.push('citizen');
      d.steps.review.role = 'citizen';
    },
    '/steps/review/role',
    '"citizen" is the applicant, not an agent role: a task is for an agent; to ask the citizen for documents use a requestComplement step',
  ],
  [
    'the assignee declared as a role',
    'residence-certificate.v2.json',
    (d) => d.roles.unshift('assignee'),
    '/roles/0',
    '"assignee" always means whoever holds the task: it cannot be declared as a role',
  ],
  [
    'a message template nobody wrote',
    'access-to-information.v2.json',
    (d) => (d.steps.notifyRefusal.template = 'access-to-information.refused'),
    '/steps/notifyRefusal/template',
    'no message template "access-to-information.refused": this procedure\'s messages are access-to-information.provided, access-to-information.refused-with-complaint-rights',
  ],
  [
    'a template of a procedure that has none written',
    'residence-certificate.v2.json',
    (d) => {
      d.steps.review.outcomes.approve.next = 'tell';
      d.steps.tell = { type: 'notify', notify: ['citizen'], template: 'residence-certificate.ready', next: 'issued' };
    },
    '/steps/tell/template',
    'no message template "residence-certificate.ready": word it in /messages (Arabic, French and English)',
  ],
  [
    'a refusal without its reasons',
    'residence-certificate.v2.json',
    (d) => delete d.steps.refused.motivation,
    '/steps/refused/motivation',
    'a refusal must be motivated: give the reason in Arabic, French and English',
  ],
  [
    'a budget of no time at all',
    'residence-certificate.v2.json',
    (d) => (d.deadline.budget = { duration: 'PT0S' }),
    '/deadline/budget/duration',
    '"PT0S" is no time at all: a budget lasts at least a second',
  ],
  [
    'a zero wait written in days',
    'economic-licence.v2.json',
    (d) => (d.steps.publicInquiry.for = { duration: 'P0D' }),
    '/steps/publicInquiry/for/duration',
    '"P0D" is no time at all: a budget lasts at least a second',
  ],
  [
    'a budget beyond what the engine counts',
    'residence-certificate.v2.json',
    (d) => (d.deadline.budget = { workingDays: 100_001 }),
    '/deadline/budget/workingDays',
    '100001 is more than the engine counts: at most 100000 days',
  ],
  [
    'a duration beyond what the engine counts',
    'residence-certificate.v2.json',
    (d) => (d.steps.review.serviceLevel = { budget: { duration: 'P100001D' } }),
    '/steps/review/serviceLevel/budget/duration',
    '"P100001D" is more than the engine counts: at most 100000 days',
  ],
  [
    'extensions that take the budget beyond what the engine counts',
    'access-to-information.v2.json',
    (d) => (d.deadline.extension.units = 99_990),
    '/deadline/extension/units',
    '1 extension(s) of 99990 would take 20 working days to 100010 days, more than the engine counts: at most 100000 days',
  ],
  [
    'a warning in another unit that is never shorter than the budget it warns of',
    'building-permit-small.v2.json',
    (d) => (d.deadline.warnings[0].before = { workingDays: 25 }),
    '/deadline/warnings/0/before',
    'a warning 25 working days before a 15 calendar days deadline would fire at once: 25 working days are never shorter than 15 calendar days',
  ],
  [
    '"in" looking for a text no value of an enum holds',
    'access-to-information.v2.json',
    (d) => (d.steps.byPost.cases[0].when = { in: ['fax', { var: 'data.deliveryFormat' }] }),
    '/steps/byPost/cases/0/when/in/0',
    '"fax" is in no value of data.deliveryFormat ("email", "paper", "on-site"): "in" looks for it in the variable\'s text, so it never holds; to test the value, write {"in": [{"var": "data.deliveryFormat"}, ["fax"]]}',
  ],
  [
    '"in" looking in a number',
    'access-to-information.v2.json',
    (d) => (d.steps.byPost.cases[0].when = { in: [{ var: 'data.deliveryFormat' }, 3] }),
    '/steps/byPost/cases/0/when/in/1',
    '"in" looks in a list or a text, and 3 is neither: it never holds',
  ],
  [
    'a number field ordered against a text that is no number',
    'building-permit-large.v2.json',
    (d) => (d.steps.weighOpinions.cases[1].when = { '>': [{ var: 'data.plotAreaM2' }, 'large'] }),
    '/steps/weighOpinions/cases/1/when/>/1',
    '"large" is no number, and "data.plotAreaM2" is a number field: the comparison never holds',
  ],
  [
    'some over a field that is no list',
    'access-to-information.v2.json',
    (d) => (d.steps.byPost.cases[0].when = { some: [{ var: 'data.deliveryFormat' }, { '==': [{ var: '' }, 'paper'] }] }),
    '/steps/byPost/cases/0/when/some/0',
    '"data.deliveryFormat" is a string field, not a list: there is nothing to range over',
  ],
  [
    'a variable named by a number outside some, all, none and count',
    'access-to-information.v2.json',
    (d) => (d.steps.byPost.cases[0].when = { '==': [{ var: 0 }, 'paper'] }),
    '/steps/byPost/cases/0/when/==/0/var',
    '0 names nothing here: outside some, all, none and count a variable is a path such as data.<field>',
  ],
  [
    'a refusal whose reason is blank',
    'complaint.v2.json',
    (d) => (d.steps.answeredUnfounded.motivation.fr = '  '),
    '/steps/answeredUnfounded/motivation/fr',
    'a refusal must be motivated: this reason is blank',
  ],
  [
    'where to go when a complement asked every time is asked again',
    'complaint.v2.json',
    (d) => (d.steps.askForInformation.ifAlreadyRequested = 'closedNoAnswer'),
    '/steps/askForInformation/ifAlreadyRequested',
    'step "askForInformation" may ask for a complement every time ("onlyOnce": false), so it never goes to "closedNoAnswer": set "onlyOnce": true or remove ifAlreadyRequested',
  ],
  [
    'a task form that is not an object of fields',
    'access-to-information.v2.json',
    (d) => (d.steps.motivateRefusal.form = { type: 'string', maxLength: 2000 }),
    '/steps/motivateRefusal/form/type',
    'a form is "type": "object", whose properties are the fields entered; found "string"',
  ],
  [
    'half of a surrogate pair in a text',
    'residence-certificate.v2.json',
    (d) => (d.title.fr = 'Certificat \ud800'),
    '/title/fr',
    'holds half of a UTF-16 surrogate pair (an escape like \\ud800 alone), which is no character: write the character itself',
  ],
  [
    'a complement step with only optional documents that a decision enters',
    'complaint.v2.json',
    (d) => (d.steps.answerKind.otherwise = 'askForInformation'),
    '/steps/askForInformation/documents',
    'every document here is optional, and step "answerKind" enters the step with no agent to choose among them: list a required document too, or reach the step only through a task\'s outcome',
  ],
];

describe('the rules language 2 added', () => {
  it.each(addedRules)('refuses %s in language 2, naming the pointer', (_what, file, mutate, pointer, message) => {
    const problems = validateDefinition(variant(file, 2, mutate));
    expect(problems, JSON.stringify(problems)).toContainEqual({ pointer, message });
  });

  it.each(addedRules)('only warns about %s in language 1', (_what, file, mutate, pointer, message) => {
    const problems = validateDefinition(variant(file, 1, mutate));
    expect(problems, JSON.stringify(problems)).toContainEqual({ pointer, message, severity: 'warning' });
    expect(refusals(problems).filter((p) => p.pointer === pointer)).toEqual([]);
  });

  it('accepts each shipped procedure read in language 2 as well', () => {
    for (const file of readdirSync(PROCEDURES).filter((f) => /\.v\d+\.json$/.test(f))) {
      expect(validateDefinition({ ...shipped(file), languageVersion: 2 }), file).toEqual([]);
    }
  });
});

describe('extensions of a duration budget', () => {
  it('are counted in its smallest unit in language 2, and refused past what the engine counts', () => {
    const problems = validateDefinition(
      variant('access-to-information.v2.json', 2, (d) => {
        d.deadline.budget = { duration: 'P20D' };
        d.deadline.variants = [];
        d.deadline.warnings = [];
        d.deadline.extension.units = 99_990;
      }),
    );
    expect(problems).toEqual([
      { pointer: '/deadline/extension/units', message: '1 extension(s) of 99990 would take P20D to 100010 days, more than the engine counts: at most 100000 days' },
    ]);
  });
});

describe('budgets the engine counts, wherever they are', () => {
  it('refuses a variant whose own extensions go past what the engine counts, and a citizen window of no time', () => {
    const extended = validateDefinition(
      variant('access-to-information.v3.json', 2, (d) => (d.deadline.variants[0].extension = { maxCount: 100, units: 1000, noticeRequired: true })),
    );
    expect(extended).toEqual([
      { pointer: '/deadline/variants/0/extension/units', message: '100 extension(s) of 1000 would take 3 working days to 100003 days, more than the engine counts: at most 100000 days' },
    ]);
    const window = validateDefinition(variant('access-to-information.v3.json', 2, (d) => (d.steps.refusalWindow.within = { duration: 'PT0S' })));
    expect(window).toEqual([{ pointer: '/steps/refusalWindow/within/duration', message: '"PT0S" is no time at all: a budget lasts at least a second' }]);
  });
});

describe('rules that refuse in every language', () => {
  it('refuses an extension of no units', () => {
    const problems = validateDefinition(variant('access-to-information.v2.json', 1, (d) => (d.deadline.extension.units = 0)));
    expect(problems).toContainEqual({ pointer: '/deadline/extension/units', message: 'must be >= 1' });
  });

  it('refuses a task for the citizen that no role declares, saying what to use instead', () => {
    for (const language of [1, 2] as const) {
      const problems = validateDefinition(variant('residence-certificate.v2.json', language, (d) => (d.steps.review.role = 'citizen')));
      expect(problems).toContainEqual({
        pointer: '/steps/review/role',
        message: '"citizen" is the applicant, not an agent role: a task is for an agent; to ask the citizen for documents use a requestComplement step',
      });
    }
  });

  it('refuses an escalation to the citizen', () => {
    const problems = validateDefinition(variant('residence-certificate.v2.json', 2, (d) => (d.deadline.onExpiry.toRole = 'citizen')));
    expect(problems).toContainEqual({
      pointer: '/deadline/onExpiry/toRole',
      message: '"citizen" is the applicant, not an agent role: a deadline escalates to an agent role; to tell the citizen add "citizen" to notify',
    });
  });
});

describe('advice that never refuses', () => {
  it('warns about a variant longer than the budget even when it counts in another unit', () => {
    const problems = validateDefinition(
      variant('access-to-information.v3.json', 2, (d) => {
        // With its own extension, a variant may count in another unit.
        d.deadline.variants[0].budget = { calendarDays: 60 };
        d.deadline.variants[0].extension = { maxCount: 1, units: 5, noticeRequired: true };
      }),
    );
    expect(problems).toContainEqual({
      pointer: '/deadline/variants/0/budget',
      message: 'this variant (60 calendar days) is longer than the budget (20 working days): a variant usually shortens the deadline, as for an urgent request; check that it is meant',
      severity: 'warning',
    });
    expect(refusals(problems).filter((p) => p.pointer === '/deadline/variants/0/budget')).toEqual([]);
  });

  it('warns about a variant longer than the budget it replaces, in either language', () => {
    for (const language of [1, 2] as const) {
      const problems = validateDefinition(variant('access-to-information.v2.json', language, (d) => (d.deadline.variants[0].budget = { workingDays: 30 })));
      expect(problems).toEqual([
        {
          pointer: '/deadline/variants/0/budget',
          message: 'this variant (30 working days) is longer than the budget (20 working days): a variant usually shortens the deadline, as for an urgent request; check that it is meant',
          severity: 'warning',
        },
      ]);
    }
  });

  it('warns that language 1 extends a duration budget by whole budgets, and refuses extensions that would count in two units in language 2', () => {
    const durations = (d: Definition) => {
      d.deadline.budget = { duration: 'P20D' };
      d.deadline.variants[0].budget = { duration: 'PT72H' };
      d.deadline.warnings = [];
    };
    expect(validateDefinition(variant('access-to-information.v2.json', 1, durations))).toEqual([
      {
        pointer: '/deadline/extension/units',
        message: 'in language 1 each unit extends a duration budget by the whole budget (20 × P20D); language 2 adds 20 days',
        severity: 'warning',
      },
    ]);
    expect(validateDefinition(variant('access-to-information.v2.json', 2, durations))).toEqual([
      {
        pointer: '/deadline/variants/0/budget',
        message: 'an extension counts in days for the budget (P20D) but in hours for this variant (PT72H): write both durations in the same smallest unit',
      },
    ]);
  });
});


describe('mohla validate, on the rules language 2 added', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mohla-language-2-'));
  // Each in a folder of its own, under the file name its id and version give.
  const write = (folder: string, definition: Definition) => {
    mkdirSync(path.join(dir, folder), { recursive: true });
    const file = path.join(dir, folder, `${definition.id}.v${definition.version}.json`);
    writeFileSync(file, JSON.stringify(definition, null, 2));
    return file;
  };
  const unmotivated = (d: Definition) => delete d.steps.refused.motivation;

  it('prints a warning for a language-1 definition as one line, and exits 0', async () => {
    const older = write('older', variant('residence-certificate.v2.json', 1, unmotivated));
    const result = await mohla(['validate', older]);
    expect(result.code, result.stdout).toBe(0);
    expect(result.stdout.split('\n')).toEqual([
      `${older}: valid (residence-certificate v2)`,
      `${older} /steps/refused/motivation: warning: a refusal must be motivated: give the reason in Arabic, French and English`,
      '1 file(s) valid',
      '',
    ]);
  });

  it('refuses the same definition in language 2, and says so in --json', async () => {
    const newer = write('newer', variant('residence-certificate.v2.json', 2, unmotivated));
    const older = write('older', variant('residence-certificate.v2.json', 1, unmotivated));
    const result = await mohla(['validate', '--json', newer, older]);
    expect(result.code).toBe(1);
    const message = 'a refusal must be motivated: give the reason in Arabic, French and English';
    expect(JSON.parse(result.stdout)).toEqual({
      valid: false,
      files: [
        { file: newer, valid: false, errors: [{ pointer: '/steps/refused/motivation', message }] },
        { file: older, valid: true, id: 'residence-certificate', version: 2, errors: [], warnings: [{ pointer: '/steps/refused/motivation', message }] },
      ],
    });
  });
});
