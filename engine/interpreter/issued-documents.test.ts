/**
 * Which document a closed application issues, read from its definition and state, and what recording
 * the issuance does: pure functions, run through the simulator and the transition function.
 */
import { describe, expect, it } from 'vitest';
import { validateDefinition } from '../../registry/catalogue.js';
import type { ProcedureDefinition } from '../definition.generated.js';
import { simulate, type Scenario } from '../simulator.js';
import { testProcedure, text } from '../../test/helpers/definitions.js';
import { shippedCalendar } from '../../test/helpers/shipped-calendar.js';
import { applyEvent } from './transition.js';
import { documentToIssue, windowLetterToIssue } from './issued-documents.js';
import { nextTimer } from './timers.js';
import { expiryTimerId } from '../ids.js';

const calendar = shippedCalendar();
const two = (words: string) => ({ ar: `${words} ar`, fr: `${words} fr` });

function issuing(delivery: 'download' | 'collection' | 'post', declared = true): ProcedureDefinition {
  const d = testProcedure('issuing-engine', {
    form: { type: 'object', properties: { fullName: { type: 'string' } } },
    deadline: { budget: { duration: 'PT1H' }, startsOn: 'filing', onComplement: 'pause', onExpiry: { action: 'autoApprove', end: 'granted', attestation: 'silence' } },
    steps: {
      review: { type: 'userTask', role: 'agent', title: text('Review'), outcomes: { approve: { next: 'granted' }, reject: { next: 'refused' } } },
      granted: { type: 'end', outcome: 'approved', document: 'permit' },
      refused: { type: 'end', outcome: 'rejected', motivation: text('refused'), ...(declared ? { letter: 'refusal' } : {}) },
    },
    ...(declared
      ? {
          issuedDocuments: {
            permit: { template: 'certificate', title: two('Permit'), delivery, holder: { var: 'data.fullName' } },
            silence: { template: 'attestation', title: two('Silence'), delivery: 'download', holder: { var: 'data.fullName' }, legalBasis: two('Article 48') },
            refusal: { template: 'refusal-letter', title: two('Refusal'), delivery: 'download', holder: { var: 'data.fullName' }, remedy: two('Appeal') },
          },
        }
      : {}),
  });
  expect(validateDefinition(d)).toEqual([]);
  return d as unknown as ProcedureDefinition;
}

const filedAt = '2026-03-16T09:00:00.000Z';
const run = (d: ProcedureDefinition, events: Scenario['events'] = [], until?: string) =>
  simulate(d, { filedAt, data: { fullName: 'Amina' }, events, ...(until ? { until } : {}) }, calendar);

describe('the document a decision issues', () => {
  it('is the approving end\'s certificate, once per decision', async () => {
    const { state } = await run(issuing('download'), [{ action: 'complete', step: 'review', outcome: 'approve', after: 'PT10M' }]);
    expect(documentToIssue(issuing('download'), state)).toMatchObject({ document: 'permit', issueKey: `${state.trackingNumber}:decision:permit`, declaration: { template: 'certificate' } });
  });

  it("is the rejecting end's letter, with that end's motivation", async () => {
    const { state } = await run(issuing('download'), [{ action: 'complete', step: 'review', outcome: 'reject', after: 'PT10M' }]);
    expect(state.document).toBe('refusal');
    expect(documentToIssue(issuing('download'), state)).toMatchObject({ document: 'refusal', motivation: text('refused'), declaration: { template: 'refusal-letter' } });
  });

  it('is the attestation when the deadline runs out, with the day it ran out', async () => {
    const { state } = await run(issuing('download'), [], '2026-03-16T11:00:00.000Z');
    expect(state.grantedBySilence).toBe(true);
    expect(documentToIssue(issuing('download'), state)).toMatchObject({ document: 'silence', dueOn: '2026-03-16', declaration: { template: 'attestation' } });
  });

  it('is none for a definition that declares no documents, which closes as it always did', async () => {
    const legacy = issuing('download', false);
    const { state } = await run(legacy, [{ action: 'complete', step: 'review', outcome: 'reject', after: 'PT10M' }]);
    expect(state.endStep).toBeUndefined();
    expect(state.document).toBeUndefined();
    expect(documentToIssue(legacy, state)).toBeUndefined();
  });

  it('is recorded in the timeline without personal data, and one for collection tells the citizen it is ready', async () => {
    const definition = issuing('collection');
    const { state } = await run(definition, [{ action: 'complete', step: 'review', outcome: 'approve', after: 'PT10M' }]);
    const event = { type: 'documentIssued' as const, code: 'K7QM3XHD9RTBWC4P', kind: 'certificate', document: 'permit', sha256: 'a'.repeat(64), delivery: 'collection', at: '2026-03-16T09:20:00.000Z' };
    const { commands } = applyEvent(definition, state, event, { language: 2 });
    expect(commands).toEqual([
      { type: 'timeline', seq: state.counters.timeline + 1, entry: { at: event.at, kind: 'document-issued', detail: { code: event.code, kind: 'certificate', document: 'permit', sha256: event.sha256, delivery: 'collection' } } },
      {
        type: 'notify',
        key: `${state.trackingNumber}:document:${event.code}:ready`,
        recipients: ['citizen'],
        template: 'readyForCollection',
        context: { document: 'permit', procedureId: 'issuing-engine', trackingNumber: state.trackingNumber },
      },
    ]);
  });

  it('says in the decision message that a document to download can be downloaded', async () => {
    const decision = async (delivery: 'download' | 'collection') => {
      const definition = issuing(delivery);
      const { state } = await run(definition, [], '2026-03-16T09:05:00.000Z');
      const task = Object.values(state.tasks)[0]!;
      const event = { type: 'taskCompleted' as const, taskId: task.id, outcome: 'approve', actor: 'agent-1', at: '2026-03-16T09:10:00.000Z' };
      const notify = applyEvent(definition, state, event, { language: 2 }).commands.find((c) => c.type === 'notify' && c.template === 'decision');
      return notify?.type === 'notify' ? notify.context : undefined;
    };
    expect(await decision('download')).toMatchObject({ outcome: 'approved', document: 'permit', downloadable: true });
    expect(await decision('collection')).not.toHaveProperty('downloadable');
  });
});

