/**
 * One transition under construction: the moves the interpreter makes while it applies an event (enter a
 * step, create a task, start a deadline, ask for a complement, close the application), each changing the
 * state in place and adding the commands its shell must carry out. transition.ts decides which moves an
 * event makes.
 */
import type {
  Budget,
  Expiry,
  LocalizedText,
  ProcedureDefinition,
  RequestComplementStep,
  Step,
  UserTaskStep,
  WarningRung,
} from '../definition.generated.js';
import { DomainError } from '../errors.js';
import { evaluate, isTrue, type Expression, type ExpressionEnvironment } from '../expression.js';
import type { LanguageVersion } from '../language.js';
import type { Command, Recipient } from './commands.js';
import { complementRequest, type ComplementWay } from './complements.js';
import { environmentAt, expressionContext, legalTerms, type ConditionReading } from './conditions.js';
import { isInternal } from '../internal-procedures.js';
import type { ApplicationState, DeadlineKind, DeadlineState, Outcome, TaskState, TimelineEntry, Token } from './state.js';
import { complementOutcome, stepOf } from './steps.js';
import { dropWindowsOf, openWindow } from './citizen-window.js';
import { isDownloaded } from './issued-documents.js';
import { deadlineTemplate, meetClocks, moveOnExpiry, scheduleRequestOf, startClocks, waitUntil } from './clocks.js';
import { complementDeadlineId, complementNotification, DECISION_NOTIFICATION, escalationDeadlineId, expiryNotification, LEGAL_DEADLINE, notificationKey, serviceLevelDeadlineId, stepNotification, taskId, tokenId, waitDeadlineId } from '../ids.js';

/** Why the legal deadline pauses when a complement is requested, as its ledger records it. */
export const COMPLEMENT_PAUSE_REASON = 'waiting for the citizen’s documents';

/**
 * How many steps one event may move an application through before every path waits for a person, a
 * timer or the citizen. A definition that loops without waiting would otherwise never stop; the validator
 * refuses such loops in language 2, and no real procedure comes near this many steps in one go.
 */
export const MAX_STEPS_PER_EVENT = 1000;

export function endlessLoop(stepId: string): DomainError {
  return new DomainError(
    'invalid_definition',
    `The application went through ${MAX_STEPS_PER_EVENT} steps without waiting for a person, a timer or the citizen, the last one "${stepId}": the definition loops there; a loop needs a task, a wait step or a complement request on it.`,
  );
}

/** Where a token goes on at once, once a step is done with it. */
interface Move {
  token: Token;
  stepId: string;
}

/** How the first step of a move is entered: by a task's outcome (and who chose it), or by the flow. */
interface Entry {
  way: ComplementWay;
  actor?: string;
}

/** Builds up one transition: the state is copied once, then changed in place. */
export class Interpretation {
  readonly commands: Command[] = [];
  private stepsEntered = 0;

  constructor(
    readonly definition: ProcedureDefinition,
    readonly state: ApplicationState,
    private readonly reading: ConditionReading,
  ) {}

  /** The definition's language version: where version 2 corrected the interpreter, version 1 keeps its ways. */
  get language(): LanguageVersion {
    return this.reading.language;
  }

  /** How the definition's expressions are read for an event at `at`. */
  environment(at: string): ExpressionEnvironment {
    return environmentAt(this.reading, at);
  }

  log(at: string, kind: string, fields: Omit<TimelineEntry, 'at' | 'kind'> = {}): void {
    this.state.counters.timeline += 1;
    this.commands.push({ type: 'timeline', seq: this.state.counters.timeline, entry: { at, kind, ...fields } });
  }

  notify(key: string, recipients: Recipient[], template: string, context: Record<string, unknown> = {}): void {
    // An internal procedure has no citizen: the messages the engine sends a citizen have no one to go to.
    if (isInternal(this.definition)) recipients = recipients.filter((r) => r !== 'citizen');
    if (!recipients.length) return;
    this.commands.push({
      type: 'notify',
      key: notificationKey(this.state.trackingNumber, key),
      recipients,
      template,
      context: { trackingNumber: this.state.trackingNumber, procedureId: this.state.procedureId, ...context },
    });
  }

