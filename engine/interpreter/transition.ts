/**
 * The interpreter: a pure state machine over one application. Given the pinned definition, the current
 * state and one event, it returns the new state and the commands the shell (the Temporal workflow, or
 * the simulator) must carry out. It never reads a clock: every instant comes in the event.
 */
import type {
  Budget,
  EndStep,
  Expiry,
  ProcedureDefinition,
  RequestComplementStep,
  Step,
  UserTaskStep,
  WarningRung,
} from '../definition.generated.js';
import { DomainError } from '../errors.js';
import type { LedgerEntry } from '../deadline.js';
import type { DeadlineProjection, PrefetchedProjection } from '../deadline-projection.js';
import { evaluate, isTrue, type Expression } from '../expression.js';

export type Outcome = EndStep['outcome'];

export interface PinnedProcedure {
  id: string;
  version: number;
  /** sha256 of the canonical definition: proves which text the application ran on. */
  hash: string;
  definition: ProcedureDefinition;
}

export interface ApplicationInput {
  trackingNumber: string;
  procedure: PinnedProcedure;
  officeId: string;
  data: Record<string, unknown>;
  /** Who filed it: the citizen, or the agent filing at a counter on a citizen's behalf. */
  filedBy: string;
  filedAt: string;
  /** The citizen the application belongs to (differs from filedBy at a counter). */
  citizen?: string;
  /**
   * The workflow behaviours the application started with (WORKFLOW_VERSION in workflows/messages.ts):
   * a new history chooses them by this number rather than by patch markers. Absent in older histories.
   */
  workflowVersion?: number;
  /** The filing's deadlines, projected by the API when it filed (engine/filing-projections.ts). */
  filingProjections?: PrefetchedProjection[];
}

export type TaskStatus = 'open' | 'claimed' | 'completed' | 'cancelled';

export interface TaskState {
  id: string;
  stepId: string;
  role: string;
  officeId: string;
  status: TaskStatus;
  assignee?: string;
  outcome?: string;
  data?: Record<string, unknown>;
  createdAt: string;
  completedAt?: string;
  completedBy?: string;
  /** Set when a deadline escalated the task to a supervising role. */
  escalated?: boolean;
  /** The token (position in the graph) waiting on this task. */
  token: string;
}

// ---------------------------------------------------------------------------------------------------
// Deadlines: the ledger is the truth; the projection (due instant, rung instants) comes back from the
// shell, which computes it with the calendar in an activity so that replay never depends on calendar
// data or time-zone rules that changed later.

export type DeadlineKind = 'legal' | 'serviceLevel' | 'escalation' | 'wait' | 'complementAnswer';

export interface DeadlineState {
  id: string;
  kind: DeadlineKind;
  budget: Budget;
  warnings: WarningRung[];
  ledger: LedgerEntry[];
  projection?: DeadlineProjection;
  /** The token the deadline belongs to (service levels, waits, complement answers). */
  token?: string;
  taskId?: string;
  /** What expiry does, when the deadline itself says so (an escalation's follow-up deadline). */
  onExpiry?: Expiry;
  done: boolean;
}

/** A position in the graph: one per running branch. */
export interface Token {
  id: string;
  stepId: string;
  /** The parallel step instance and branch this token runs in. */
  branch?: { parallel: string; branchId: string };
  /** Outcome of the last task completed on this token: what a branch reports at its join. */
  lastOutcome?: string;
  /** A parallel step's token waits for its branches. */
  branches?: Record<string, 'running' | 'joined' | 'cancelled'>;
}

export interface ComplementState {
  count: number;
  open?: {
    stepId: string;
    token: string;
    documents: string[];
    note?: string;
    requestedAt: string;
    requestedBy: string;
  };
}

export interface TimelineEntry {
  at: string;
  kind: string;
  actor?: string;
  stepId?: string;
  taskId?: string;
  detail?: Record<string, unknown>;
}

export interface ApplicationState {
  trackingNumber: string;
  procedureId: string;
  procedureVersion: number;
  officeId: string;
  status: 'open' | 'closed';
  outcome?: Outcome;
  /** Document issued with the outcome, as the end step (or the attestation of silence) names it. */
  document?: string;
  /** The decision was granted by the administration's silence. */
  grantedBySilence?: boolean;
  motivation?: string;
  data: Record<string, unknown>;
  filedBy: string;
  citizen: string;
  filedAt: string;
  closedAt?: string;
  tasks: Record<string, TaskState>;
  tokens: Record<string, Token>;
  steps: Record<string, { outcome?: string; data?: Record<string, unknown>; result?: unknown; visits: number }>;
  branches: Record<string, Record<string, string | null>>;
  deadlines: Record<string, DeadlineState>;
  complement: ComplementState;
  extensions: number;
  /** Counters so that ids never repeat when a step is visited again. */
  counters: { tasks: number; tokens: number; timeline: number };
  /** Increases with every change: projections ignore a write older than what they hold. */
  revision: number;
}

