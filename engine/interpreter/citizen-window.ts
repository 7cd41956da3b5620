/**
 * Citizen windows (language 2): a step that gives the citizen a time to act (complain after a refusal,
 * confirm, object). The application waits at the step with a deadline of its own, like a complement's
 * answer; what the citizen enters is kept as the step's data for the conditions that follow, and the
 * timeline names the fields entered, never their values.
 */
import type { Budget, CitizenWindowStep, ProcedureDefinition, WarningRung } from '../definition.generated.js';
import { DomainError } from '../errors.js';
import { LEGAL_DEADLINE, windowDeadlineId, windowNotification } from '../ids.js';
import type { ApplicationEvent } from './events.js';
import type { Recipient } from './commands.js';
import type { ApplicationState, CitizenWindowState, DeadlineKind, DeadlineState, TimelineEntry, Token } from './state.js';
import { recordMet } from './clocks.js';
import { stepOf } from './steps.js';

/** The moves of a transition a window makes (interpretation.ts), named here so that neither module imports the other. */
export interface WindowMoves {
  readonly definition: ProcedureDefinition;
  readonly state: ApplicationState;
  log(at: string, kind: string, fields?: Omit<TimelineEntry, 'at' | 'kind'>): void;
  notify(key: string, recipients: Recipient[], template: string, context?: Record<string, unknown>): void;
  startDeadline(id: string, kind: DeadlineKind, budget: Budget, warnings: WarningRung[], at: string, extra?: Partial<DeadlineState>): void;
  reschedule(id: string): void;
  finishDeadline(id: string): void;
  enter(token: Token, stepId: string, at: string): void;
}

/** Why the legal deadline pauses while a window with `"legalDeadline": "pause"` is open, as its ledger records it. */
export const WINDOW_PAUSE_REASON = 'the citizen’s turn to act';

function windowStep(definition: ProcedureDefinition, stepId: string): CitizenWindowStep {
  return stepOf(definition, stepId) as CitizenWindowStep;
}

/** Enters a window step: its deadline starts, and the legal deadline stops or pauses if the step says so. */
export function openWindow(run: WindowMoves, token: Token, stepId: string, step: CitizenWindowStep, visit: number, at: string): void {
  const deadlineId = windowDeadlineId(token.id, visit);
  (run.state.windows ??= {})[stepId] = { stepId, token: token.id, deadlineId, visit, openedAt: at };
  const legal = run.state.deadlines[LEGAL_DEADLINE];
  if (legal && !legal.done && step.legalDeadline === 'stop') {
    // The administration has answered: its deadline is met here, and people read that rather than a due date still running.
    recordMet(legal, stepId, at);
    run.log(at, 'legalDeadlineStopped', { stepId, detail: { deadline: LEGAL_DEADLINE } });
  } else if (legal && !legal.done && step.legalDeadline === 'pause' && legal.ledger.at(-1)?.type !== 'paused') {
    legal.ledger.push({ type: 'paused', at, reason: WINDOW_PAUSE_REASON });
    run.reschedule(LEGAL_DEADLINE);
  }
  run.startDeadline(deadlineId, 'citizenWindow', step.within, [], at, { token: token.id });
}

/** The window's deadline is scheduled for the first time: now its due date is known, people are told. */
export function windowScheduled(run: WindowMoves, d: DeadlineState, at: string): void {
  const open = Object.values(run.state.windows ?? {}).find((w) => w.deadlineId === d.id);
  if (!open || !d.projection) return;
  const step = windowStep(run.definition, open.stepId);
  const due = { dueAt: d.projection.dueAt, dueDate: d.projection.dueDate };
  run.log(at, 'windowOpened', { stepId: open.stepId, detail: due });
  const recipients = ['citizen', ...(step.notify ?? []).filter((r) => r !== 'citizen')];
  run.notify(windowNotification(open.stepId, open.visit), recipients, 'windowOpened', { stepId: open.stepId, ...due });
}