  newToken(stepId: string, branch?: Token['branch']): Token {
    this.state.counters.tokens += 1;
    const token: Token = { id: tokenId(this.state.counters.tokens), stepId, ...(branch ? { branch } : {}) };
    this.state.tokens[token.id] = token;
    return token;
  }

  start(at: string): void {
    if (this.definition.deadline.startsOn !== 'stepEntry') this.startLegalDeadline(at);
    startClocks(this, { filing: true }, at);
    this.enter(this.newToken(this.definition.start), this.definition.start, at);
  }

  /** The legal deadline, on the terms of the variant that holds now; the variant's own extension is kept with it. */
  private startLegalDeadline(at: string): void {
    const { budget, extension } = legalTerms(this.definition, expressionContext(this.state), environmentAt(this.reading, at));
    this.startDeadline(LEGAL_DEADLINE, 'legal', budget, this.definition.deadline.warnings ?? [], at, extension ? { extension } : {});
  }

  startDeadline(id: string, kind: DeadlineKind, budget: Budget, warnings: WarningRung[], at: string, extra: Partial<DeadlineState> = {}): void {
    this.state.deadlines[id] = { id, kind, budget, warnings, ledger: [{ type: 'started', at }], done: false, ...extra };
    this.reschedule(id);
  }

  /** Asks the shell to compute the deadline's schedule again (its ledger or the calendar changed). */
  reschedule(id: string): void {
    const d = this.state.deadlines[id];
    const request = d && !d.done ? scheduleRequestOf(d) : undefined;
    if (request) this.commands.push({ type: 'scheduleDeadline', deadlineId: id, ...request });
  }

  finishDeadline(id: string): void {
    const d = this.state.deadlines[id];
    if (d) d.done = true;
  }

  /** What arriving at a step means whatever the step does: the visit, a deadline that starts there, the log. */
  private arrive(token: Token, stepId: string, at: string): { step: Step; visits: number } {
    this.stepsEntered += 1;
    if (this.stepsEntered > MAX_STEPS_PER_EVENT) throw endlessLoop(stepId);
    const step = stepOf(this.definition, stepId);
    token.stepId = stepId;
    const record = (this.state.steps[stepId] ??= { visits: 0 });
    record.visits += 1;
    const deadline = this.definition.deadline;
    if (deadline.startsOn === 'stepEntry' && deadline.step === stepId && !this.state.deadlines[LEGAL_DEADLINE]) {
      this.startLegalDeadline(at);
    }
    meetClocks(this, stepId, at);
    startClocks(this, { stepId }, at);
    this.log(at, 'stepEntered', { stepId });
    return { step, visits: record.visits };
  }

  /**
   * Moves a token into a step, does what the step does on entry, and goes on while the way is open: a
   * loop rather than a call per step, so that a long way through decisions and notifications cannot
   * exhaust the stack (the bound above stops one that never ends). Parallel branches are entered one
   * after the other, each to where it waits, in the order the definition lists them.
   */
  enter(token: Token, stepId: string, at: string, entry: Entry = { way: 'step' }): void {
    let move: Move | undefined = { token, stepId };
    let how = entry;
    while (move) {
      move = this.enterOne(move.token, move.stepId, at, how);
      how = { way: 'step' };
    }
  }

