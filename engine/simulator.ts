/**
 * Dry-runs a definition: the same interpreter and driver as the workflow, on a virtual clock, over a
 * scenario of timed events. Designers use it before publishing; the tests use it to exercise every step
 * kind and every expiry action without a Temporal server.
 */
import { LEGAL_DEADLINE, parseDeadlineId } from './ids.js';
import { clockViews } from './interpreter/views.js';
import type { ApplicationState } from './interpreter/state.js';
import { nextTimer } from './interpreter/timers.js';
import type { ApplicationEvent } from './interpreter/events.js';
import type { Command } from './interpreter/commands.js';
import type { Calendar } from './calendar.js';
import { scheduleDeadline } from './deadline/schedule.js';
import { parseIsoDuration } from './deadline/duration.js';
import type { ProcedureDefinition } from './definition.generated.js';
import { DomainError } from './errors.js';
import { dayCountingAt } from './expressions/dates.js';
import { CURRENT_LANGUAGE_VERSION, type LanguageVersion } from './language.js';
import { ApplicationMachine } from './machine.js';

/** One thing that happens in a scenario. Tasks are named by their step: the open task of that step. */
export type ScenarioAction =
  | { action: 'claim'; step: string; actor?: string }
  | { action: 'complete'; step: string; outcome: string; data?: Record<string, unknown>; actor?: string }
  | { action: 'reassign'; step: string; toRole?: string; toAgent?: string; actor?: string }
  | { action: 'requestComplement'; step: string; documents: string[]; note?: string; actor?: string }
  | { action: 'provideComplement'; documents: string[]; actor?: string }
  | { action: 'extend'; units: number; reason: string; actor?: string }
  | { action: 'withdraw'; reason?: string; actor?: string };

export type ScenarioEvent = ScenarioAction & ({ at: string } | { after: string });

export interface Scenario {
  /** When the application is filed (ISO instant). */
  filedAt: string;
  data: Record<string, unknown>;
  officeId?: string;
  events?: ScenarioEvent[];
  /** Stop the clock here even if timers remain (default: 2 years after filing). */
  until?: string;
}

export interface TraceEntry {
  at: string;
  kind: string;
  text: string;
}

/** A named clock at the end of the simulation. */
export interface SimulatedClock {
  id: string;
  /** Its label in English. */
  label: string;
  status: string;
  dueAt: string | null;
  dueDate: string | null;
  explanation: string[];
}

export interface SimulationResult {
  trace: TraceEntry[];
  state: ApplicationState;
  outcome: string | null;
  legalDeadline: { dueAt: string; dueDate: string; explanation: string[] } | null;
  clocks: SimulatedClock[];
}

export type SimulatedService = (activity: string, input: Record<string, unknown>) => unknown;

export interface SimulationOptions {
  /** What service activities answer; by default, their input back. */
  service?: SimulatedService;
  /**
   * The language the definition is read in: the one it would be published under
   * (registry/language-versions.ts). By default what it declares, else the current one, as for a new definition.
   */
  language?: LanguageVersion;
}

/** A scenario the simulator cannot run; `pointer` is the JSON pointer of the culprit within the scenario. */
export class ScenarioError extends Error {
  constructor(
    readonly pointer: string,
    message: string,
  ) {
    super(message);
  }
}

function instantOf(event: ScenarioEvent, filedMs: number, index: number): number {
  if ('at' in event) {
    const ms = Date.parse(event.at);
    if (Number.isNaN(ms)) throw new ScenarioError(`/events/${index}/at`, `events[${index}].at: "${event.at}" is not an ISO instant`);
    return ms;
  }
  const ms = parseIsoDuration(event.after);
  if (ms === undefined) throw new ScenarioError(`/events/${index}/after`, `events[${index}].after: "${event.after}" is not an ISO duration such as P2D or PT4H`);
  return filedMs + ms;
}

