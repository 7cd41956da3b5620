/**
 * The deadlines a filing starts, found without running the interpreter. The API schedules them when it
 * files and sends them with the workflow's input, so that the workflow need not run a local activity for
 * each; the workflow hands each one to the request it answers, matched on the request itself.
 *
 * A filing enters the start step and, through decisions, notifications and parallel branches, every step
 * it reaches at once, up to a task, a service, a wait, a complement request or an end on each path. This
 * walks the same steps in the same order and starts the deadlines interpretation.ts starts there: same
 * ids, budgets, ledgers and warnings, in the order the interpreter asks for them. Keep the two in step:
 * filing-deadlines.test.ts compares them on every shipped procedure and on generated definitions.
 */
import type { Calendar } from '../calendar.js';
import type { Budget, ProcedureDefinition, RequestComplementStep, WarningRung } from '../definition.generated.js';
import type { LedgerEntry } from '../deadline/ledger.js';
import type { DeadlineScheduleRequest } from '../deadline/schedule.js';
import { isTrue, type Expression, type ExpressionEnvironment } from '../expression.js';
import { dayCountingAt } from '../expressions/dates.js';
import { languageOf } from '../language.js';
import { expressionContext, legalBudget } from './conditions.js';
import { COMPLEMENT_PAUSE_REASON, endlessLoop, MAX_STEPS_PER_EVENT } from './interpretation.js';
import { complementDeadlineId, LEGAL_DEADLINE, serviceLevelDeadlineId, taskId, tokenId, waitDeadlineId, windowDeadlineId } from '../ids.js';
import { WINDOW_PAUSE_REASON } from './citizen-window.js';
import type { ApplicationInput, ApplicationState, DeadlineState, Token } from './state.js';
import { stepOf } from './steps.js';
import { clocksStartingOn, scheduleRequestOf, startedClock, startedWaitUntil } from './clocks.js';

export interface FilingDeadline {
  deadlineId: string;
  request: DeadlineScheduleRequest;
}

/**
 * The deadlines the filing transition starts, each with what computing its due date needs, in the order
 * it asks. `calendar` is the one the workflow will read conditions with, for a definition whose
 * conditions count days (readsCalendar).
 */
export function deadlinesStartedOnFiling(input: ApplicationInput, calendar?: Calendar): FilingDeadline[] {
  return new FilingWalk(input, calendar).run();
}

/** One filing walked: only what decides which deadlines start, kept as the interpreter keeps it. */
class FilingWalk {
  readonly started: FilingDeadline[] = [];
  private readonly definition: ProcedureDefinition;
  /** What conditions read; complements, step visits and branches change it as the walk goes. */
  private readonly seen: Pick<ApplicationState, 'data' | 'steps' | 'branches' | 'complement'>;
  /** The running tokens: a join finds its parallel step's token here. */
  private readonly tokens = new Map<string, Token>();
  private tokenCount = 0;
  private taskCount = 0;
  private stepsEntered = 0;
  private legal?: { request: DeadlineScheduleRequest; done: boolean };
  /** Clocks start once: those already started, met or not, by id. */
  private readonly clocks = new Map<string, DeadlineState>();
  /** An end was reached: no clock starts any more. */
  private closed = false;
  /** Every condition met at filing is read at the filing's instant. */
  private readonly environment: ExpressionEnvironment;

  constructor(
    private readonly input: ApplicationInput,
    calendar: Calendar | undefined,
  ) {
    this.definition = input.procedure.definition;
    this.seen = { data: input.data, steps: {}, branches: {}, complement: { count: 0 } };
    this.environment = { language: languageOf(input.procedure), at: input.filedAt, ...(calendar ? { days: dayCountingAt(calendar, input.filedAt) } : {}) };
  }

  run(): FilingDeadline[] {
    if (this.definition.deadline.startsOn !== 'stepEntry') this.startLegal();
    this.startClocks({ filing: true });
    this.enter(this.newToken(this.definition.start), this.definition.start);
    return this.started;
  }

  private start(deadlineId: string, budget: Budget, warnings: WarningRung[]): DeadlineScheduleRequest {
    const ledger: LedgerEntry[] = [{ type: 'started', at: this.input.filedAt }];
    const request = { budget, ledger, warnings };
    this.started.push({ deadlineId, request });
    return request;
  }

  /** A clock or a wait counted from a date asks for its schedule once the date is known. */
  private startCounted(d: DeadlineState): void {
    const request = scheduleRequestOf(d);
    if (request) this.started.push({ deadlineId: d.id, request });
  }

  private startClocks(trigger: { filing: true } | { stepId: string }): void {
    if (this.closed) return;
    for (const [clockId, clock] of clocksStartingOn(this.definition, trigger)) {
      if (this.clocks.has(clockId)) continue;
      const d = startedClock(clockId, clock, this.seen, this.input.filedAt, this.environment);
      this.clocks.set(clockId, d);
      this.startCounted(d);
    }
  }

  /** As the interpreter meets a clock, before its schedule comes back: never late yet. Its request shares the ledger. */
  private meetClocks(stepId: string): void {
    for (const [clockId, clock] of Object.entries(this.definition.clocks ?? {})) {
      const d = this.clocks.get(clockId);
      if (!d || d.done || !clock.stopsOn.includes(stepId)) continue;
      d.ledger.push({ type: 'met', at: this.input.filedAt, step: stepId, late: false });
      d.done = true;
    }
  }

