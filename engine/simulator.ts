/**
 * Dry-runs a definition: the same interpreter and driver as the workflow, on a virtual clock, over a
 * scenario of timed events. Designers use it before publishing; the tests use it to exercise every step
 * kind and every expiry action without a Temporal server.
 */
import type { ApplicationState } from './interpreter/state.js';
import { nextTimer } from './interpreter/timers.js';
import type { ApplicationEvent } from './interpreter/events.js';
import { parseInstant, type Calendar } from './calendar.js';
import { scheduleDeadline } from './deadline/schedule.js';
import { parseIsoDuration } from './deadline/duration.js';
import type { ProcedureDefinition } from './definition.generated.js';
import { DomainError } from './errors.js';
import { dayCountingAt } from './expressions/dates.js';
import { CURRENT_LANGUAGE_VERSION, type LanguageVersion } from './language.js';
import { ApplicationMachine } from './machine.js';
import { SimulationTrace, type TraceEntry } from './simulation-trace.js';
import { clockViews, legalDeadlineView } from './interpreter/views.js';

/** One thing that happens in a scenario. Tasks are named by their step: the open task of that step. */
export type ScenarioAction =
  | { action: 'claim'; step: string; actor?: string }
  | { action: 'complete'; step: string; outcome: string; data?: Record<string, unknown>; actor?: string }
  | { action: 'reassign'; step: string; toRole?: string; toAgent?: string; actor?: string }
  | { action: 'requestComplement'; step: string; documents: string[]; fields?: string[]; note?: string; actor?: string }
  | { action: 'provideComplement'; documents: string[]; data?: Record<string, unknown>; actor?: string }
  | { action: 'act'; step: string; data?: Record<string, unknown>; actor?: string }
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
  /** The steps entered, in order. */
  visited: string[];
  state: ApplicationState;
  outcome: string | null;
  /** `met` when a step stopped it before the application closed (a window after the answer). */
  legalDeadline: { dueAt: string; dueDate: string; explanation: string[]; met?: { at: string; step: string; late: boolean } } | null;
  clocks: SimulatedClock[];
}

export type SimulatedService = (activity: string, input: Record<string, unknown>) => unknown;

export interface SimulationOptions {
  /** What service activities answer; by default, their input back. */
  service?: SimulatedService;
  /**
   * The language the definition is read in: the one it would be published under
   * (registry/language-versions.ts), so that a draft runs as it would once published. By default what
   * it declares, else the current one, as for a new definition.
   */
  language?: LanguageVersion;
}

/** One thing wrong with a scenario, by its JSON pointer within the scenario. */
export interface ScenarioProblem {
  pointer: string;
  message: string;
}

/** A scenario the simulator cannot run, with every reason found. */
class ScenarioError extends Error {
  constructor(readonly problems: ScenarioProblem[]) {
    super(problems.map((p) => `${p.pointer} ${p.message}`).join('; '));
  }
}

const ACTIONS: ReadonlySet<string> = new Set<ScenarioAction['action']>(['claim', 'complete', 'reassign', 'requestComplement', 'provideComplement', 'act', 'extend', 'withdraw']);

interface TimedEvent {
  event: ScenarioEvent;
  index: number;
  ms: number;
}

interface ScenarioClock {
  filedMs: number;
  untilMs: number;
  /** In the order they happen; two at the same instant in the scenario's order. */
  events: TimedEvent[];
}

const INSTANT_EXAMPLE = 'e.g. 2026-04-06T09:30:00+01:00 (without an offset, the calendar\'s local time)';

/**
 * The scenario's instants, read as `mohla deadline` reads them: with their offset, or else as local
 * time in the calendar's zone. Every problem is found, not only the first.
 */
