/**
 * The definition's named clocks (language 2), waits until a date in the data, and the expiry that
 * moves an application to a step. A clock is a deadline like the others (`clock:<id>` in the
 * application's deadlines, its own ledger, warnings and timers); what is particular to it is here:
 *
 * - it starts once, at filing or the first time the application enters its `step`;
 * - entering one of its `stopsOn` steps meets it: its ledger says `met`, on time or late, and it stops;
 * - it expires like a service level (notify, escalate) or moves the application (`goto`), and an
 *   expired clock keeps running until it is met, so that a late meeting is recorded as late;
 * - counted from a date in the data (`from`), it starts counting when the date becomes known and is
 *   rescheduled when the data changes it (a `dated` entry each time); a date that disappears again
 *   leaves the last one known; once expired, it no longer follows the date.
 *
 * A definition without clocks, `until` waits or `goto` expiries never reaches this code's effects:
 * every history recorded before replays as it ran.
 */
import type { Budget, Clock, Expiry, ProcedureDefinition, Step, WaitStep, WarningRung } from '../definition.generated.js';
import type { DeadlineScheduleRequest } from '../deadline/schedule.js';
import { parseLocalDate } from '../calendar.js';
import { evaluate, type Expression, type ExpressionEnvironment } from '../expression.js';
import { clockDeadlineId, expiryNotification, LEGAL_DEADLINE, parseDeadlineId, waitDeadlineId } from '../ids.js';
import type { Recipient } from './commands.js';
import { expressionContext } from './conditions.js';
import type { ApplicationState, DeadlineState, TimelineEntry, Token } from './state.js';

/** What the clocks need of the transition under way (interpretation.ts). */
export interface ClockMoves {
  readonly definition: ProcedureDefinition;
  readonly state: ApplicationState;
  log(at: string, kind: string, fields?: Omit<TimelineEntry, 'at' | 'kind'>): void;
  notify(key: string, recipients: Recipient[], template: string, context?: Record<string, unknown>): void;
  reschedule(id: string): void;
  cancelToken(token: Token, at: string): void;
  newToken(stepId: string): Token;
  enter(token: Token, stepId: string, at: string): void;
  /** How expressions are read for an event at `at`. */
  environment(at: string): ExpressionEnvironment;
}

/** What expressions read of an application. */
type Seen = Pick<ApplicationState, 'data' | 'steps' | 'branches' | 'complement'>;

/** A wait until a date: a deadline of no length, counted after the date. */
const UNTIL: Budget = { duration: 'PT0S' };