export type ApplicationEvent =
  | { type: 'filed'; at: string }
  | { type: 'taskClaimed'; taskId: string; actor: string; at: string }
  | { type: 'taskReleased'; taskId: string; actor: string; at: string }
  | { type: 'taskCompleted'; taskId: string; outcome: string; data?: Record<string, unknown>; actor: string; at: string }
  | { type: 'taskReassigned'; taskId: string; toRole?: string; toAgent?: string; actor: string; at: string }
  | { type: 'complementRequested'; taskId: string; documents: string[]; note?: string; actor: string; at: string }
  | { type: 'complementProvided'; documents: string[]; actor: string; at: string }
  | { type: 'extensionGranted'; units: number; reason: string; noticeGivenAt?: string; actor: string; at: string }
  | { type: 'serviceCompleted'; token: string; result: unknown; at: string }
  | { type: 'serviceFailed'; token: string; error: string; at: string }
  | { type: 'deadlineProjected'; deadlineId: string; projection: DeadlineProjection; at: string }
  | { type: 'timerFired'; timerId: string; at: string }
  | { type: 'withdrawn'; actor: string; reason?: string; at: string }
  | { type: 'calendarChanged'; at: string };

export type Recipient = string;

export type Command =
  | { type: 'createTask'; task: TaskState }
  | { type: 'updateTask'; task: TaskState }
  | { type: 'runService'; token: string; stepId: string; activity: string; input: Record<string, unknown>; retry?: Record<string, unknown> }
  | { type: 'projectDeadline'; deadlineId: string; budget: Budget; ledger: LedgerEntry[]; warnings: WarningRung[]; previousCalendarVersion?: number }
  | { type: 'notify'; key: string; recipients: Recipient[]; template: string; context: Record<string, unknown> }
  | { type: 'timeline'; seq: number; entry: TimelineEntry }
  | { type: 'closeApplication'; outcome: Outcome; document?: string; grantedBySilence?: boolean };

export interface Transition {
  state: ApplicationState;
  commands: Command[];
}

export const LEGAL_DEADLINE = 'legal';

export function initialState(input: ApplicationInput): ApplicationState {
  return {
    trackingNumber: input.trackingNumber,
    procedureId: input.procedure.id,
    procedureVersion: input.procedure.version,
    officeId: input.officeId,
    status: 'open',
    data: input.data,
    filedBy: input.filedBy,
    citizen: input.citizen ?? input.filedBy,
    filedAt: input.filedAt,
    tasks: {},
    tokens: {},
    steps: {},
    branches: {},
    deadlines: {},
    complement: { count: 0 },
    extensions: 0,
    counters: { tasks: 0, tokens: 0, timeline: 0 },
    revision: 0,
  };
}

function stepOf(definition: ProcedureDefinition, stepId: string): Step {
  const step = definition.steps[stepId];
  // Definitions are validated before publication; reaching this means the pinned text is corrupt.
  if (!step) throw new Error(`definition ${definition.id} v${definition.version} has no step "${stepId}"`);
  return step;
}

/** The budget that applies at filing: the first variant whose condition holds, else the budget. */
export function legalBudget(definition: ProcedureDefinition, context: unknown): Budget {
  const variant = (definition.deadline.variants ?? []).find((v) => isTrue(v.when as Expression, context));
  return variant?.budget ?? definition.deadline.budget;
}

/** What conditions and input mappings may read. */
export function expressionContext(state: ApplicationState): Record<string, unknown> {
  return {
    data: state.data,
    steps: state.steps,
    branches: state.branches,
    complement: { requested: state.complement.count },
  };
}

// ---------------------------------------------------------------------------------------------------

/** Builds up one transition: the state is copied once, then changed in place. */
class Interpretation {
  readonly commands: Command[] = [];

  constructor(
    readonly definition: ProcedureDefinition,
    readonly state: ApplicationState,
  ) {}

  log(at: string, kind: string, fields: Omit<TimelineEntry, 'at' | 'kind'> = {}): void {
    this.state.counters.timeline += 1;
    this.commands.push({ type: 'timeline', seq: this.state.counters.timeline, entry: { at, kind, ...fields } });
  }

  notify(key: string, recipients: Recipient[], template: string, context: Record<string, unknown> = {}): void {
    if (!recipients.length) return;
    this.commands.push({
      type: 'notify',
      key: `${this.state.trackingNumber}:${key}`,
      recipients,
      template,
      context: { trackingNumber: this.state.trackingNumber, procedureId: this.state.procedureId, ...context },
    });
  }

