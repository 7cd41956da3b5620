/**
 * A procedure's own messages, as the validator reads them: a designer words a notification in the
 * definition, and every mistake in it is one line naming the text's pointer and the reason.
 */
import { describe, expect, it } from 'vitest';
import { testProcedure, text } from '../test/helpers/definitions.js';
import { reviewDefinition } from './catalogue.js';

const tell = { type: 'notify', notify: ['citizen', 'supervisor'], template: 'hearingSet', next: 'granted' };

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Definition = Record<string, any>;

/** A language-2 procedure whose approval sends its own message `hearingSet`, worded by `fr` (ar and en valid). */
function withMessage(fr: string, extra: Record<string, unknown> = {}): Definition {
  return testProcedure('message-check', {
    languageVersion: 2,
    steps: { review: { type: 'userTask', role: 'agent', title: text('Review'), outcomes: { approve: { next: 'tell' }, reject: { next: 'refused' } } }, tell },
    messages: {
      hearingSet: { title: text('Hearing'), text: { ar: 'Mohla: {trackingNumber}', fr, en: 'Mohla: {trackingNumber} ({procedure})' } },
      ...extra,
    },
  });
}

const problems = (definition: unknown) => {
  const { errors, warnings } = reviewDefinition(definition);
  return [...errors, ...warnings].map((p) => `${p.pointer}: ${p.message}${p.severity ? ` (${p.severity})` : ''}`);
};

describe("a procedure's own messages", () => {
  it('are accepted with arguments, counts in Arabic plural forms and choices, and a notify step may name them', () => {
    const arabic =
      'Mohla: {audience, select, staff {الملف {trackingNumber}} other {طلبكم {trackingNumber}}}: {documentCount, plural, zero {لا وثيقة} one {وثيقة واحدة} two {وثيقتان} few {# وثائق} many {# وثيقة} other {# وثيقة}}.';
    const definition = withMessage('Mohla : {outcome, select, approved {acceptée} forwarded {transmise à {forwardedTo}} other {close}} le {dueAt}, <b>{timeLeft}</b>.');
    definition.messages.hearingSet.text.ar = arabic;
    expect(problems(definition)).toEqual([]);
  });

  it('refuse a text that is not an ICU message, naming where it breaks', () => {
    expect(problems(withMessage('Mohla : {trackingNumber'))).toEqual(['/messages/hearingSet/text/fr: not an ICU message at character 9: the { opened here is not closed']);
  });

  it('refuse an argument Mohla does not give, listing those it does', () => {
    expect(problems(withMessage('Mohla : {fullName}'))[0]).toBe(
      '/messages/hearingSet/text/fr: {fullName} is not something a message can say; it may use trackingNumber, procedure, dueAt, timeLeft, tasks, taskCount, documents, documentCount, fields, fieldCount, action, motivation, forwardedTo, reason, clock, outcome, audience',
    );
  });

  it('refuse formatting a date again, counting a text and choosing on what is not a choice', () => {
    expect(problems(withMessage('{dueAt, date, long} {documents, plural, one {#} other {#}} {procedure, select, x {y} other {z}} {outcome}'))).toEqual([
      "/messages/hearingSet/text/fr: {dueAt, date}: dates come already written in the reader's language; write {dueAt}",
      '/messages/hearingSet/text/fr: {documents, plural} needs a number (taskCount, documentCount, fieldCount); documents is text: write it as {documents}',
      '/messages/hearingSet/text/fr: {procedure, select} needs a choice (outcome, audience); procedure is text: write it as {procedure}',
      '/messages/hearingSet/text/fr: {outcome} needs a text or a number (trackingNumber, procedure, dueAt, timeLeft, tasks, documents, fields, action, motivation, forwardedTo, reason, clock, taskCount, documentCount, fieldCount); outcome is a choice: use it in {outcome, select, …}',
    ]);
  });

  it('refuse a choice value that never happens', () => {
    expect(problems(withMessage('{outcome, select, granted {x} other {y}}'))).toEqual([
      '/messages/hearingSet/text/fr: {outcome, select}: "granted" never happens; its values are approved, rejected, withdrawn, closed, partiallyGranted, forwarded, none and other',
    ]);
  });

  it('check the title as the text, and warn about a message no step sends', () => {
    const definition = withMessage('Mohla : {trackingNumber}', { unused: { title: { ...text('Unused'), fr: 'Audience {date' }, text: text('never sent') } });
    expect(problems(definition)).toEqual([
      '/messages/unused/title/fr: not an ICU message at character 10: the { opened here is not closed',
      '/messages/unused: no notify step sends "unused" (warning)',
    ]);
  });

  it("may reword one of Mohla's own events for the procedure, which the engine sends without a notify step", () => {
    const definition = withMessage('Mohla : {trackingNumber}', { filed: { title: text('Filed'), text: text('Mohla: {trackingNumber} is filed, answer by {dueAt}.') } });
    expect(problems(definition)).toEqual([]);
  });

  it("name the procedure's own messages when a notify step names one that does not exist", () => {
    const definition = withMessage('Mohla : {trackingNumber}');
    definition.steps.tell = { ...tell, template: 'hearingMoved' };
    expect(problems(definition)).toEqual([
      '/steps/tell/template: no message template "hearingMoved": this procedure\'s messages are hearingSet',
      '/messages/hearingSet: no notify step sends "hearingSet" (warning)',
    ]);
  });

  it('refuse a text in a missing language or longer than an SMS chain allows', () => {
    const definition = withMessage('x'.repeat(1001));
    delete definition.messages.hearingSet.text.ar;
    expect(problems(definition).join('\n')).toMatch(/\/messages\/hearingSet\/text.*ar/);
  });
});
