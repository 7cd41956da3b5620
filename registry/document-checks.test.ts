/**
 * The documents a definition issues, as the validator reads them: each mistake is one line with the
 * JSON pointer a designer follows, and a definition that declares no documents is checked as before.
 */
import { describe, expect, it } from 'vitest';
import { testProcedure, text } from '../test/helpers/definitions.js';
import { reviewDefinition } from './catalogue.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Definition = Record<string, any>;

const twoLanguages = (words: string) => ({ ar: `${words} (ar)`, fr: `${words} (fr)` });

/** A procedure whose approval issues a certificate and whose refusal sends a letter, all declared. */
function issuing(change: (d: Definition) => void = () => undefined): Definition {
  const definition: Definition = testProcedure('issuing-check', {
    form: { type: 'object', properties: { fullName: { type: 'string' }, address: { type: 'object', properties: { city: { type: 'string' } } } } },
    deadline: { budget: { calendarDays: 30 }, startsOn: 'filing', onComplement: 'pause', onExpiry: { action: 'autoApprove', end: 'granted', attestation: 'silence' } },
    steps: {
      review: { type: 'userTask', role: 'agent', title: text('Review'), outcomes: { approve: { next: 'granted' }, reject: { next: 'refused' } } },
      granted: { type: 'end', outcome: 'approved', document: 'permit' },
      refused: { type: 'end', outcome: 'rejected', motivation: text('refused'), letter: 'refusal' },
    },
    issuedDocuments: {
      permit: {
        template: 'certificate',
        title: twoLanguages('Permit'),
        delivery: 'collection',
        holder: { var: 'data.fullName' },
        fields: [{ label: twoLanguages('City'), var: 'data.address.city' }],
      },
      silence: { template: 'attestation', title: twoLanguages('Silence'), delivery: 'download', holder: { var: 'data.fullName' }, legalBasis: twoLanguages('Article 48') },
      refusal: { template: 'refusal-letter', title: twoLanguages('Refusal'), delivery: 'post', holder: { var: 'data.fullName' }, remedy: twoLanguages('Appeal within 60 days') },
    },
  });
  change(definition);
  return definition;
}

const problems = (definition: unknown) => {
  const { errors, warnings } = reviewDefinition(definition);
  return [...errors, ...warnings].map((p) => `${p.pointer}: ${p.message}${p.severity ? ` (${p.severity})` : ''}`);
};

