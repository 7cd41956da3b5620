/**
 * Drives the interpreter: applies an event, carries out the commands that feed events back (deadline
 * schedules, service activities) until the application is quiet, then hands everything that changed
 * to `record` in one call. The Temporal workflow and the simulator share it, each with its own effects.
 */
import { applyEvent } from './interpreter/transition.js';
import { initialState, type ApplicationInput, type ApplicationState, type PinnedProcedure } from './interpreter/state.js';
import { assessMigration, renamedSteps, type MigrationVerdict } from './migration/assessment.js';
import type { MigrationPlan } from './migration/plan.js';
import { DomainError } from './errors.js';
import type { ApplicationEvent } from './interpreter/events.js';
import { scheduleRequest, type Command } from './interpreter/commands.js';
import type { DeadlineSchedule, DeadlineScheduleRequest } from './deadline/schedule.js';
import type { ProcedureDefinition } from './definition.generated.js';
import type { DayCounting } from './expressions/dates.js';
import { readsCalendar } from './expressions/in-definition.js';
import type { ConditionReading } from './interpreter/conditions.js';
import { languageOf, type LanguageVersion } from './language.js';

export type ServiceOutcome = { ok: true; result: unknown } | { ok: false; error: string };

export interface Effects {
  scheduleDeadline(request: DeadlineScheduleRequest): Promise<DeadlineSchedule>;
  runService(command: Extract<Command, { type: 'runService' }>): Promise<ServiceOutcome>;
  /** Everything one event changed: the new state and the commands to record, notify and log. */
  record(state: ApplicationState, commands: Command[]): Promise<void>;
  /** The current instant (workflow time in Temporal, the virtual clock in the simulator). */
  now(): string;
  /**
   * The working-day calendar as it stands and the zone's offset at `at`, asked before each event only
   * by a definition whose conditions count working days or read today (a local activity in the
   * workflow, so that a replay reads what was read, whatever the calendar or the zone rules became).
   */
  dayCounting(at: string): Promise<DayCounting>;
}

/** An administrator's move of the application to a corrected version (workflows/messages.ts). */
export interface MigrationRequest {
  planId: string;
  procedure: PinnedProcedure;
  plan: MigrationPlan;
  actor: string;
  /**
   * The version the plan moves from. An application on another version is refused: two plans applied at
   * once must not both move it, the second with a mapping written for steps it no longer has. Requests
   * sent before it was carried have none.
   */
  fromVersion?: number;
}

export function notMovable(verdict: Extract<MigrationVerdict, { movable: false }>): DomainError {
  return new DomainError(verdict.code, `The application cannot move: ${verdict.reasons.join('; ')}.`, verdict.reasons.map((message) => ({ pointer: '', message })));
}

export class ApplicationMachine {
  state: ApplicationState;
  /** The language the application's definition is read in, for good (engine/language.ts). */
  readonly language: LanguageVersion;
  private queue: Promise<unknown> = Promise.resolve();
  private inFlight = 0;
  /** Only language-2 definitions with date operators read the calendar: no history recorded before asks for it. */
  private countsDays: boolean;
  /** The version the application runs on: the one it was filed on, until an administrator moves it. */
  private pinned: PinnedProcedure;

  constructor(
    definition: ProcedureDefinition,
    input: ApplicationInput,
    private readonly effects: Effects,
  ) {
    this.pinned = { ...input.procedure, definition };
    this.state = initialState(input);
    this.language = languageOf(input.procedure);
    this.countsDays = readsCalendar(this.pinned.definition, this.language);
  }

  get definition(): ProcedureDefinition {
    return this.pinned.definition;
  }

  get procedure(): PinnedProcedure {
    return this.pinned;
  }

  /**
   * Moves the application to a corrected version, in its turn among the events: checked again against
   * the state as it then stands (an action accepted meanwhile may have taken it to a step the plan does
   * not map), then the new definition is swapped in and the move applied as one event.
   */
  migrate(request: MigrationRequest): Promise<ApplicationState> {
    return this.enqueue(async () => {
      const verdict = this.assessMove(request);
      if (!verdict.movable) throw notMovable(verdict);
      const from = this.pinned;
      const countedDays = this.countsDays;
      try {
        this.pinned = request.procedure;
        this.countsDays = readsCalendar(this.pinned.definition, this.language);
        return await this.settle({
          type: 'migrated',
          planId: request.planId,
          fromVersion: from.version,
          toVersion: request.procedure.version,
          steps: verdict.steps,
          renamed: renamedSteps(from, request.procedure, request.plan),
          deadlines: request.plan.deadlines ?? {},
          ...(request.plan.note ? { note: request.plan.note } : {}),
          actor: request.actor,
          at: this.effects.now(),
        });
      } catch (err) {
        // The move itself refused (the new version's terms cannot be read on this application): it stays
        // on its version, read with its own definition, and a later plan may still move it.
        if (this.state.procedureVersion === from.version) {
          this.pinned = from;
          this.countsDays = countedDays;
        }
        throw err;
      }
    });
  }

  /** Whether the request can move the application as it now stands: the workflow's validator asks this too. */
  assessMove(request: MigrationRequest): MigrationVerdict {
    // Against the plan's own starting version, so that an application another plan moved meanwhile is refused.
    const from = request.fromVersion === undefined ? this.pinned : { ...this.pinned, version: request.fromVersion };
    return assessMigration(from, request.procedure, request.plan, this.state);
  }

  /**
   * Applies an event and everything it sets off, one event at a time in the order they were accepted.
   * A DomainError from the interpreter rejects the returned promise and changes nothing.
   */
  dispatch(event: ApplicationEvent): Promise<ApplicationState> {
    return this.enqueue(() => this.settle(event));
  }

  private enqueue(work: () => Promise<ApplicationState>): Promise<ApplicationState> {
    this.inFlight += 1;
    const run = this.queue.then(work).finally(() => {
      this.inFlight -= 1;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * No event is being applied. The workflow arms its timer only then: reacting to the state half-way
   * through a transition would order its timer commands by when activity results happen to arrive,
   * which replay does not reproduce.
   */
  get idle(): boolean {
    return this.inFlight === 0;
  }

  /**
   * How the definition's expressions are read while one event and what it sets off are applied. A
   * condition that counts working days reads the calendar as it stands when the event happens, holidays
   * confirmed since filing included; what the event sets off (a service's answer) is read with the same.
   */
  private async reading(at: string): Promise<ConditionReading> {
    return this.countsDays ? { language: this.language, days: await this.effects.dayCounting(at) } : { language: this.language };
  }

  private async settle(first: ApplicationEvent): Promise<ApplicationState> {
    const recorded: Command[] = [];
    const pending: ApplicationEvent[] = [first];
    const reading = await this.reading(first.at);
    while (pending.length) {
      const event = pending.shift()!;
      const transition = applyEvent(this.definition, this.state, event, reading);
      this.state = transition.state;
      for (const command of transition.commands) {
        if (command.type === 'scheduleDeadline') {
          const schedule = await this.effects.scheduleDeadline(scheduleRequest(command));
          pending.push({ type: 'deadlineScheduled', deadlineId: command.deadlineId, schedule, at: this.effects.now() });
        } else if (command.type === 'runService') {
          const outcome = await this.effects.runService(command);
          pending.push(
            outcome.ok
              ? { type: 'serviceCompleted', token: command.token, result: outcome.result, at: this.effects.now() }
              : { type: 'serviceFailed', token: command.token, error: outcome.error, at: this.effects.now() },
          );
        } else {
          recorded.push(command);
        }
      }
    }
    await this.effects.record(this.state, recorded);
    return this.state;
  }
}