  private enterOne(token: Token, stepId: string, at: string, entry: Entry): Move | undefined {
    const { step, visits } = this.arrive(token, stepId, at);
    switch (step.type) {
      case 'userTask':
        this.createTask(token, stepId, step, visits, at);
        return undefined;
      case 'serviceTask': {
        const context = expressionContext(this.state);
        const environment = environmentAt(this.reading, at);
        const input = Object.fromEntries(
          Object.entries(step.input ?? {}).map(([name, expression]) => [name, evaluate(expression as Expression, context, environment)]),
        );
        this.commands.push({
          type: 'runService',
          token: token.id,
          stepId,
          activity: step.activity,
          input,
          ...(step.retry ? { retry: step.retry } : {}),
        });
        return undefined;
      }
      case 'decision': {
        const context = expressionContext(this.state);
        const environment = environmentAt(this.reading, at);
        const chosen = step.cases.find((c) => isTrue(c.when as Expression, context, environment));
        return { token, stepId: chosen ? chosen.next : step.otherwise };
      }
      case 'parallel': {
        token.branches = {};
        this.state.branches[stepId] = {};
        for (const [branchId, branch] of Object.entries(step.branches)) {
          token.branches[branchId] = 'running';
          this.state.branches[stepId]![branchId] = null;
          this.enter(this.newToken(branch.start, { parallel: token.id, branchId }), branch.start, at);
        }
        return undefined;
      }
      case 'join':
        return this.join(token, at);
      case 'requestComplement':
        return this.askComplement(token, stepId, step, at, entry.way, entry.actor ?? 'system');
      case 'wait':
        if (!step.for) return waitUntil(this, token, step, visits, at) ? { token, stepId: step.next } : undefined;
        this.startDeadline(waitDeadlineId(token.id, visits), 'wait', step.for, [], at, { token: token.id });
        return undefined;
      case 'citizenWindow':
        openWindow(this, token, stepId, step, visits, at);
        return undefined;
      case 'notify':
        this.notify(stepNotification(stepId, visits), step.notify, step.template, { stepId });
        return { token, stepId: step.next };
      case 'end':
        // Only a definition declaring its documents keeps its end step: one written before issues nothing.
        if (this.definition.issuedDocuments) this.state.endStep = stepId;
        this.close(
          step.outcome,
          at,
          { document: step.document ?? step.letter, motivation: step.motivation?.en, ...(step.forwardedTo ? { forwardedTo: step.forwardedTo } : {}) },
          this.endedInBranch(token, stepId),
        );
        return undefined;
    }
  }

  /** Why the other branches' tasks are cancelled, when an end is reached inside a branch. */
  private endedInBranch(token: Token, stepId: string): string | undefined {
    if (!token.branch) return undefined;
    const parallel = this.state.tokens[token.branch.parallel]?.stepId ?? token.branch.parallel;
    return `end "${stepId}" was reached in branch "${token.branch.branchId}" of "${parallel}" before the branches joined`;
  }

  private createTask(token: Token, stepId: string, step: UserTaskStep, visit: number, at: string): void {
    this.state.counters.tasks += 1;
    const task: TaskState = {
      id: taskId(this.state.trackingNumber, stepId, this.state.counters.tasks),
      stepId,
      role: step.role,
      officeId: this.state.officeId,
      status: 'open',
      createdAt: at,
      token: token.id,
      visit,
    };
    this.state.tasks[task.id] = task;
    this.commands.push({ type: 'createTask', task: { ...task } });
    if (step.serviceLevel) {
      this.startDeadline(serviceLevelDeadlineId(task.id), 'serviceLevel', step.serviceLevel.budget, step.serviceLevel.warnings ?? [], at, {
        token: token.id,
        taskId: task.id,
      });
    }
  }

  /**
   * Cancels what a token waits on: its open task and its deadlines; a parallel token's branches too. With
   * a reason, each cancelled task is logged with it, so nobody wonders where a task went.
   */
  cancelToken(token: Token, at: string, reason?: string): void {
    for (const task of Object.values(this.state.tasks)) {
      if (task.token === token.id && (task.status === 'open' || task.status === 'claimed')) {
        task.status = 'cancelled';
        this.commands.push({ type: 'updateTask', task: { ...task } });
        if (reason) this.log(at, 'taskCancelled', { taskId: task.id, stepId: task.stepId, detail: { reason } });
      }
    }
    for (const d of Object.values(this.state.deadlines)) if (d.token === token.id) d.done = true;
    if (this.state.complement.open?.token === token.id) delete this.state.complement.open;
    dropWindowsOf(this.state, token.id);
    for (const child of Object.values(this.state.tokens)) {
      if (child.branch?.parallel === token.id) this.cancelToken(child, at, reason);
    }
    delete this.state.tokens[token.id];
  }