export function readScenarioClock(scenario: Scenario, zone: string): { clock?: ScenarioClock; problems: ScenarioProblem[] } {
  const problems: ScenarioProblem[] = [];
  const instant = (text: unknown, pointer: string): number | undefined => {
    const ms = typeof text === 'string' ? parseInstant(text, zone) : undefined;
    if (ms === undefined) problems.push({ pointer, message: `${JSON.stringify(text)} is not an ISO 8601 instant, ${INSTANT_EXAMPLE}` });
    return ms;
  };
  const filedMs = instant(scenario.filedAt, '/filedAt');
  const untilMs = scenario.until === undefined ? (filedMs ?? 0) + 2 * 366 * 86_400_000 : instant(scenario.until, '/until');
  if (filedMs !== undefined && untilMs !== undefined && untilMs < filedMs) problems.push({ pointer: '/until', message: 'is before filedAt' });
  const events: TimedEvent[] = [];
  (scenario.events ?? []).forEach((event, index) => {
    const at = `/events/${index}`;
    if (event === null || typeof event !== 'object') {
      problems.push({ pointer: at, message: 'is not an event object' });
      return;
    }
    if (!ACTIONS.has(event.action)) problems.push({ pointer: `${at}/action`, message: `${JSON.stringify(event.action)} is not a known action (${[...ACTIONS].join(', ')})` });
    const when = event as { at?: unknown; after?: unknown };
    if ((when.at === undefined) === (when.after === undefined)) {
      problems.push({ pointer: at, message: when.at === undefined ? 'needs at (an instant) or after (a duration from filing)' : 'has both at and after: give one' });
      return;
    }
    let ms: number | undefined;
    if (when.at !== undefined) ms = instant(when.at, `${at}/at`);
    else {
      const duration = typeof when.after === 'string' ? parseIsoDuration(when.after) : undefined;
      if (duration === undefined) problems.push({ pointer: `${at}/after`, message: `${JSON.stringify(when.after)} is not an ISO 8601 duration such as P2D or PT4H` });
      else if (filedMs !== undefined) ms = filedMs + duration;
    }
    if (ms !== undefined && filedMs !== undefined && ms < filedMs) problems.push({ pointer: `${at}/at`, message: 'is before filedAt' });
    else if (ms !== undefined) events.push({ event, index, ms });
  });
  if (problems.length || filedMs === undefined || untilMs === undefined) return { problems };
  return { clock: { filedMs, untilMs, events: events.sort((a, b) => a.ms - b.ms || a.index - b.index) }, problems };
}

function toEvent(state: ApplicationState, event: ScenarioEvent, at: string, index: number): ApplicationEvent {
  const actor = event.actor ?? (['provideComplement', 'withdraw', 'act'].includes(event.action) ? 'citizen' : 'agent');
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
      return { type: 'complementRequested', taskId: taskOf(event.step), documents: event.documents, ...(event.fields ? { fields: event.fields } : {}), note: event.note, actor, at };
    case 'provideComplement':
      return { type: 'complementProvided', documents: event.documents, ...(event.data ? { data: event.data } : {}), actor, at };
    case 'act':
      return { type: 'citizenActed', stepId: event.step, data: event.data ?? {}, actor, at };
    case 'extend':
      return { type: 'extensionGranted', units: event.units, reason: event.reason, noticeGivenAt: at, actor, at };
    case 'withdraw':
      return { type: 'withdrawn', actor, reason: event.reason, at };
    default:
      // readScenarioClock refuses it first; a scenario built in code may still hold one.
      throw new ScenarioError([{ pointer: `/events/${index}/action`, message: `${JSON.stringify((event as { action: unknown }).action)} is not a known action` }]);
  }
}

/** Runs the scenario. Instants without an offset are local time in the calendar's zone. */
export async function simulate(definition: ProcedureDefinition, scenario: Scenario, calendar: Calendar, options: SimulationOptions = {}): Promise<SimulationResult> {
  const service: SimulatedService = options.service ?? ((activity, input) => ({ simulated: activity, ...input }));
  const languageVersion = options.language ?? definition.languageVersion ?? CURRENT_LANGUAGE_VERSION;
  const { clock: times, problems } = readScenarioClock(scenario, calendar.zone);
  if (!times) throw new ScenarioError(problems);
  const { filedMs, untilMs, events } = times;
  let clock = filedMs;
  const now = () => new Date(clock).toISOString();
  const trace = new SimulationTrace();
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
      record: async (state, commands) => trace.record(state, commands, now()),
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
  // What the scenario still holds never happens: said, so that a designer does not think it ran.
  const closed = machine.state.status === 'closed';
  for (const { event, index, ms } of events.slice(next)) {
    const why = closed ? `comes after the application closed (${machine.state.outcome})` : `comes after the simulation stopped (until ${new Date(untilMs).toISOString()})`;
    trace.push({ at: new Date(ms).toISOString(), kind: 'ignored', text: `events[${index}] ${event.action} ${why}: not run` });
  }
  const legal = legalDeadlineView(machine.state);
  return {
    trace: trace.entries,
    visited: trace.visited,
    state: machine.state,
    outcome: machine.state.outcome ?? null,
    legalDeadline: legal ? { dueAt: legal.dueAt, dueDate: legal.dueDate, explanation: legal.explanation, ...(legal.met ? { met: legal.met } : {}) } : null,
    clocks: clockViews(machine.state).map((c) => ({ id: c.id, label: c.label.en, status: c.status, dueAt: c.dueAt, dueDate: c.dueDate, explanation: c.explanation })),
  };
}
