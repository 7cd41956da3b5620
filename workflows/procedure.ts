import * as wf from '@temporalio/workflow';
import type { SearchAttributeUpdatePair, UpdateDefinition } from '@temporalio/common';
import { checkEvent } from '../engine/interpreter/event-checks.js';
import { LEGAL_DEADLINE } from '../engine/ids.js';
import type { ApplicationInput, ApplicationState } from '../engine/interpreter/state.js';
import { legalDeadlineView } from '../engine/interpreter/views.js';
import { nextTimer } from '../engine/interpreter/timers.js';
import { documentToIssue, windowLetterToIssue } from '../engine/interpreter/issued-documents.js';
import type { ApplicationEvent } from '../engine/interpreter/events.js';
import { DomainError } from '../engine/errors.js';
import { checkActionSize } from '../engine/input-bounds.js';
import { serviceRetryPolicy } from '../engine/service-retry.js';
import { PrefetchedSchedules } from '../engine/deadline/prefetched-schedules.js';
import { ApplicationMachine, notMovable, type Effects } from '../engine/machine.js';
import type { Activities } from '../activities/index.js';
import {
  actInWindow,
  applicationStatus,
  calendarChanged,
  claimTask,
  completeTask,
  confirmFiling,
  extendDeadline,
  legalDeadline,
  migrateApplication,
  provideComplement,
  reassignTask,
  releaseTask,
  requestComplement,
  withdraw,
} from './messages.js';
import { searchAttributes } from './search-attributes.js';
import type { AuditSinks } from '../infra/workflow-sinks.js';

const { recordProjection, runService } = wf.proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  // Projections must land eventually: retry for as long as PostgreSQL is away.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/**
 * Issuing a decision's document renders and signs a PDF: a regular activity, retried for as long as
 * PostgreSQL or the storage is away. Data the template refuses fails it for good (non-retryable). It
 * heartbeats, so the document of a worker killed mid-way is issued by another within seconds rather than
 * after the whole start-to-close timeout (options are not part of what a replay compares).
 */
const { issueDecisionDocument } = wf.proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '15 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

const { projectDeadline, conditionCalendar } = wf.proxyLocalActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '500 milliseconds', maximumInterval: '10 seconds' },
});

/**
 * The projection as a local activity: one marker in the history instead of three events and a
 * workflow task per transition (the bench's largest cost). It is idempotent, so the re-run a local
 * activity gets when its worker dies before the workflow task completes changes nothing; while
 * PostgreSQL is away, its retries back off to a minute as the regular activity's did.
 */
const { recordProjection: recordProjectionLocally } = wf.proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  localRetryThreshold: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/**
 * Histories begun before the projection became a local activity keep replaying the regular one; those
 * begun after, and before workflow versions, carry this patch marker.
 */
const PROJECTION_AS_LOCAL_ACTIVITY = 'projection-as-local-activity';

/**
 * Histories begun before this marker handed a service step's ISO intervals (`PT10S`) to Temporal as
 * written: Temporal refused them and the step failed at once, without a call. They keep doing so on
 * replay; applications begun since get the intervals in milliseconds and the retries they asked for.
 */
const SERVICE_RETRY_IN_MILLISECONDS = 'service-retry-in-milliseconds';

/**
 * Applications that close with a document their definition declares have it issued (certificate,
 * refusal letter, the attestation of consent by silence). Histories recorded before ended without it,
 * and replay so.
 */
const ISSUED_DOCUMENTS = 'issued-documents';

/**
 * A citizen window that names a `letter` has it issued as the window opens, while the application is
 * still open, rather than once it closes. No recorded history has such a window; the marker keeps any
 * history begun before this code from meeting the new activity on replay.
 */
const WINDOW_LETTERS = 'window-letters';

/** A domain error becomes an ApplicationFailure: the update fails, the workflow carries on. */
function asFailure(err: unknown): unknown {
  if (err instanceof DomainError) {
    return wf.ApplicationFailure.create({ type: err.code, message: err.message, details: err.details, nonRetryable: true });
  }
  return err;
}

function nowIso(): string {
  // Workflow time: deterministic, recorded with the workflow task.
  return new Date(Date.now()).toISOString();
}