  private newToken(stepId: string, branch?: Token['branch']): Token {
    this.state.counters.tokens += 1;
    const token: Token = { id: `t${this.state.counters.tokens}`, stepId, ...(branch ? { branch } : {}) };
    this.state.tokens[token.id] = token;
    return token;
  }

  start(at: string): void {
    const deadline = this.definition.deadline;
    if (deadline.startsOn !== 'stepEntry') {
      this.startDeadline(LEGAL_DEADLINE, 'legal', legalBudget(this.definition, expressionContext(this.state)), deadline.warnings ?? [], at);
    }
    this.enter(this.newToken(this.definition.start), this.definition.start, at);
  }

  startDeadline(id: string, kind: DeadlineKind, budget: Budget, warnings: WarningRung[], at: string, extra: Partial<DeadlineState> = {}): void {
    this.state.deadlines[id] = { id, kind, budget, warnings, ledger: [{ type: 'started', at }], done: false, ...extra };
    this.reproject(id);
  }

  /** Asks the shell to compute the deadline's due instant again (its ledger or the calendar changed). */
  reproject(id: string): void {
    const d = this.state.deadlines[id];
    if (!d || d.done) return;
    this.commands.push({
      type: 'projectDeadline',
      deadlineId: id,
      budget: d.budget,
      ledger: d.ledger,
      warnings: d.warnings,
      ...(d.projection ? { previousCalendarVersion: d.projection.calendar.version } : {}),
    });
  }

  finishDeadline(id: string): void {
    const d = this.state.deadlines[id];
    if (d) d.done = true;
  }

  /** Moves a token into a step and does what the step does on entry. */
  /** What arriving at a step means whatever the step does: the visit, a deadline that starts there, the log. */
  private arrive(token: Token, stepId: string, at: string): { step: Step; visits: number } {
    const step = stepOf(this.definition, stepId);
    token.stepId = stepId;
    const record = (this.state.steps[stepId] ??= { visits: 0 });
    record.visits += 1;
    const deadline = this.definition.deadline;
    if (deadline.startsOn === 'stepEntry' && deadline.step === stepId && !this.state.deadlines[LEGAL_DEADLINE]) {
      this.startDeadline(LEGAL_DEADLINE, 'legal', legalBudget(this.definition, expressionContext(this.state)), deadline.warnings ?? [], at);
    }
    this.log(at, 'stepEntered', { stepId });
    return { step, visits: record.visits };
  }

  enter(token: Token, stepId: string, at: string): void {
    const { step, visits } = this.arrive(token, stepId, at);
    switch (step.type) {
      case 'userTask':
        return this.createTask(token, stepId, step, at);
      case 'serviceTask': {
        const context = expressionContext(this.state);
        const input = Object.fromEntries(
          Object.entries(step.input ?? {}).map(([name, expression]) => [name, evaluate(expression as Expression, context)]),
        );
        this.commands.push({
          type: 'runService',
          token: token.id,
          stepId,
          activity: step.activity,
          input,
          ...(step.retry ? { retry: step.retry as Record<string, unknown> } : {}),
        });
        return;
      }
      case 'decision': {
        const context = expressionContext(this.state);
        const chosen = step.cases.find((c) => isTrue(c.when as Expression, context));
        return this.enter(token, chosen ? chosen.next : step.otherwise, at);
      }
      case 'parallel': {
        token.branches = {};
        this.state.branches[stepId] = {};
        for (const [branchId, branch] of Object.entries(step.branches)) {
          token.branches[branchId] = 'running';
          this.state.branches[stepId]![branchId] = null;
          this.enter(this.newToken(branch.start, { parallel: token.id, branchId }), branch.start, at);
        }
        return;
      }
      case 'join':
        return this.join(token, at);
      case 'requestComplement':
        return this.askComplement(token, stepId, step, at);
      case 'wait':
        this.startDeadline(`wait:${token.id}:${visits}`, 'wait', step.for, [], at, { token: token.id });
        return;
      case 'notify':
        this.notify(`notify:${stepId}:${visits}`, step.notify, step.template, { stepId });
        return this.enter(token, step.next, at);
      case 'end':
        return this.close(step.outcome, at, { document: step.document, motivation: step.motivation?.en });
    }
  }

