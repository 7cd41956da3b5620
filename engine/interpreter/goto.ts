/**
 * A `goto` expiry (language 2): when the legal deadline runs out, the application does not close but
 * moves to a step the definition names (e.g. an implicit refusal that opens the citizen's window to
 * complain). Whatever was open is cancelled first, each task logged with the reason.
 */
import type { Expiry } from '../definition.generated.js';
import { expiryNotification, LEGAL_DEADLINE } from '../ids.js';
import type { Recipient } from './commands.js';
import type { ApplicationState, DeadlineState, TimelineEntry, Token } from './state.js';

/** The moves of a transition a `goto` makes (interpretation.ts), named here so that neither module imports the other. */
export interface GotoMoves {
  readonly state: ApplicationState;
  log(at: string, kind: string, fields?: Omit<TimelineEntry, 'at' | 'kind'>): void;
  notify(key: string, recipients: Recipient[], template: string, context?: Record<string, unknown>): void;
  reschedule(id: string): void;
  cancelToken(token: Token, at: string): void;
  newToken(stepId: string): Token;
  enter(token: Token, stepId: string, at: string): void;
}

export function moveOnExpiry(run: GotoMoves, d: DeadlineState, expiry: Extract<Expiry, { action: 'goto' }>, at: string): void {
  const { state } = run;
  const reason = `the legal deadline expired: the application moved to step "${expiry.step}"`;
  const cancelled = Object.values(state.tasks).filter((t) => t.status === 'open' || t.status === 'claimed');
  for (const task of cancelled) run.log(at, 'taskCancelled', { taskId: task.id, stepId: task.stepId, detail: { deadline: d.id, reason } });
  for (const token of Object.values(state.tokens)) if (state.tokens[token.id]) run.cancelToken(token, at);
  const cancelledIds = new Set(cancelled.map((t) => t.id));
  for (const other of Object.values(state.deadlines)) if (other.taskId && cancelledIds.has(other.taskId)) other.done = true;
  delete state.complement.open;
  const legal = state.deadlines[LEGAL_DEADLINE];
  if (legal && !legal.done && legal.ledger.at(-1)?.type === 'paused') {
    legal.ledger.push({ type: 'resumed', at });
    run.reschedule(LEGAL_DEADLINE);
  }
  run.notify(expiryNotification(d.id), expiry.notify ?? [], 'deadlineExpired', { deadline: d.id, dueAt: d.projection?.dueAt, step: expiry.step });
  run.log(at, 'movedOnExpiry', { stepId: expiry.step, detail: { deadline: d.id, tasks: cancelled.map((t) => t.id) } });
  run.enter(run.newToken(expiry.step), expiry.step, at);
}