describe('the letter a citizen window issues as it opens', () => {
  /** A refusal opens a window to contest it, which issues the letter; the end that confirms the refusal names the same letter. */
  function contested(): ProcedureDefinition {
    const d = issuing('download') as unknown as { steps: Record<string, unknown>; issuedDocuments: Record<string, unknown> };
    d.steps.review = { type: 'userTask', role: 'agent', title: text('Review'), outcomes: { approve: { next: 'granted' }, reject: { next: 'contest' } } };
    d.steps.contest = {
      type: 'citizenWindow',
      within: { duration: 'PT30M' },
      action: { label: text('Complain') },
      next: 'reconsider',
      onExpiry: 'refused',
      letter: 'refusal',
      motivation: text('refused at once'),
    };
    d.steps.reconsider = { type: 'userTask', role: 'agent', title: text('Reconsider'), outcomes: { uphold: { next: 'granted' }, dismiss: { next: 'dismissed' } } };
    d.steps.dismissed = { type: 'end', outcome: 'rejected', motivation: text('dismissed'), letter: 'dismissal' };
    d.issuedDocuments.dismissal = { template: 'refusal-letter', title: two('Dismissal'), delivery: 'download', holder: { var: 'data.fullName' }, remedy: two('Court') };
    expect(validateDefinition(d)).toEqual([]);
    return d as unknown as ProcedureDefinition;
  }
  const refusedAt = '2026-03-16T09:10:00.000Z';
  const issuedEvent = (at: string) => ({
    type: 'documentIssued' as const,
    code: 'K7QM3XHD9RTBWC4P',
    kind: 'refusal-letter',
    document: 'refusal',
    sha256: 'b'.repeat(64),
    delivery: 'download',
    window: { stepId: 'contest', visit: 1 },
    at,
  });

  it("is asked for once the window's deadline is known, with the step's motivation and the window's last day, once per visit", async () => {
    const definition = contested();
    const { state } = await run(definition, [{ action: 'complete', step: 'review', outcome: 'reject', at: refusedAt }], '2026-03-16T09:15:00.000Z');
    expect(state.status).toBe('open');
    const request = windowLetterToIssue(definition, state, new Set());
    expect(request).toMatchObject({
      document: 'refusal',
      issueKey: `${state.trackingNumber}:contest:1`,
      decidedAt: refusedAt,
      motivation: text('refused at once'),
      window: { stepId: 'contest', visit: 1 },
      contestBy: state.deadlines[state.windows!.contest!.deadlineId]!.projection!.dueDate,
      declaration: { template: 'refusal-letter' },
    });
    expect(windowLetterToIssue(definition, state, new Set([request!.issueKey]))).toBeUndefined();
  });

  it('is not issued again by the end that confirms the refusal once the window runs out', async () => {
    const definition = contested();
    const { state } = await run(definition, [{ action: 'complete', step: 'review', outcome: 'reject', at: refusedAt }], '2026-03-16T09:15:00.000Z');
    const issued = applyEvent(definition, state, issuedEvent('2026-03-16T09:16:00.000Z'), { language: 2 });
    expect(issued.commands[0]).toMatchObject({ type: 'timeline', entry: { kind: 'document-issued', stepId: 'contest', detail: { code: 'K7QM3XHD9RTBWC4P', document: 'refusal' } } });
    expect(issued.state.refusalLetter).toEqual({ document: 'refusal', stepId: 'contest', visit: 1 });
    // The window runs out: the application closes on the refusal it already holds the letter of.
    const timer = nextTimer(issued.state, 2)!;
    expect(timer.id).toBe(expiryTimerId(issued.state.windows!.contest!.deadlineId));
    const closed = applyEvent(definition, issued.state, { type: 'timerFired', timerId: timer.id, at: new Date(timer.atMs).toISOString() }, { language: 2 }).state;
    expect(closed).toMatchObject({ status: 'closed', outcome: 'rejected', document: 'refusal', endStep: 'refused' });
    expect(documentToIssue(definition, closed)).toBeUndefined();
  });

  it('does not stop the letter of a later decision once the citizen contested the refusal', async () => {
    const definition = contested();
    const { state } = await run(definition, [{ action: 'complete', step: 'review', outcome: 'reject', at: refusedAt }], '2026-03-16T09:15:00.000Z');
    const issued = applyEvent(definition, state, issuedEvent('2026-03-16T09:16:00.000Z'), { language: 2 }).state;
    const acted = applyEvent(definition, issued, { type: 'citizenActed', stepId: 'contest', data: {}, actor: issued.citizen, at: '2026-03-16T09:20:00.000Z' }, { language: 2 }).state;
    expect(acted.refusalLetter).toBeUndefined();
    // Had the dismissal named the same letter, it would be issued: this is another decision.
    expect(documentToIssue(definition, { ...acted, status: 'closed', document: 'refusal', endStep: 'refused' })).toMatchObject({ document: 'refusal', issueKey: `${acted.trackingNumber}:decision:refusal` });
  });

  it('keeps the issue key it was asked for under when a move to a corrected version renames its step: no second letter', async () => {
    const definition = contested();
    const { state } = await run(definition, [{ action: 'complete', step: 'review', outcome: 'reject', at: refusedAt }], '2026-03-16T09:15:00.000Z');
    const asked = windowLetterToIssue(definition, state, new Set())!;
    // Version 2 calls the window "objection"; the letter was asked for before the move and is issued after it.
    const corrected = structuredClone(definition) as unknown as { version: number; steps: Record<string, Record<string, unknown>> };
    corrected.version = 2;
    corrected.steps.objection = corrected.steps.contest!;
    delete corrected.steps.contest;
    (corrected.steps.review!.outcomes as Record<string, { next: string }>).reject!.next = 'objection';
    const v2 = corrected as unknown as ProcedureDefinition;
    const migrated = { type: 'migrated' as const, planId: 'mp-1', fromVersion: 1, toVersion: 2, steps: { contest: 'objection' }, renamed: { contest: 'objection' }, deadlines: {}, actor: 'admin-1', at: '2026-03-16T09:15:30.000Z' };
    const moved = applyEvent(v2, state, migrated, { language: 2 }).state;
    expect(moved.windows?.objection).toMatchObject({ stepId: 'objection', visit: 1 });
    expect(windowLetterToIssue(v2, moved, new Set([asked.issueKey]))).toBeUndefined();
    expect(windowLetterToIssue(v2, moved, new Set())).toMatchObject({ issueKey: asked.issueKey, window: asked.window });
    // The letter asked for before the move holds the refusal of the renamed window.
    expect(applyEvent(v2, moved, issuedEvent('2026-03-16T09:16:00.000Z'), { language: 2 }).state.refusalLetter).toEqual({ document: 'refusal', stepId: 'objection', visit: 1 });
  });

  it('is asked for by no window of a definition that names no letter', async () => {
    const definition = contested() as unknown as { steps: Record<string, Record<string, unknown>> };
    delete definition.steps.contest!.letter;
    const { state } = await run(definition as unknown as ProcedureDefinition, [{ action: 'complete', step: 'review', outcome: 'reject', at: refusedAt }], '2026-03-16T09:15:00.000Z');
    expect(state.windows?.contest).toBeDefined();
    expect(windowLetterToIssue(definition as unknown as ProcedureDefinition, state, new Set())).toBeUndefined();
  });
});