  /** A branch ends at its join; when enough have, the parallel step's token goes on to its next step. */
  private join(token: Token, at: string): Move | undefined {
    const branch = token.branch;
    delete this.state.tokens[token.id];
    if (!branch) return undefined;
    const parent = this.state.tokens[branch.parallel];
    if (!parent?.branches) return undefined;
    const step = stepOf(this.definition, parent.stepId);
    if (step.type !== 'parallel') return undefined;
    parent.branches[branch.branchId] = 'joined';
    this.state.branches[parent.stepId]![branch.branchId] = token.lastOutcome ?? null;
    const joined = Object.values(parent.branches).filter((s) => s === 'joined').length;
    const total = Object.keys(parent.branches).length;
    const completion = step.completion;
    const needed = completion.mode === 'nOfM' ? completion.n : completion.mode === 'all' ? total : 1;
    if (joined < needed) return undefined;
    for (const child of Object.values(this.state.tokens)) {
      if (child.branch?.parallel === parent.id) {
        parent.branches[child.branch.branchId] = 'cancelled';
        this.cancelToken(child, at);
      }
    }
    delete parent.branches;
    this.log(at, 'branchesJoined', { stepId: parent.stepId, detail: { branches: this.state.branches[parent.stepId] } });
    return { token: parent, stepId: step.next };
  }

  /**
   * Asks the citizen for documents, as complements.ts decides, and for fields of the form (language 2):
   * those the agent names, or every one the step names when it asks by itself. A second request where
   * only one is allowed moves on instead.
   */
  private askComplement(token: Token, stepId: string, step: RequestComplementStep, at: string, way: ComplementWay, actor: string, named?: string[], note?: string, namedFields?: string[]): Move | undefined {
    // Law 55.19: a missing document may be asked for only once per file.
    const request = complementRequest(this.definition, this.state, stepId, step, way, this.language, named, namedFields);
    if ('goTo' in request) return { token, stepId: request.goTo };
    this.state.complement.count += 1;
    const fields = way === 'action' ? namedFields : step.fields;
    this.state.complement.open = {
      stepId,
      token: token.id,
      documents: request.ask,
      ...(fields?.length ? { fields } : {}),
      requestedAt: at,
      requestedBy: actor,
      ...(note ? { note } : {}),
    };
    const legal = this.state.deadlines[LEGAL_DEADLINE];
    const effect = this.definition.deadline.onComplement;
    if (legal && !legal.done && effect !== 'continue') {
      legal.ledger.push({ type: 'paused', at, reason: COMPLEMENT_PAUSE_REASON });
      this.reschedule(LEGAL_DEADLINE);
    }
    this.startDeadline(complementDeadlineId(this.state.complement.count), 'complementAnswer', step.answerWithin, [], at, { token: token.id });
    // Fields named only when asked, so that a request without them logs and sends what it always did.
    const asked = fields?.length ? { fields } : {};
    this.log(at, 'complementRequested', { stepId, actor, detail: { documents: this.state.complement.open.documents, ...asked } });
    this.notify(complementNotification(this.state.complement.count), ['citizen'], 'complementRequested', {
      documents: this.state.complement.open.documents,
      ...asked,
    });
    return undefined;
  }

  requestComplementFrom(task: TaskState, step: UserTaskStep, asked: { documents: string[]; fields?: string[] }, note: string | undefined, actor: string, at: string): void {
    const [outcome, target] = complementOutcome(this.definition, step)!;
    this.finishTask(task, outcome, undefined, actor, at);
    const token = this.state.tokens[task.token]!;
    // The agent chose the documents: the step is entered as usual, then asks for those only.
    const { step: request } = this.arrive(token, target, at);
    const move = this.askComplement(token, target, request as RequestComplementStep, at, 'action', actor, asked.documents, note, asked.fields);
    if (move) this.enter(move.token, move.stepId, at);
  }