/** A deadline as the trace names it: "legal deadline", clock "Summons to members", "sla:… deadline". */
function deadlineName(definition: ProcedureDefinition, id: unknown): string {
  const key = typeof id === 'string' ? parseDeadlineId(id) : undefined;
  if (key?.kind === 'clock') return `clock "${definition.clocks?.[key.clockId]?.label.en ?? key.clockId}"`;
  return `${String(id)} deadline`;
}

function describe(command: Command, definition: ProcedureDefinition): TraceEntry | undefined {
  switch (command.type) {
    case 'createTask':
      return { at: command.task.createdAt, kind: 'task', text: `task ${command.task.stepId} for role ${command.task.role}` };
    case 'timeline': {
      const e = command.entry;
      const d = e.detail ?? {};
      const name = deadlineName(definition, d.deadline);
      const text: Record<string, string | undefined> = {
        stepEntered: `entered ${e.stepId}`,
        taskCompleted: `${e.actor} completed ${e.stepId}: ${d.outcome}`,
        taskClaimed: `${e.actor} claimed ${e.stepId}`,
        taskEscalated: `task ${e.stepId} escalated to ${d.toRole}`,
        taskReassigned: `task ${e.stepId} reassigned to ${d.toAgent ?? d.toRole}`,
        deadlineWarned: `warning: ${name} due ${d.dueAt}`,
        deadlineExpired: `${name} expired (was due ${d.dueAt})`,
        clockMet: `${name} met at ${e.stepId}${d.late ? ', late' : ', on time'}${d.dueAt ? ` (due ${d.dueAt})` : ''}`,
        clockDated: `${name} counts from ${d.date}${d.previousDate ? ` (was ${d.previousDate})` : ''}`,
        waitEnded: `wait at ${e.stepId} ended at once: ${d.reason}`,
        movedOnExpiry: `${name} expired: moved to ${e.stepId}`,
        deadlineExtended: `deadline extended by ${d.units}: ${d.reason}`,
        taskCancelled: `task ${e.stepId} cancelled: ${d.reason}`,
        deadlineReprojected: `deadline moved from ${d.from} to ${d.to}`,
        complementRequested: `documents requested: ${(d.documents as string[] | undefined)?.join(', ')}`,
        complementProvided: `documents provided: ${(d.documents as string[] | undefined)?.join(', ')}`,
        serviceCompleted: `service ${d.activity} done`,
        serviceFailed: `service ${d.activity} failed: ${d.error}`,
        branchesJoined: `branches joined: ${JSON.stringify(d.branches)}`,
        closed: `closed: ${d.outcome}${d.grantedBySilence ? ' (granted by silence)' : ''}${d.document ? `, issues ${d.document}` : ''}`,
        filed: 'filed',
        withdrawn: `withdrawn by ${e.actor}`,
      };
      return { at: e.at, kind: e.kind, text: text[e.kind] ?? e.kind };
    }
    case 'notify':
      return { at: '', kind: 'notify', text: `notify ${command.recipients.join(', ')}: ${command.template}` };
    default:
      return undefined;
  }
}

function toEvent(state: ApplicationState, event: ScenarioEvent, at: string, index: number): ApplicationEvent {
  const actor = event.actor ?? (event.action === 'provideComplement' || event.action === 'withdraw' ? 'citizen' : 'agent');
  const taskOf = (step: string) => {
    const task = Object.values(state.tasks).find((t) => t.stepId === step && (t.status === 'open' || t.status === 'claimed'));
    if (!task) throw new DomainError('task_not_found', `events[${index}]: no open task at step "${step}"`);
    return task.id;
  };
  switch (event.action) {
    case 'claim':
      return { type: 'taskClaimed', taskId: taskOf(event.step), actor, at };
    case 'complete':
      return { type: 'taskCompleted', taskId: taskOf(event.step), outcome: event.outcome, actor, at, ...(event.data ? { data: event.data } : {}) };
    case 'reassign':
      return { type: 'taskReassigned', taskId: taskOf(event.step), toRole: event.toRole, toAgent: event.toAgent, actor, at };
    case 'requestComplement':
      return { type: 'complementRequested', taskId: taskOf(event.step), documents: event.documents, note: event.note, actor, at };
    case 'provideComplement':
      return { type: 'complementProvided', documents: event.documents, actor, at };
    case 'extend':
      return { type: 'extensionGranted', units: event.units, reason: event.reason, noticeGivenAt: at, actor, at };
    case 'withdraw':
      return { type: 'withdrawn', actor, reason: event.reason, at };
  }
}