  private createTask(token: Token, stepId: string, step: UserTaskStep, at: string): void {
    this.state.counters.tasks += 1;
    const task: TaskState = {
      id: `${this.state.trackingNumber}.${stepId}.${this.state.counters.tasks}`,
      stepId,
      role: step.role,
      officeId: this.state.officeId,
      status: 'open',
      createdAt: at,
      token: token.id,
    };
    this.state.tasks[task.id] = task;
    this.commands.push({ type: 'createTask', task: { ...task } });
    if (step.serviceLevel) {
      this.startDeadline(`sla:${task.id}`, 'serviceLevel', step.serviceLevel.budget, step.serviceLevel.warnings ?? [], at, {
        token: token.id,
        taskId: task.id,
      });
    }
  }

  /** Cancels what a token waits on: its open task and its deadlines; a parallel token's branches too. */
  cancelToken(token: Token, at: string): void {
    for (const task of Object.values(this.state.tasks)) {
      if (task.token === token.id && (task.status === 'open' || task.status === 'claimed')) {
        task.status = 'cancelled';
        this.commands.push({ type: 'updateTask', task: { ...task } });
      }
    }
    for (const d of Object.values(this.state.deadlines)) if (d.token === token.id) d.done = true;
    if (this.state.complement.open?.token === token.id) delete this.state.complement.open;
    for (const child of Object.values(this.state.tokens)) {
      if (child.branch?.parallel === token.id) this.cancelToken(child, at);
    }
    delete this.state.tokens[token.id];
  }

  private join(token: Token, at: string): void {
    const branch = token.branch;
    delete this.state.tokens[token.id];
    if (!branch) return;
    const parent = this.state.tokens[branch.parallel];
    if (!parent?.branches) return;
    const step = stepOf(this.definition, parent.stepId);
    if (step.type !== 'parallel') return;
    parent.branches[branch.branchId] = 'joined';
    this.state.branches[parent.stepId]![branch.branchId] = token.lastOutcome ?? null;
    const joined = Object.values(parent.branches).filter((s) => s === 'joined').length;
    const total = Object.keys(parent.branches).length;
    const completion = step.completion;
    const needed = completion.mode === 'nOfM' ? completion.n : completion.mode === 'all' ? total : 1;
    if (joined < needed) return;
    for (const child of Object.values(this.state.tokens)) {
      if (child.branch?.parallel === parent.id) {
        parent.branches[child.branch.branchId] = 'cancelled';
        this.cancelToken(child, at);
      }
    }
    delete parent.branches;
    this.log(at, 'branchesJoined', { stepId: parent.stepId, detail: { branches: this.state.branches[parent.stepId] } });
    this.enter(parent, step.next, at);
  }

  private askComplement(token: Token, stepId: string, step: RequestComplementStep, at: string, documents?: string[], actor = 'system', note?: string): void {
    if (step.onlyOnce && this.state.complement.count >= 1) {
      // Law 55.19: a missing document may be asked for only once per file.
      if (step.ifAlreadyRequested) return this.enter(token, step.ifAlreadyRequested, at);
      throw new DomainError('complement_not_allowed', 'A complement was already requested once for this file.');
    }
    this.state.complement.count += 1;
    this.state.complement.open = {
      stepId,
      token: token.id,
      documents: documents ?? step.documents,
      requestedAt: at,
      requestedBy: actor,
      ...(note ? { note } : {}),
    };
    const legal = this.state.deadlines[LEGAL_DEADLINE];
    const effect = this.definition.deadline.onComplement;
    if (legal && !legal.done && effect !== 'continue') {
      legal.ledger.push({ type: 'paused', at, reason: 'waiting for the citizen’s documents' });
      this.reproject(LEGAL_DEADLINE);
    }
    this.startDeadline(`complement:${this.state.complement.count}`, 'complementAnswer', step.answerWithin, [], at, { token: token.id });
    this.log(at, 'complementRequested', { stepId, actor, detail: { documents: this.state.complement.open.documents } });
    this.notify(`complement:${this.state.complement.count}`, ['citizen'], 'complementRequested', {
      documents: this.state.complement.open.documents,
    });
  }

  requestComplementFrom(task: TaskState, step: UserTaskStep, documents: string[], note: string | undefined, actor: string, at: string): void {
    const [outcome, target] = complementOutcome(this.definition, step)!;
    this.finishTask(task, outcome, undefined, actor, at);
    const token = this.state.tokens[task.token]!;
    // The agent chose the documents: the step is entered as usual, then asks for those only.
    const { step: request } = this.arrive(token, target, at);
    this.askComplement(token, target, request as RequestComplementStep, at, documents, actor, note);
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
    this.finishDeadline(`sla:${task.id}`);
    this.log(at, 'taskCompleted', { stepId: task.stepId, taskId: task.id, actor, detail: { outcome } });
  }