describe('the documents a definition issues', () => {
  it('are accepted when every document named is declared with a template that fits and fields of the form', () => {
    expect(problems(issuing())).toEqual([]);
  });

  it('leave a definition that declares none as it was: its document names are names only', () => {
    expect(problems(issuing((d) => delete d.issuedDocuments))).toEqual([]);
  });

  it('refuse an end step, a letter or an attestation naming an undeclared document', () => {
    expect(
      problems(
        issuing((d) => {
          d.steps.granted.document = 'licence';
          d.steps.refused.letter = 'letter';
          d.deadline.onExpiry.attestation = 'tacit';
        }),
      ),
    ).toEqual([
      '/steps/granted/document: "licence" is not declared in issuedDocuments (declared: permit, silence, refusal)',
      '/steps/refused/letter: "letter" is not declared in issuedDocuments (declared: permit, silence, refusal)',
      '/deadline/onExpiry/attestation: "tacit" is not declared in issuedDocuments (declared: permit, silence, refusal)',
      '/issuedDocuments/permit: no end step or expiry issues "permit" (warning)',
      '/issuedDocuments/silence: no end step or expiry issues "silence" (warning)',
      '/issuedDocuments/refusal: no end step or expiry issues "refusal" (warning)',
    ]);
  });

  it('refuse a field or a holder that is not a field of the form', () => {
    expect(
      problems(
        issuing((d) => {
          d.issuedDocuments.permit.holder.var = 'data.ownerName';
          d.issuedDocuments.permit.fields[0].var = 'data.address.street';
        }),
      ),
    ).toEqual(['/issuedDocuments/permit/holder/var: data.ownerName is not a field of the form', '/issuedDocuments/permit/fields/0/var: data.address.street is not a field of the form']);
  });

  it('refuse a field written as markup or an expression rather than a path into the form', () => {
    const errors = problems(issuing((d) => (d.issuedDocuments.permit.fields[0].var = '#strong[data.fullName]')));
    expect(errors).toEqual([expect.stringMatching(/^\/issuedDocuments\/permit\/fields\/0\/var: must match pattern/)]);
  });

  it('refuse a template whose required texts the definition does not give', () => {
    expect(
      problems(
        issuing((d) => {
          delete d.issuedDocuments.silence.legalBasis;
          delete d.issuedDocuments.refusal.remedy;
          delete d.steps.refused.motivation;
        }),
      ),
    ).toEqual([
      // Language 2 refuses an unmotivated refusal whatever it issues.
      '/steps/refused/motivation: a refusal must be motivated: give the reason in Arabic, French and English',
      '/issuedDocuments/silence/legalBasis: is required by the attestation template: the text that makes silence worth consent',
      '/issuedDocuments/refusal/remedy: is required by the refusal-letter template: how and by when the refusal can be contested',
    ]);
  });

  it('refuse, in language 1 too, a refusal letter without the motivation it prints', () => {
    expect(problems(issuing((d) => ((d.languageVersion = 1), delete d.steps.refused.motivation)))).toEqual([
      '/steps/refused/motivation: is required: the refusal letter "refusal" prints the reasons for the refusal',
      '/steps/refused/motivation: a refusal must be motivated: give the reason in Arabic, French and English (warning)',
    ]);
  });

  it('refuse English missing from a document printed in English', () => {
    expect(problems(issuing((d) => (d.issuedDocuments.permit.title.en = 'Permit')))).toEqual([
      '/issuedDocuments/permit/fields/0/label/en: is required: the title has English, so the document is printed in English too',
    ]);
  });

  it('refuse a template that does not fit where the document is issued', () => {
    expect(
      problems(
        issuing((d) => {
          d.steps.granted.document = 'refusal';
          d.steps.refused.letter = 'permit';
          d.deadline.onExpiry.attestation = 'permit';
        }),
      ),
    ).toEqual([
      '/steps/granted/document: "refusal" is printed with the refusal-letter template; an approving end issues a certificate or an attestation',
      '/steps/refused/letter: "permit" is printed with the certificate template; a letter is a refusal letter',
      '/deadline/onExpiry/attestation: "permit" is printed with the certificate template; consent by silence issues an attestation',
      '/issuedDocuments/silence: no end step or expiry issues "silence" (warning)',
    ]);
  });

  it('refuse a letter on an end that does not refuse', () => {
    expect(problems(issuing((d) => (d.steps.granted.letter = 'refusal')))).toEqual(["/steps/granted/letter: a refusal letter goes with outcome rejected; this end's outcome is approved"]);
  });

  describe('a letter a citizen window issues as it opens', () => {
    /** The refusal opens a window to contest it; the window issues the letter, the end that confirms it names the same one. */
    const withWindow = (change: (d: Definition) => void = () => undefined) =>
      issuing((d) => {
        d.steps.review.outcomes.reject.next = 'contest';
        d.steps.contest = {
          type: 'citizenWindow',
          within: { workingDays: 20 },
          action: { label: text('Complain') },
          next: 'review',
          onExpiry: 'refused',
          letter: 'refusal',
          motivation: text('refused'),
        };
        change(d);
      });

    it('is accepted when it names a declared refusal letter and gives the motivation it prints', () => {
      expect(problems(withWindow())).toEqual([]);
    });

    it('is refused, with its pointer, when it names a document of another template', () => {
      expect(problems(withWindow((d) => (d.steps.contest.letter = 'permit')))).toEqual([
        '/steps/contest/letter: "permit" is printed with the certificate template; the letter a window issues is a refusal letter',
      ]);
    });

    it('is refused when it names an undeclared document, even in a definition that declares none', () => {
      expect(problems(withWindow((d) => (d.steps.contest.letter = 'nothing')))).toEqual([
        '/steps/contest/letter: "nothing" is not declared in issuedDocuments (declared: permit, silence, refusal)',
      ]);
      expect(problems(withWindow((d) => delete d.issuedDocuments))).toEqual([
        '/steps/contest/letter: "refusal" is not declared: the definition declares no issuedDocuments, and a window\'s letter must be a declared refusal letter',
      ]);
    });

    it('is refused without the motivation it prints', () => {
      expect(problems(withWindow((d) => delete d.steps.contest.motivation))).toEqual([
        '/steps/contest/motivation: is required: the refusal letter "refusal" prints the reasons for the refusal',
      ]);
    });
  });

  it('warn about a declared document that nothing issues', () => {
    expect(problems(issuing((d) => (d.issuedDocuments.spare = { ...d.issuedDocuments.permit })))).toEqual(['/issuedDocuments/spare: no end step or expiry issues "spare" (warning)']);
  });
});