export async function simulate(definition: ProcedureDefinition, scenario: Scenario, calendar: Calendar, options: SimulationOptions = {}): Promise<SimulationResult> {
  const service: SimulatedService = options.service ?? ((activity, input) => ({ simulated: activity, ...input }));
  const languageVersion = options.language ?? definition.languageVersion ?? CURRENT_LANGUAGE_VERSION;
  const filedMs = Date.parse(scenario.filedAt);
  if (Number.isNaN(filedMs)) throw new ScenarioError('/filedAt', `filedAt: "${scenario.filedAt}" is not an ISO instant`);
  const untilMs = scenario.until ? Date.parse(scenario.until) : filedMs + 2 * 366 * 86_400_000;
  const events = (scenario.events ?? [])
    .map((event, index) => ({ event, index, ms: instantOf(event, filedMs, index) }))
    .sort((a, b) => a.ms - b.ms || a.index - b.index);
  let clock = filedMs;
  const now = () => new Date(clock).toISOString();
  const trace: TraceEntry[] = [];
  const machine = new ApplicationMachine(
    definition,
    {
      trackingNumber: 'SIMU-LATE-0',
      procedure: { id: definition.id, version: definition.version, hash: 'simulation', definition, languageVersion },
      officeId: scenario.officeId ?? 'simulated-office',
      data: scenario.data,
      filedBy: 'citizen',
      filedAt: now(),
    },
    {
      scheduleDeadline: async (request) => scheduleDeadline(request, calendar),
      runService: async (command) => {
        try {
          return { ok: true, result: service(command.activity, command.input) };
        } catch (err) {
          return { ok: false, error: (err as Error).message };
        }
      },
      record: async (_state, commands) => {
        for (const command of commands) {
          const entry = describe(command, definition);
          if (entry) trace.push({ ...entry, at: entry.at || now() });
        }
      },
      now,
      dayCounting: async (at) => dayCountingAt(calendar, at),
    },
  );

  await machine.dispatch({ type: 'filed', at: now() });
  let next = 0;
  while (machine.state.status === 'open') {
    const timer = nextTimer(machine.state, machine.language);
    const pending = events[next];
    if (timer && (!pending || timer.atMs <= pending.ms)) {
      if (timer.atMs > untilMs) break;
      clock = Math.max(clock, timer.atMs);
      await machine.dispatch({ type: 'timerFired', timerId: timer.id, at: now() });
    } else if (pending) {
      if (pending.ms > untilMs) break;
      clock = Math.max(clock, pending.ms);
      next += 1;
      try {
        await machine.dispatch(toEvent(machine.state, pending.event, now(), pending.index));
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        trace.push({ at: now(), kind: 'rejected', text: `events[${pending.index}] ${pending.event.action} refused: ${err.message}` });
      }
    } else {
      break;
    }
  }
  const legal = machine.state.deadlines[LEGAL_DEADLINE]?.projection;
  return {
    trace,
    state: machine.state,
    outcome: machine.state.outcome ?? null,
    legalDeadline: legal ? { dueAt: legal.dueAt, dueDate: legal.dueDate, explanation: legal.explanation } : null,
    clocks: clockViews(machine.state).map((c) => ({ id: c.id, label: c.label.en, status: c.status, dueAt: c.dueAt, dueDate: c.dueDate, explanation: c.explanation })),
  };
}