  close(outcome: Outcome, at: string, extra: { document?: string; grantedBySilence?: boolean; motivation?: string } = {}): void {
    const state = this.state;
    state.status = 'closed';
    state.outcome = outcome;
    state.closedAt = at;
    if (extra.document) state.document = extra.document;
    if (extra.grantedBySilence) state.grantedBySilence = true;
    if (extra.motivation) state.motivation = extra.motivation;
    for (const token of Object.values(state.tokens)) this.cancelToken(token, at);
    for (const d of Object.values(state.deadlines)) d.done = true;
    delete state.complement.open;
    this.log(at, 'closed', { detail: { outcome, ...extra } });
    this.commands.push({
      type: 'closeApplication',
      outcome,
      ...(extra.document ? { document: extra.document } : {}),
      ...(extra.grantedBySilence ? { grantedBySilence: true } : {}),
    });
    this.notify('decision', ['citizen'], extra.grantedBySilence ? 'grantedBySilence' : 'decision', { outcome, document: extra.document });
  }

  /** What a deadline's expiry does, as the definition says. */
  expire(deadline: DeadlineState, expiry: Expiry | undefined, at: string): void {
    if (!expiry) return;
    const key = `expired:${deadline.id}`;
    switch (expiry.action) {
      case 'notify':
        return this.notify(key, expiry.notify, 'deadlineExpired', { deadline: deadline.id, dueAt: deadline.projection?.dueAt });
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
          this.startDeadline(`escalation:${deadline.id}`, 'escalation', expiry.next, [], at, {
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

/** The outcome of a task that leads to a complement request, if the task has one. */
export function complementOutcome(definition: ProcedureDefinition, step: UserTaskStep): [string, string] | undefined {
  for (const [outcome, transition] of Object.entries(step.outcomes)) {
    if (definition.steps[transition.next]?.type === 'requestComplement') return [outcome, transition.next];
  }
  return undefined;
}

/** The state is plain JSON data; a JSON round trip copies it the same way in the workflow sandbox. */
function copy(state: ApplicationState): ApplicationState {
  return JSON.parse(JSON.stringify(state)) as ApplicationState;
}

function openTask(state: ApplicationState, taskId: string): TaskState {
  openApplication(state);
  const task = state.tasks[taskId];
  if (!task) throw new DomainError('task_not_found', `Application ${state.trackingNumber} has no task ${taskId}.`);
  if (task.status === 'completed' || task.status === 'cancelled') {
    throw new DomainError('task_not_open', `Task ${taskId} is already ${task.status}.`);
  }
  return task;
}

function openApplication(state: ApplicationState): void {
  if (state.status === 'closed') {
    throw new DomainError('application_closed', `Application ${state.trackingNumber} is already ${state.outcome}.`);
  }
}

function userTaskStep(definition: ProcedureDefinition, task: TaskState): UserTaskStep {
  return stepOf(definition, task.stepId) as UserTaskStep;
}

function notClaimedByOther(task: TaskState, actor: string): void {
  if (task.status === 'claimed' && task.assignee !== actor) {
    throw new DomainError('task_not_open', `Task ${task.id} is claimed by ${task.assignee}.`);
  }
}

/**
 * Checks an event against the state without changing anything: the workflow's update validators call
 * it, so an invalid human action is rejected before it enters the history.
 */
export function checkEvent(definition: ProcedureDefinition, state: ApplicationState, event: ApplicationEvent): void {
  switch (event.type) {
    case 'taskClaimed': {
      const task = openTask(state, event.taskId);
      if (task.status === 'claimed' && task.assignee !== event.actor) {
        throw new DomainError('task_not_open', `Task ${task.id} is already claimed by ${task.assignee}.`);
      }
      return;
    }
    case 'taskReleased': {
      const task = openTask(state, event.taskId);
      if (task.status !== 'claimed' || task.assignee !== event.actor) {
        throw new DomainError('task_not_open', `Task ${task.id} is not claimed by ${event.actor}.`);
      }
      return;
    }
    case 'taskCompleted': {
      const task = openTask(state, event.taskId);
      const step = userTaskStep(definition, task);
      if (!Object.prototype.hasOwnProperty.call(step.outcomes, event.outcome)) {
        const declared = Object.keys(step.outcomes).join(', ');
        throw new DomainError('unknown_outcome', `Task ${task.id} has no outcome "${event.outcome}"; declared: ${declared}.`, [
          { pointer: '/outcome', message: `must be one of ${declared}` },
        ]);
      }
      notClaimedByOther(task, event.actor);
      return;
    }
    case 'taskReassigned': {
      openTask(state, event.taskId);
      if (event.toRole && !definition.roles.includes(event.toRole)) {
        throw new DomainError('invalid_input', `Role "${event.toRole}" takes no part in ${definition.id}.`, [
          { pointer: '/toRole', message: `must be one of ${definition.roles.join(', ')}` },
        ]);
      }
      if (!event.toRole && !event.toAgent) {
        throw new DomainError('invalid_input', 'Say whom to reassign the task to.', [{ pointer: '/toAgent', message: 'toAgent or toRole is required' }]);
      }
      return;
    }
    case 'complementRequested': {
      const task = openTask(state, event.taskId);
      notClaimedByOther(task, event.actor);
      const step = userTaskStep(definition, task);
      const target = complementOutcome(definition, step);
      if (!target) {
        throw new DomainError('complement_not_allowed', `Task ${task.id} (${task.stepId}) cannot ask the citizen for documents.`);
      }
      const request = stepOf(definition, target[1]) as RequestComplementStep;
      if (request.onlyOnce && state.complement.count >= 1) {
        throw new DomainError('complement_not_allowed', 'A complement may be requested only once per file, and it already was (Law 55.19).');
      }
      const unknown = event.documents.filter((d) => !request.documents.includes(d));
      if (unknown.length || event.documents.length === 0) {
        throw new DomainError('invalid_input', `Only these documents may be asked for here: ${request.documents.join(', ')}.`, [
          { pointer: '/documents', message: unknown.length ? `${unknown.join(', ')} may not be asked for` : 'name at least one document' },
        ]);
      }
      return;
    }
    case 'complementProvided': {
      openApplication(state);
      const open = state.complement.open;
      if (!open) throw new DomainError('no_complement_requested', 'No documents are awaited from the citizen.');
      const missing = open.documents.filter((d) => !event.documents.includes(d));
      if (missing.length) {
        throw new DomainError('invalid_input', `Still missing: ${missing.join(', ')}.`, [{ pointer: '/documents', message: `must include ${missing.join(', ')}` }]);
      }
      return;
    }
    case 'extensionGranted': {
      openApplication(state);
      const policy = definition.deadline.extension;
      const legal = state.deadlines[LEGAL_DEADLINE];
      if (!policy) throw new DomainError('extension_not_allowed', `${definition.id} allows no extension of its deadline.`);
      if (!legal || legal.done) throw new DomainError('extension_not_allowed', 'The legal deadline is not running.');
      if (state.extensions >= policy.maxCount) {
        throw new DomainError('extension_not_allowed', `The deadline was already extended ${state.extensions} time(s), the most allowed.`);
      }
      if (event.units > policy.units) {
        throw new DomainError('invalid_input', `An extension adds at most ${policy.units}.`, [{ pointer: '/units', message: `must be at most ${policy.units}` }]);
      }
      if (policy.reasons && !policy.reasons.includes(event.reason)) {
        throw new DomainError('invalid_input', `The reason must be one of: ${policy.reasons.join(', ')}.`, [{ pointer: '/reason', message: 'is not an accepted reason' }]);
      }
      const due = legal.projection?.dueInstantMs;
      if (policy.noticeRequired && due !== undefined && Date.parse(event.at) > due) {
        throw new DomainError('extension_not_allowed', 'Notice of an extension must reach the citizen before the current due date.');
      }
      return;
    }
    case 'withdrawn':
      return openApplication(state);
    case 'filed':
    case 'serviceCompleted':
    case 'serviceFailed':
    case 'deadlineProjected':
    case 'timerFired':
    case 'calendarChanged':
      return;
  }
}

/** The deadline's timers: each warning rung not yet fired, then the expiry. */
export function deadlineTimers(d: DeadlineState): Array<{ id: string; atMs: number }> {
  if (d.done || !d.projection) return [];
  const warned = new Set(d.ledger.filter((e) => e.type === 'warned').map((e) => (e as { rung: number }).rung));
  const timers: Array<{ id: string; atMs: number }> = [];
  d.projection.rungs.forEach((atMs, rung) => {
    if (atMs !== null && !warned.has(rung)) timers.push({ id: `${d.id}|rung|${rung}`, atMs });
  });
  const expired = d.ledger.some((e) => e.type === 'expired');
  if (d.projection.expiresAtMs !== null && !expired) timers.push({ id: `${d.id}|expiry`, atMs: d.projection.expiresAtMs });
  return timers;
}

/** The next timer the shell must arm: the earliest over every running deadline. */
export function nextTimer(state: ApplicationState): { id: string; atMs: number } | undefined {
  if (state.status === 'closed') return undefined;
  let next: { id: string; atMs: number } | undefined;
  for (const d of Object.values(state.deadlines)) {
    for (const t of deadlineTimers(d)) if (!next || t.atMs < next.atMs) next = t;
  }
  return next;
}

function expiryOf(definition: ProcedureDefinition, state: ApplicationState, d: DeadlineState): Expiry | undefined {
  if (d.onExpiry) return d.onExpiry;
  switch (d.kind) {
    case 'legal':
      return definition.deadline.onExpiry;
    case 'serviceLevel': {
      const task = d.taskId ? state.tasks[d.taskId] : undefined;
      return task ? (stepOf(definition, task.stepId) as UserTaskStep).serviceLevel?.onExpiry : undefined;
    }
    default:
      return undefined;
  }
}

function onTimer(run: Interpretation, event: Extract<ApplicationEvent, { type: 'timerFired' }>): void {
  const [deadlineId, what, rungText] = event.timerId.split('|');
  const state = run.state;
  const d = deadlineId ? state.deadlines[deadlineId] : undefined;
  // A timer armed before the deadline moved (pause, extension, calendar change) is stale: ignore it.
  const due = d && deadlineTimers(d).find((t) => t.id === event.timerId);
  if (!d || !due || Date.parse(event.at) < due.atMs) return;
  if (what === 'rung') {
    const rung = Number(rungText);
    d.ledger.push({ type: 'warned', at: event.at, rung });
    const warning = d.warnings[rung];
    run.log(event.at, 'deadlineWarned', { taskId: d.taskId, detail: { deadline: d.id, rung, dueAt: d.projection?.dueAt } });
    if (warning) {
      run.notify(`warned:${d.id}:${rung}`, warning.notify, 'deadlineWarning', {
        deadline: d.id,
        dueAt: d.projection?.dueAt,
        taskId: d.taskId,
        assignees: Object.values(state.tasks)
          .filter((t) => t.status === 'open' || t.status === 'claimed')
          .map((t) => ({ taskId: t.id, role: t.role, assignee: t.assignee ?? null })),
      });
    }
    return;
  }
  d.ledger.push({ type: 'expired', at: event.at });
  d.done = d.kind !== 'legal';
  run.log(event.at, 'deadlineExpired', { taskId: d.taskId, detail: { deadline: d.id, dueAt: d.projection?.dueAt } });
  const token = d.token ? state.tokens[d.token] : undefined;
  if (d.kind === 'wait' && token) {
    const step = stepOf(run.definition, token.stepId);
    if (step.type === 'wait') run.enter(token, step.next, event.at);
    return;
  }
  if (d.kind === 'complementAnswer' && token) {
    const step = stepOf(run.definition, token.stepId);
    if (step.type === 'requestComplement') {
      delete state.complement.open;
      const legal = state.deadlines[LEGAL_DEADLINE];
      if (legal && !legal.done && legal.ledger.at(-1)?.type === 'paused') {
        legal.ledger.push({ type: 'resumed', at: event.at });
        run.reproject(LEGAL_DEADLINE);
      }
      run.enter(token, step.onTimeout, event.at);
    }
    return;
  }
  run.expire(d, expiryOf(run.definition, state, d), event.at);
}

export function applyEvent(definition: ProcedureDefinition, current: ApplicationState, event: ApplicationEvent): Transition {
  checkEvent(definition, current, event);
  const run = new Interpretation(definition, copy(current));
  const state = run.state;
  switch (event.type) {
    case 'filed':
      run.log(event.at, 'filed', { actor: state.filedBy });
      run.notify('filed', ['citizen'], 'filed', {});
      run.start(event.at);
      break;
    case 'taskClaimed': {
      const task = state.tasks[event.taskId]!;
      task.status = 'claimed';
      task.assignee = event.actor;
      run.commands.push({ type: 'updateTask', task: { ...task } });
      run.log(event.at, 'taskClaimed', { taskId: task.id, stepId: task.stepId, actor: event.actor });
      break;
    }
    case 'taskReleased': {
      const task = state.tasks[event.taskId]!;
      task.status = 'open';
      delete task.assignee;
      run.commands.push({ type: 'updateTask', task: { ...task } });
      run.log(event.at, 'taskReleased', { taskId: task.id, stepId: task.stepId, actor: event.actor });
      break;
    }
    case 'taskReassigned': {
      const task = state.tasks[event.taskId]!;
      if (event.toRole) task.role = event.toRole;
      if (event.toAgent) {
        task.assignee = event.toAgent;
        task.status = 'claimed';
      } else {
        delete task.assignee;
        task.status = 'open';
      }
      run.commands.push({ type: 'updateTask', task: { ...task } });
      run.log(event.at, 'taskReassigned', { taskId: task.id, stepId: task.stepId, actor: event.actor, detail: { toRole: event.toRole, toAgent: event.toAgent } });
      break;
    }
    case 'taskCompleted': {
      const task = state.tasks[event.taskId]!;
      const step = userTaskStep(definition, task);
      run.finishTask(task, event.outcome, event.data, event.actor, event.at);
      const next = step.outcomes[event.outcome]!.next;
      const token = state.tokens[task.token];
      if (token) run.enter(token, next, event.at);
      break;
    }
    case 'complementRequested': {
      const task = state.tasks[event.taskId]!;
      run.requestComplementFrom(task, userTaskStep(definition, task), event.documents, event.note, event.actor, event.at);
      break;
    }
    case 'complementProvided': {
      const open = state.complement.open!;
      const token = state.tokens[open.token];
      const step = stepOf(definition, open.stepId) as RequestComplementStep;
      delete state.complement.open;
      run.finishDeadline(`complement:${state.complement.count}`);
      const legal = state.deadlines[LEGAL_DEADLINE];
      const effect = definition.deadline.onComplement;
      if (legal && !legal.done) {
        if (effect === 'pause' && legal.ledger.at(-1)?.type === 'paused') legal.ledger.push({ type: 'resumed', at: event.at });
        if (effect === 'restart' || definition.deadline.startsOn === 'completeFile') {
          legal.ledger.push({ type: 'restarted', at: event.at, reason: 'the file is complete' });
        }
        run.reproject(LEGAL_DEADLINE);
      }
      run.log(event.at, 'complementProvided', { actor: event.actor, stepId: open.stepId, detail: { documents: event.documents } });
      if (token) run.enter(token, step.next, event.at);
      break;
    }
    case 'extensionGranted': {
      const legal = state.deadlines[LEGAL_DEADLINE]!;
      state.extensions += 1;
      legal.ledger.push({
        type: 'extended',
        at: event.at,
        units: event.units,
        reason: event.reason,
        ...(event.noticeGivenAt ? { noticeGivenAt: event.noticeGivenAt } : {}),
      });
      run.reproject(LEGAL_DEADLINE);
      run.log(event.at, 'deadlineExtended', { actor: event.actor, detail: { units: event.units, reason: event.reason } });
      run.notify(`extended:${state.extensions}`, ['citizen'], 'deadlineExtended', { units: event.units, reason: event.reason });
      break;
    }
    case 'serviceCompleted': {
      const token = state.tokens[event.token];
      if (!token) break;
      const step = stepOf(definition, token.stepId);
      if (step.type !== 'serviceTask') break;
      const record = (state.steps[token.stepId] ??= { visits: 1 });
      if (step.resultAs) record.result = event.result;
      run.log(event.at, 'serviceCompleted', { stepId: token.stepId, detail: { activity: step.activity } });
      run.enter(token, step.next, event.at);
      break;
    }
    case 'serviceFailed': {
      const token = state.tokens[event.token];
      if (!token) break;
      const step = stepOf(definition, token.stepId);
      if (step.type !== 'serviceTask' || !step.onFailure) break;
      run.log(event.at, 'serviceFailed', { stepId: token.stepId, detail: { activity: step.activity, error: event.error } });
      run.enter(token, step.onFailure, event.at);
      break;
    }
    case 'deadlineProjected': {
      const d = state.deadlines[event.deadlineId];
      if (!d) break;
      const previous = d.projection;
      d.projection = event.projection;
      if (previous && event.projection.movedBy && previous.dueAt !== event.projection.dueAt) {
        d.ledger.push({
          type: 'reprojected',
          at: event.at,
          calendarId: event.projection.calendar.id,
          calendarVersion: event.projection.calendar.version,
          previousDueAt: previous.dueAt,
          newDueAt: event.projection.dueAt,
          movedBy: event.projection.movedBy,
        });
        run.log(event.at, 'deadlineReprojected', { detail: { deadline: d.id, from: previous.dueAt, to: event.projection.dueAt, movedBy: event.projection.movedBy } });
      }
      break;
    }
    case 'timerFired':
      onTimer(run, event);
      break;
    case 'withdrawn':
      run.log(event.at, 'withdrawn', { actor: event.actor, detail: event.reason ? { reason: event.reason } : {} });
      run.close('withdrawn', event.at, event.reason ? { motivation: event.reason } : {});
      break;
    case 'calendarChanged':
      for (const d of Object.values(state.deadlines)) if (!d.done) run.reproject(d.id);
      break;
  }
  state.revision = current.revision + 1;
  return { state, commands: run.commands };
}

/** The legal deadline as people read it, or undefined before it starts. */
export function legalDeadlineView(state: ApplicationState) {
  const d = state.deadlines[LEGAL_DEADLINE];
  if (!d?.projection) return undefined;
  return {
    dueAt: d.projection.dueAt,
    dueDate: d.projection.dueDate,
    paused: d.projection.paused,
    expired: d.ledger.some((e) => e.type === 'expired'),
    explanation: d.projection.explanation,
    ledger: d.ledger,
  };
}