  private startLegal(): void {
    const budget = legalBudget(this.definition, expressionContext(this.seen), this.environment);
    this.legal = { request: this.start(LEGAL_DEADLINE, budget, this.definition.deadline.warnings ?? []), done: false };
  }

  private newToken(stepId: string, branch?: Token['branch']): Token {
    this.tokenCount += 1;
    const token: Token = { id: tokenId(this.tokenCount), stepId, ...(branch ? { branch } : {}) };
    this.tokens.set(token.id, token);
    return token;
  }

  private enter(token: Token, stepId: string): void {
    // The interpreter's bound, so that a loop that never waits fails here as it does there.
    this.stepsEntered += 1;
    if (this.stepsEntered > MAX_STEPS_PER_EVENT) throw endlessLoop(stepId);
    const step = stepOf(this.definition, stepId);
    token.stepId = stepId;
    const record = (this.seen.steps[stepId] ??= { visits: 0 });
    record.visits += 1;
    const deadline = this.definition.deadline;
    if (deadline.startsOn === 'stepEntry' && deadline.step === stepId && !this.legal) this.startLegal();
    this.meetClocks(stepId);
    this.startClocks({ stepId });
    switch (step.type) {
      case 'userTask':
        this.taskCount += 1;
        if (step.serviceLevel) {
          this.start(serviceLevelDeadlineId(taskId(this.input.trackingNumber, stepId, this.taskCount)), step.serviceLevel.budget, step.serviceLevel.warnings ?? []);
        }
        return;
      case 'decision': {
        const context = expressionContext(this.seen);
        const chosen = step.cases.find((c) => isTrue(c.when as Expression, context, this.environment));
        return this.enter(token, chosen ? chosen.next : step.otherwise);
      }
      case 'parallel': {
        token.branches = {};
        const outcomes: Record<string, string | null> = (this.seen.branches[stepId] = {});
        for (const [branchId, branch] of Object.entries(step.branches)) {
          // A branch that joined at once may have completed the step: the interpreter fails on the next one.
          if (!token.branches) throw new Error(`parallel step "${stepId}" completed while its branches were still starting`);
          token.branches[branchId] = 'running';
          outcomes[branchId] = null;
          this.enter(this.newToken(branch.start, { parallel: token.id, branchId }), branch.start);
        }
        return;
      }
      case 'join':
        return this.join(token);
      case 'requestComplement':
        return this.askComplement(token, step);
      case 'wait': {
        if (step.for) {
          this.start(waitDeadlineId(token.id, record.visits), step.for, []);
          return;
        }
        const until = startedWaitUntil(token, step, record.visits, this.seen, this.input.filedAt, this.environment);
        if (until) return this.startCounted(until);
        return this.enter(token, step.next);
      }
      case 'citizenWindow': {
        const legal = this.legal;
        if (legal && !legal.done && step.legalDeadline === 'stop') legal.done = true;
        else if (legal && !legal.done && step.legalDeadline === 'pause' && legal.request.ledger.at(-1)?.type !== 'paused') {
          legal.request.ledger.push({ type: 'paused', at: this.input.filedAt, reason: WINDOW_PAUSE_REASON });
          this.started.push({ deadlineId: LEGAL_DEADLINE, request: { ...legal.request } });
        }
        this.start(windowDeadlineId(token.id, record.visits), step.within, []);
        return;
      }
      case 'notify':
        return this.enter(token, step.next);
      case 'end':
        // Closing cancels every token and deadline; branches still to start are entered all the same.
        this.tokens.clear();
        if (this.legal) this.legal.done = true;
        for (const clock of this.clocks.values()) clock.done = true;
        this.closed = true;
        return;
      case 'serviceTask':
        return;
    }
  }

  private join(token: Token): void {
    const branch = token.branch;
    const parent = branch ? this.tokens.get(branch.parallel) : undefined;
    if (!branch || !parent?.branches) return;
    const step = stepOf(this.definition, parent.stepId);
    if (step.type !== 'parallel') return;
    parent.branches[branch.branchId] = 'joined';
    const joined = Object.values(parent.branches).filter((s) => s === 'joined').length;
    const total = Object.keys(parent.branches).length;
    const completion = step.completion;
    const needed = completion.mode === 'nOfM' ? completion.n : completion.mode === 'all' ? total : 1;
    if (joined < needed) return;
    // The interpreter also cancels the branches still running: no token entered at filing meets them again.
    delete parent.branches;
    this.enter(parent, step.next);
  }

  private askComplement(token: Token, step: RequestComplementStep): void {
    const complement = this.seen.complement;
    if (step.onlyOnce && complement.count >= 1) {
      if (step.ifAlreadyRequested) return this.enter(token, step.ifAlreadyRequested);
      throw new Error('a complement may be requested only once, and the filing would request it again');
    }
    complement.count += 1;
    const legal = this.legal;
    if (legal && !legal.done && this.definition.deadline.onComplement !== 'continue') {
      // The interpreter's request shares the ledger its first one names: both see the pause.
      legal.request.ledger.push({ type: 'paused', at: this.input.filedAt, reason: COMPLEMENT_PAUSE_REASON });
      this.started.push({ deadlineId: LEGAL_DEADLINE, request: { ...legal.request } });
    }
    this.start(complementDeadlineId(complement.count), step.answerWithin, []);
  }
}
