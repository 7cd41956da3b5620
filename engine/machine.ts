/**
 * Drives the interpreter: applies an event, carries out the commands that feed events back (deadline
 * schedules, service activities) until the application is quiet, then hands everything that changed
 * to `record` in one call. The Temporal workflow and the simulator share it, each with its own effects.
 */
import { applyEvent } from './interpreter/transition.js';
import { initialState, type ApplicationInput, type ApplicationState } from './interpreter/state.js';
import type { ApplicationEvent } from './interpreter/events.js';
import { scheduleRequest, type Command } from './interpreter/commands.js';
import type { DeadlineSchedule, DeadlineScheduleRequest } from './deadline/schedule.js';
import type { ProcedureDefinition } from './definition.generated.js';
import { languageOf, type LanguageVersion } from './language.js';

export type ServiceOutcome = { ok: true; result: unknown } | { ok: false; error: string };

export interface Effects {
  scheduleDeadline(request: DeadlineScheduleRequest): Promise<DeadlineSchedule>;
  runService(command: Extract<Command, { type: 'runService' }>): Promise<ServiceOutcome>;
  /** Everything one event changed: the new state and the commands to record, notify and log. */
  record(state: ApplicationState, commands: Command[]): Promise<void>;
  /** The current instant (workflow time in Temporal, the virtual clock in the simulator). */
  now(): string;
}

export class ApplicationMachine {
  state: ApplicationState;
  /** The language the application's definition is read in, for good (engine/language.ts). */
  readonly language: LanguageVersion;
  private queue: Promise<unknown> = Promise.resolve();
  private inFlight = 0;

  constructor(
    readonly definition: ProcedureDefinition,
    input: ApplicationInput,
    private readonly effects: Effects,
  ) {
    this.state = initialState(input);
    this.language = languageOf(input.procedure);
  }

  /**
   * Applies an event and everything it sets off, one event at a time in the order they were accepted.
   * A DomainError from the interpreter rejects the returned promise and changes nothing.
   */
  dispatch(event: ApplicationEvent): Promise<ApplicationState> {
    this.inFlight += 1;
    const run = this.queue.then(() => this.settle(event)).finally(() => {
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

  private async settle(first: ApplicationEvent): Promise<ApplicationState> {
    const recorded: Command[] = [];
    const pending: ApplicationEvent[] = [first];
    while (pending.length) {
      const event = pending.shift()!;
      const transition = applyEvent(this.definition, this.state, event, this.language);
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