export async function procedureWorkflow(input: ApplicationInput): Promise<ApplicationState> {
  let dueAt: string | undefined;
  // The API sets the due date at the start when it scheduled the legal deadline itself; histories
  // started before have none there and upsert it as they always did.
  const dueAtAtStart = wf.workflowInfo().typedSearchAttributes.get(searchAttributes.dueAt)?.getTime();
  const prefetched = new PrefetchedSchedules(input.filingProjections);

  const effects: Effects = {
    // The local activity keeps the name recorded in histories.
    scheduleDeadline: (request) => {
      const known = prefetched.take(request);
      return known ? Promise.resolve(known) : projectDeadline(request);
    },
    async runService(command) {
      const retry = command.retry && (wf.patched(SERVICE_RETRY_IN_MILLISECONDS) ? serviceRetryPolicy(command.retry) : (command.retry as wf.RetryPolicy));
      const activities = retry
        ? wf.proxyActivities<Activities>({ startToCloseTimeout: '1 minute', retry })
        : { runService };
      try {
        return { ok: true, result: await activities.runService({ trackingNumber: input.trackingNumber, ...command }) };
      } catch (err) {
        return { ok: false, error: err instanceof Error ? err.message : String(err) };
      }
    },
    async record(state, commands) {
      const change = { state, commands, procedureHash: machine.procedure.hash };
      const local = (input.workflowVersion ?? 0) >= 1 || wf.patched(PROJECTION_AS_LOCAL_ACTIVITY);
      await (local ? recordProjectionLocally(change) : recordProjection(change));
      const legal = state.deadlines[LEGAL_DEADLINE]?.projection;
      const updates: SearchAttributeUpdatePair[] = [];
      if (legal && legal.dueAt !== dueAt) {
        const setAtStart = dueAt === undefined && legal.dueInstantMs === dueAtAtStart;
        dueAt = legal.dueAt;
        if (!setAtStart) updates.push({ key: searchAttributes.dueAt, value: new Date(legal.dueInstantMs) });
      }
      if (commands.some((c) => c.type === 'closeApplication')) {
        updates.push({ key: searchAttributes.status, value: 'closed' });
      }
      // Only a move to a corrected version changes it (no history recorded before has one).
      if (state.procedureVersion !== procedureVersion) {
        procedureVersion = state.procedureVersion;
        updates.push({ key: searchAttributes.procedureVersion, value: procedureVersion });
      }
      if (updates.length) wf.upsertSearchAttributes(updates);
    },
    now: nowIso,
    // Asked only for a definition whose conditions count days (engine/machine.ts): none recorded before.
    dayCounting: (at) => conditionCalendar(at),
  };
  let procedureVersion = input.procedure.version;
  const machine = new ApplicationMachine(input.procedure.definition, input, effects);

  /** Registers a human action: validated before it enters history, applied in order, deduplicated by update id. */
  function action<A extends unknown[]>(
    update: UpdateDefinition<ApplicationState, A>,
    toEvent: (...args: A) => ApplicationEvent,
  ): void {
    wf.setHandler(
      update,
      async (...args: A) => {
        try {
          return await machine.dispatch(toEvent(...args));
        } catch (err) {
          throw asFailure(err);
        }
      },
      {
        validator: (...args: A) => {
          try {
            const event = toEvent(...args);
            // Before anything is projected: an action Temporal could not record must not get that far.
            checkActionSize(machine.definition, machine.state, event);
            checkEvent(machine.definition, machine.state, event, machine.language);
          } catch (err) {
            throw asFailure(err);
          }
        },
      },
    );
  }

  wf.setHandler(applicationStatus, () => machine.state);
  wf.setHandler(legalDeadline, () => legalDeadlineView(machine.state) ?? null);
  action(claimTask, (r) => ({ type: 'taskClaimed', ...r, at: nowIso() }));
  action(releaseTask, (r) => ({ type: 'taskReleased', ...r, at: nowIso() }));
  action(completeTask, (r) => ({ type: 'taskCompleted', ...r, at: nowIso() }));
  action(reassignTask, (r) => ({ type: 'taskReassigned', ...r, at: nowIso() }));
  action(requestComplement, (r) => ({ type: 'complementRequested', ...r, at: nowIso() }));
  action(provideComplement, (r) => ({ type: 'complementProvided', ...r, at: nowIso() }));
  action(extendDeadline, (r) => ({ type: 'extensionGranted', ...r, at: nowIso() }));
  action(withdraw, (r) => ({ type: 'withdrawn', ...r, at: nowIso() }));
  // Only language-2 definitions have windows: no history recorded before this handler ever received it.
  action(actInWindow, (r) => ({ type: 'citizenActed', ...r, at: nowIso() }));
  // No history recorded before this handler ever received the update: adding it changes no replay.
  wf.setHandler(
    migrateApplication,
    async (request) => {
      try {
        return await machine.migrate(request);
      } catch (err) {
        throw asFailure(err);
      }
    },
    {
      validator: (request) => {
        const verdict = machine.assessMove(request);
        if (!verdict.movable) throw asFailure(notMovable(verdict));
      },
    },
  );
  wf.setHandler(calendarChanged, () => {
    // Not returned, so as to keep how the SDK treats this signal as it was: a rejection here fails the
    // workflow task (the sandbox catches it), which is retried.
    void machine.dispatch({ type: 'calendarChanged', at: nowIso() });
  });

  const filing = machine.dispatch({ type: 'filed', at: input.filedAt });
  wf.setHandler(confirmFiling, () => filing);
  await filing;

  // Issue keys of window letters already asked for: rebuilt identically on replay, so each is asked once.
  const askedLetters = new Set<string>();
  async function issueWindowLetters(): Promise<void> {
    for (let request = windowLetterToIssue(machine.definition, machine.state, askedLetters); request; request = windowLetterToIssue(machine.definition, machine.state, askedLetters)) {
      askedLetters.add(request.issueKey);
      if (!wf.patched(WINDOW_LETTERS)) continue;
      try {
        const issued = await issueDecisionDocument(request);
        await machine.dispatch({ type: 'documentIssued', ...issued, window: request.window!, at: nowIso() });
      } catch (err) {
        // The refusal stands without its letter; the end that confirms it issues its own.
        wf.log.warn('the window letter was not issued', { trackingNumber: machine.state.trackingNumber, document: request.document, error: String(err) });
      }
    }
  }

  // Each pass arms the earliest timer; any change (an action, a pause, an extension, a calendar
  // change) wakes the loop so the timer is armed again from the new state.
  while (machine.state.status === 'open') {
    await issueWindowLetters();
    if (machine.state.status !== 'open') break;
    const revision = machine.state.revision;
    const timer = nextTimer(machine.state, machine.language);
    const changed = () => machine.idle && (machine.state.revision !== revision || machine.state.status !== 'open');
    if (!timer) {
      await wf.condition(changed);
      continue;
    }
    // A zero timeout would mean none at all: a timer already due waits one millisecond.
    const wait = Math.max(1, timer.atMs - Date.now());
    if (!(await wf.condition(changed, wait))) {
      await machine.dispatch({ type: 'timerFired', timerId: timer.id, at: nowIso() });
    }
  }
  const toIssue = documentToIssue(machine.definition, machine.state);
  if (toIssue && wf.patched(ISSUED_DOCUMENTS)) {
    try {
      const issued = await issueDecisionDocument(toIssue);
      await machine.dispatch({ type: 'documentIssued', ...issued, at: nowIso() });
    } catch (err) {
      // The decision stands without its document; an agent can issue it again (a re-issue).
      wf.log.warn('the decision document was not issued', { trackingNumber: machine.state.trackingNumber, document: toIssue.document, error: String(err) });
    }
  }
  await wf.condition(wf.allHandlersFinished);
  // A sink produces no command: it tells the worker (or a replay) how the application ended.
  wf.proxySinks<AuditSinks>().audit.applicationClosed({
    trackingNumber: machine.state.trackingNumber,
    status: machine.state.status,
    outcome: machine.state.outcome ?? null,
    grantedBySilence: machine.state.grantedBySilence ?? false,
    revision: machine.state.revision,
  });
  return machine.state;
}