const DATE_TIME = /^(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?$/i;

/**
 * The date an expression gives, as the ledger records it: a real date `YYYY-MM-DD` or an ISO 8601
 * date-time; undefined for anything else (a missing field, a number, "next Monday").
 */
function dateIn(expression: unknown, state: Seen, environment: ExpressionEnvironment): string | undefined {
  const value = evaluate(expression as Expression, expressionContext(state), environment);
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (parseLocalDate(text) !== undefined) return text;
  const m = DATE_TIME.exec(text);
  return m && parseLocalDate(m[1]!) !== undefined && !Number.isNaN(Date.parse(m[4] ? text : `${text}Z`)) ? text : undefined;
}

/** The clocks that start on this trigger (the filing, or entering a step), in the definition's order. */
export function clocksStartingOn(definition: ProcedureDefinition, trigger: { filing: true } | { stepId: string }): Array<[string, Clock]> {
  return Object.entries(definition.clocks ?? {}).filter(([, c]) => ('filing' in trigger ? c.startsOn === 'filing' : c.startsOn === 'stepEntry' && c.step === trigger.stepId));
}

/** A clock as it starts: counted from `at`, or from its date when the data gives one (else it waits for it). */
export function startedClock(clockId: string, clock: Clock, state: Seen, at: string, environment: ExpressionEnvironment): DeadlineState {
  const id = clockDeadlineId(clockId);
  const warnings: WarningRung[] = clock.warnings ?? [];
  const base = { id, kind: 'clock' as const, warnings, label: clock.label, done: false };
  if (!clock.from) return { ...base, budget: clock.budget!, ledger: [{ type: 'started', at }] };
  const relative = 'before' in clock.from ? ('before' as const) : ('after' as const);
  const budget = 'before' in clock.from ? clock.from.before : clock.from.after;
  const date = dateIn(clock.from.date, state, environment);
  return { ...base, budget, relative, ledger: [{ type: 'started', at }, ...(date ? [{ type: 'dated' as const, at, date }] : [])] };
}

/** A wait until the date its expression gives, or undefined when the data gives none. */
export function startedWaitUntil(token: Token, step: WaitStep, visit: number, state: Seen, at: string, environment: ExpressionEnvironment): DeadlineState | undefined {
  const date = dateIn(step.until, state, environment);
  if (!date) return undefined;
  return { id: waitDeadlineId(token.id, visit), kind: 'wait', budget: UNTIL, warnings: [], relative: 'after', ledger: [{ type: 'started', at }, { type: 'dated', at, date }], token: token.id, done: false };
}

/** What computing a deadline's schedule needs, or undefined while it waits for its date. */
export function scheduleRequestOf(d: DeadlineState): DeadlineScheduleRequest | undefined {
  if (d.relative && !d.ledger.some((e) => e.type === 'dated')) return undefined;
  return {
    budget: d.budget,
    ledger: d.ledger,
    warnings: d.warnings,
    ...(d.projection ? { previousCalendarVersion: d.projection.calendar.version } : {}),
    ...(d.relative ? { relative: d.relative } : {}),
  };
}

/** Starts the clocks that start on this trigger and have not started yet. */
export function startClocks(run: ClockMoves, trigger: { filing: true } | { stepId: string }, at: string): void {
  // Branches still starting after one of them closed the application start nothing more.
  if (run.state.status !== 'open') return;
  for (const [clockId, clock] of clocksStartingOn(run.definition, trigger)) {
    const id = clockDeadlineId(clockId);
    if (run.state.deadlines[id]) continue;
    run.state.deadlines[id] = startedClock(clockId, clock, run.state, at, run.environment(at));
    run.reschedule(id);
  }
}

/** Stops a deadline met at `stepId`, on time or late (once expired or past its due instant), as its ledger says; the answer is whether late. */
export function recordMet(d: DeadlineState, stepId: string, at: string): boolean {
  const due = d.projection?.dueInstantMs;
  const late = d.ledger.some((e) => e.type === 'expired') || (due !== undefined && Date.parse(at) > due);
  d.ledger.push({ type: 'met', at, step: stepId, late });
  d.done = true;
  return late;
}

/** Entering `stepId` meets the running clocks it stops: on time, or late once expired or past due. */
export function meetClocks(run: ClockMoves, stepId: string, at: string): void {
  for (const [clockId, clock] of Object.entries(run.definition.clocks ?? {})) {
    const d = run.state.deadlines[clockDeadlineId(clockId)];
    if (!d || d.done || !clock.stopsOn.includes(stepId)) continue;
    const late = recordMet(d, stepId, at);
    run.log(at, 'clockMet', { stepId, detail: { deadline: d.id, late, dueAt: d.projection?.dueAt } });
  }
}

/** The expression a deadline counted from a date reads it from: its clock's `from`, or its wait's `until`. */
function dateExpression(definition: ProcedureDefinition, state: ApplicationState, d: DeadlineState): unknown {
  const key = parseDeadlineId(d.id);
  if (key?.kind === 'clock') return definition.clocks?.[key.clockId]?.from?.date;
  const step: Step | undefined = d.token ? definition.steps[state.tokens[d.token]?.stepId ?? ''] : undefined;
  return step?.type === 'wait' ? step.until : undefined;
}

/**
 * After every event: a running deadline counted from a date in the data follows that date. It starts
 * counting when the date becomes known, and a changed date reschedules it; both are in its ledger.
 */
export function followDates(run: ClockMoves, at: string): void {
  const { state } = run;
  if (state.status !== 'open') return;
  for (const d of Object.values(state.deadlines)) {
    if (!d.relative || d.done || d.ledger.some((e) => e.type === 'expired')) continue;
    const expression = dateExpression(run.definition, state, d);
    const date = expression === undefined ? undefined : dateIn(expression, state, run.environment(at));
    const last = d.ledger.filter((e) => e.type === 'dated').at(-1);
    if (!date || (last?.type === 'dated' && last.date === date)) continue;
    const previousDate = last?.type === 'dated' ? last.date : undefined;
    d.ledger.push({ type: 'dated', at, date, ...(previousDate ? { previousDate } : {}) });
    run.log(at, 'clockDated', { detail: { deadline: d.id, date, ...(previousDate ? { previousDate } : {}) } });
    run.reschedule(d.id);
  }
}

/** A wait whose date had passed when it was scheduled ends at once, and says so. */
export function endWaitIfPast(run: ClockMoves, d: DeadlineState, at: string): void {
  const token = d.token ? run.state.tokens[d.token] : undefined;
  const step = token ? run.definition.steps[token.stepId] : undefined;
  const expires = d.projection?.expiresAtMs;
  if (d.kind !== 'wait' || !d.relative || d.done || !token || step?.type !== 'wait' || expires == null || expires > Date.parse(at)) return;
  d.ledger.push({ type: 'expired', at });
  d.done = true;
  run.log(at, 'waitEnded', { stepId: token.stepId, detail: { deadline: d.id, until: d.projection?.dueAt, reason: 'the date had already passed' } });
  run.enter(token, step.next, at);
}

/** Enters a wait until a date: its deadline when the data gives a date; true when there is none, and it goes on at once. */
export function waitUntil(run: ClockMoves, token: Token, step: WaitStep, visit: number, at: string): boolean {
  const d = startedWaitUntil(token, step, visit, run.state, at, run.environment(at));
  if (d) {
    run.state.deadlines[d.id] = d;
    run.reschedule(d.id);
    return false;
  }
  run.log(at, 'waitEnded', { stepId: token.stepId, detail: { reason: 'no date in the application' } });
  return true;
}

/** What a clock does when it expires, as the definition says. */
export function clockExpiry(definition: ProcedureDefinition, d: DeadlineState): Expiry | undefined {
  const key = parseDeadlineId(d.id);
  return key?.kind === 'clock' ? definition.clocks?.[key.clockId]?.onExpiry : undefined;
}

/** The template a deadline's warnings and expiry are told with: a clock's name its own. */
export function deadlineTemplate(d: DeadlineState, what: 'warning' | 'expired'): string {
  if (d.kind === 'clock') return what === 'warning' ? 'clockWarning' : 'clockExpired';
  return what === 'warning' ? 'deadlineWarning' : 'deadlineExpired';
}

/**
 * A `goto` expiry: every open task is cancelled, with the reason on the timeline; a complement still
 * awaited is no longer awaited (the legal deadline it paused runs again); the application goes on at
 * the step.
 */
export function moveOnExpiry(run: ClockMoves, d: DeadlineState, expiry: Extract<Expiry, { action: 'goto' }>, at: string): void {
  const { state } = run;
  const name = d.label ? `the clock "${d.label.en}"` : d.kind === 'legal' ? 'the legal deadline' : `deadline ${d.id}`;
  const reason = `${name} expired: the application moved to step "${expiry.step}"`;
  const cancelled = Object.values(state.tasks).filter((t) => t.status === 'open' || t.status === 'claimed');
  for (const task of cancelled) {
    run.log(at, 'taskCancelled', { taskId: task.id, stepId: task.stepId, detail: { deadline: d.id, reason } });
  }
  for (const token of Object.values(state.tokens)) if (state.tokens[token.id]) run.cancelToken(token, at);
  const cancelledIds = new Set(cancelled.map((t) => t.id));
  for (const other of Object.values(state.deadlines)) if (other.taskId && cancelledIds.has(other.taskId)) other.done = true;
  delete state.complement.open;
  const legal = state.deadlines[LEGAL_DEADLINE];
  if (legal && !legal.done && legal.ledger.at(-1)?.type === 'paused') {
    legal.ledger.push({ type: 'resumed', at });
    run.reschedule(LEGAL_DEADLINE);
  }
  run.notify(expiryNotification(d.id), expiry.notify ?? [], deadlineTemplate(d, 'expired'), { deadline: d.id, dueAt: d.projection?.dueAt, step: expiry.step });
  run.log(at, 'movedOnExpiry', { stepId: expiry.step, detail: { deadline: d.id, tasks: cancelled.map((t) => t.id) } });
  run.enter(run.newToken(expiry.step), expiry.step, at);
}