/** Closes a window: its deadline is done, and a legal deadline it paused runs again. */
function closeWindow(run: WindowMoves, open: CitizenWindowState, at: string): void {
  delete run.state.windows?.[open.stepId];
  run.finishDeadline(open.deadlineId);
  const legal = run.state.deadlines[LEGAL_DEADLINE];
  const last = legal?.ledger.at(-1);
  if (legal && !legal.done && last?.type === 'paused' && last.reason === WINDOW_PAUSE_REASON) {
    legal.ledger.push({ type: 'resumed', at });
    run.reschedule(LEGAL_DEADLINE);
  }
}

/** The citizen acted in time: the data is the step's, the legal deadline may count anew, the application moves on. */
export function citizenActed(run: WindowMoves, event: Extract<ApplicationEvent, { type: 'citizenActed' }>): void {
  const { state, definition } = run;
  const open = state.windows![event.stepId]!;
  const step = windowStep(definition, event.stepId);
  closeWindow(run, open, event.at);
  // Contested: a later end decides anew, and sends its own letter.
  if (state.refusalLetter?.stepId === event.stepId) delete state.refusalLetter;
  const record = (state.steps[event.stepId] ??= { visits: 1 });
  record.data = event.data;
  // Only the names: what the citizen wrote is personal data, and the timeline is read by many.
  run.log(event.at, 'citizenActed', { stepId: event.stepId, actor: event.actor, detail: { fields: Object.keys(event.data) } });
  if (step.reviewWithin) {
    run.startDeadline(LEGAL_DEADLINE, 'legal', step.reviewWithin, definition.deadline.warnings ?? [], event.at);
    run.log(event.at, 'legalDeadlineRestarted', { stepId: event.stepId, detail: { deadline: LEGAL_DEADLINE, budget: step.reviewWithin } });
  }
  const token = state.tokens[open.token];
  if (token) run.enter(token, step.next, event.at);
}

/** The window's time ran out: the application goes where the step says. */
export function windowExpired(run: WindowMoves, d: DeadlineState, at: string): void {
  const open = Object.values(run.state.windows ?? {}).find((w) => w.deadlineId === d.id);
  const token = open && run.state.tokens[open.token];
  if (!open || !token) return;
  closeWindow(run, open, at);
  run.log(at, 'windowClosed', { stepId: open.stepId, detail: { acted: false } });
  run.enter(token, windowStep(run.definition, open.stepId).onExpiry, at);
}

/** A cancelled token takes its window with it (the application closed, or moved on expiry). */
export function dropWindowsOf(state: ApplicationState, tokenId: string): void {
  for (const open of Object.values(state.windows ?? {})) if (open.token === tokenId) delete state.windows![open.stepId];
}

/** Whether the citizen may act at `stepId` now; throws the reason they may not. */
export function checkCitizenAct(state: ApplicationState, event: Extract<ApplicationEvent, { type: 'citizenActed' }>): void {
  const open = state.windows?.[event.stepId];
  const due = open && state.deadlines[open.deadlineId]?.projection;
  if (!open || (due?.expiresAtMs != null && Date.parse(event.at) >= due.expiresAtMs)) {
    const others = Object.keys(state.windows ?? {});
    throw new DomainError(
      'no_window_open',
      others.length ? `No window is open at step "${event.stepId}"; the citizen may act at: ${others.join(', ')}.` : 'The citizen has no window open to act in.',
      [{ pointer: '/stepId', message: 'names no open window' }],
    );
  }
  if (event.actor !== state.citizen) throw new DomainError('forbidden', 'Only the citizen the application belongs to may act in its window.');
}

/** What the citizen may do now and until when: the window opened first among those open, once its due date is known. */
export function citizenTurnView(state: ApplicationState): { stepId: string; openedAt: string; dueAt: string; dueDate: string } | undefined {
  const open = Object.values(state.windows ?? {}).sort((a, b) => a.openedAt.localeCompare(b.openedAt))[0];
  const due = open && state.deadlines[open.deadlineId]?.projection;
  return open && due ? { stepId: open.stepId, openedAt: open.openedAt, dueAt: due.dueAt, dueDate: due.dueDate } : undefined;
}
