/**
 * What the decision's document is, once an application closes, and what its issuance leaves in the
 * timeline. Pure: the workflow asks `documentToIssue` which document to have the worker issue, then
 * hands the result back as a `documentIssued` event. A refusal that opens a citizen window issues its
 * letter as the window opens (`windowLetterToIssue`), not once the application closes.
 */
import type { CitizenWindowStep, DocumentText, IssuedDocument, ProcedureDefinition } from '../definition.generated.js';

import { documentNotification, LEGAL_DEADLINE } from '../ids.js';
import type { ApplicationEvent } from './events.js';
import type { ApplicationState, CitizenWindowState } from './state.js';

/** What the worker needs to issue a decision's document: no personal data (the form is read from the ledger). */
export interface DocumentIssueRequest {
  trackingNumber: string;
  procedureId: string;
  procedureVersion: number;
  officeId: string;
  /** The definition's document key. */
  document: string;
  declaration: IssuedDocument;
  procedureTitle: DocumentText;
  /** One per decision: an application is decided once, so a retry or a replay finds the same key. */
  issueKey: string;
  decidedAt: string;
  /** The day the legal deadline ran out (the attestation), as the deadline's schedule gives it. */
  dueOn?: string;
  /** The refusal letter's reasons, from the end step that refused (or the window a refusal opened). */
  motivation?: DocumentText;
  /** A letter issued as a citizen window opens: the window's visit, and its last day, the day to contest by. */
  window?: { stepId: string; visit: number };
  contestBy?: string;
}

/** Whether a decision's document is issued for download (the decision's message then says so); only a declared one is issued. */
export function isDownloaded(definition: ProcedureDefinition, document: string | undefined): boolean {
  return document !== undefined && definition.issuedDocuments?.[document]?.delivery === 'download';
}

/** The issue key of an application's decision document. */
export const decisionIssueKey = (trackingNumber: string, document: string): string => `${trackingNumber}:decision:${document}`;

/**
 * The document a closed application's decision issues, if its definition declares it: the certificate
 * of an approving end, the refusal letter of a rejecting one, the attestation of consent by silence.
 */
export function documentToIssue(definition: ProcedureDefinition, state: ApplicationState): DocumentIssueRequest | undefined {
  const declared = definition.issuedDocuments;
  if (state.status !== 'closed' || !state.document || !declared) return undefined;
  const declaration = declared[state.document];
  if (!declaration) return undefined;
  // The refusal this end confirms already had its letter, issued when its window opened: not a second one.
  if (state.refusalLetter?.document === state.document) return undefined;
  const end = state.endStep ? definition.steps[state.endStep] : undefined;
  const motivation = end?.type === 'end' ? end.motivation : undefined;
  const dueOn = state.deadlines[LEGAL_DEADLINE]?.projection?.dueDate;
  return {
    trackingNumber: state.trackingNumber,
    procedureId: state.procedureId,
    procedureVersion: state.procedureVersion,
    officeId: state.officeId,
    document: state.document,
    declaration,
    procedureTitle: definition.title,
    issueKey: decisionIssueKey(state.trackingNumber, state.document),
    decidedAt: state.closedAt ?? state.filedAt,
    ...(motivation ? { motivation } : {}),
    ...(dueOn ? { dueOn } : {}),
  };
}

/** The issue key of a letter issued as a window opens: one per visit of the step. */
const windowIssueKey = (trackingNumber: string, window: CitizenWindowState): string => `${trackingNumber}:${window.openedAtStep ?? window.stepId}:${window.visit}`;

/**
 * The refusal letter an open citizen window issues, if one is still to be asked for: the window's step
 * names a declared `letter`, and its deadline is scheduled, so the letter can print the day the window
 * closes. `asked` holds the issue keys already asked for, issued or not, so a failure is not retried
 * forever. The earliest window first.
 */
export function windowLetterToIssue(definition: ProcedureDefinition, state: ApplicationState, asked: ReadonlySet<string>): DocumentIssueRequest | undefined {
  const declared = definition.issuedDocuments;
  if (state.status !== 'open' || !declared) return undefined;
  const open = Object.values(state.windows ?? {}).sort((a, b) => a.openedAt.localeCompare(b.openedAt));
  for (const window of open) {
    const step = definition.steps[window.stepId] as CitizenWindowStep | undefined;
    const declaration = step?.letter !== undefined ? declared[step.letter] : undefined;
    const due = state.deadlines[window.deadlineId]?.projection;
    const issueKey = windowIssueKey(state.trackingNumber, window);
    if (!step?.letter || !declaration || !due || asked.has(issueKey)) continue;
    return {
      trackingNumber: state.trackingNumber,
      procedureId: state.procedureId,
      procedureVersion: state.procedureVersion,
      officeId: state.officeId,
      document: step.letter,
      declaration,
      procedureTitle: definition.title,
      issueKey,
      decidedAt: window.openedAt,
      ...(step.motivation ? { motivation: step.motivation } : {}),
      window: { stepId: window.openedAtStep ?? window.stepId, visit: window.visit },
      contestBy: due.dueDate,
    };
  }
  return undefined;
}

/** What recording an issuance needs of the interpretation (named here: the interpretation imports this module). */
interface TimelineAndMessages {
  readonly state: ApplicationState;
  log(at: string, kind: string, fields: { stepId?: string; detail: Record<string, unknown> }): void;
  notify(key: string, recipients: string[], template: string, context: Record<string, unknown>): void;
}

/**
 * The issuance in the timeline (and so in the audit chain): which document, its code and hash, never
 * what it says. A document for collection tells the citizen it is ready.
 */
export function documentIssued(run: TimelineAndMessages, event: Extract<ApplicationEvent, { type: 'documentIssued' }>): void {
  const detail = { code: event.code, kind: event.kind, document: event.document, sha256: event.sha256, delivery: event.delivery };
  run.log(event.at, 'document-issued', event.window ? { stepId: event.window.stepId, detail } : { detail });
  // Named by the step it opened at: a window whose step a move renamed since is found by that name too.
  const open = event.window && Object.values(run.state.windows ?? {}).find((w) => (w.openedAtStep ?? w.stepId) === event.window!.stepId);
  // The refusal stands while its window is open, and if the window runs out an end confirms it with this letter.
  if (open && open.visit === event.window!.visit) run.state.refusalLetter = { document: event.document, stepId: open.stepId, visit: open.visit };
  if (event.delivery === 'collection') {
    run.notify(documentNotification(event.code, 'ready'), ['citizen'], 'readyForCollection', { document: event.document });
  }
}