  finishTask(task: TaskState, outcome: string, data: Record<string, unknown> | undefined, actor: string, at: string): void {
    task.status = 'completed';
    task.outcome = outcome;
    task.completedAt = at;
    task.completedBy = actor;
    task.assignee = actor;
    if (data) task.data = data;
    this.commands.push({ type: 'updateTask', task: { ...task } });
    const record = (this.state.steps[task.stepId] ??= { visits: 1 });
    record.outcome = outcome;
    if (data) record.data = data;
    const token = this.state.tokens[task.token];
    if (token) token.lastOutcome = outcome;
    this.finishDeadline(serviceLevelDeadlineId(task.id));
    this.log(at, 'taskCompleted', { stepId: task.stepId, taskId: task.id, actor, detail: { outcome } });
  }

  /** Closes the application; `cancelledBecause` is logged with each task still open, when there is a reason to. */
  close(
    outcome: Outcome,
    at: string,
    extra: { document?: string; grantedBySilence?: boolean; motivation?: string; forwardedTo?: LocalizedText } = {},
    cancelledBecause?: string,
  ): void {
    const state = this.state;
    state.status = 'closed';
    state.outcome = outcome;
    state.closedAt = at;
    if (extra.document) state.document = extra.document;
    if (extra.grantedBySilence) state.grantedBySilence = true;
    if (extra.motivation) state.motivation = extra.motivation;
    if (extra.forwardedTo) state.forwardedTo = extra.forwardedTo;
    for (const token of Object.values(state.tokens)) this.cancelToken(token, at, cancelledBecause);
    for (const d of Object.values(state.deadlines)) d.done = true;
    delete state.complement.open;
    this.log(at, 'closed', { detail: { outcome, ...extra } });
    this.commands.push({
      type: 'closeApplication',
      outcome,
      ...(extra.document ? { document: extra.document } : {}),
      ...(extra.grantedBySilence ? { grantedBySilence: true } : {}),
    });
    const downloadable = isDownloaded(this.definition, extra.document);
    this.notify(DECISION_NOTIFICATION, ['citizen'], extra.grantedBySilence ? 'grantedBySilence' : 'decision', {
      outcome,
      document: extra.document,
      ...(downloadable ? { downloadable: true } : {}),
      ...(extra.forwardedTo ? { forwardedTo: extra.forwardedTo } : {}),
    });
  }

  /** What a deadline's expiry does, as the definition says. */
  expire(deadline: DeadlineState, expiry: Expiry | undefined, at: string): void {
    if (!expiry) return;
    const key = expiryNotification(deadline.id);
    switch (expiry.action) {
      case 'notify':
        return this.notify(key, expiry.notify, deadlineTemplate(deadline, 'expired'), { deadline: deadline.id, dueAt: deadline.projection?.dueAt });
      case 'goto':
        return moveOnExpiry(this, deadline, expiry, at);
      case 'escalate': {
        const tasks = Object.values(this.state.tasks).filter(
          (t) => (t.status === 'open' || t.status === 'claimed') && (!deadline.taskId || t.id === deadline.taskId),
        );
        for (const task of tasks) {
          task.role = expiry.toRole;
          task.status = 'open';
          task.escalated = true;
          delete task.assignee;
          this.commands.push({ type: 'updateTask', task: { ...task } });
          this.log(at, 'taskEscalated', { taskId: task.id, stepId: task.stepId, detail: { toRole: expiry.toRole, deadline: deadline.id } });
        }
        this.notify(key, expiry.notify ?? [expiry.toRole], 'escalation', {
          deadline: deadline.id,
          dueAt: deadline.projection?.dueAt,
          tasks: tasks.map((t) => t.id),
        });
        if (expiry.next) {
          // When the escalated work is late again, the people the escalation named hear of it.
          const onExpiry: Expiry = { action: 'notify', notify: (expiry.notify?.length ? expiry.notify : [expiry.toRole]) as [string, ...string[]] };
          this.startDeadline(escalationDeadlineId(deadline.id), 'escalation', expiry.next, [], at, {
            onExpiry,
            ...(deadline.taskId ? { taskId: deadline.taskId } : {}),
          });
        }
        return;
      }
      case 'autoApprove':
        return this.close('approved', at, { document: expiry.attestation, grantedBySilence: true });
      case 'autoReject':
        return this.close('rejected', at, { motivation: expiry.motivation.en, document: undefined });
    }
  }
}
