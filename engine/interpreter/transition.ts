/**
 * The interpreter's transition function: a pure state machine over one application. Given the pinned
 * definition, the current state and one event, it returns the new state and the commands the shell (the
 * Temporal workflow, or the simulator) must carry out. It never reads a clock: every instant comes in the
 * event. What each event does is decided here; the moves it makes are in interpretation.ts.
 */
import type { Expiry, ProcedureDefinition, RequestComplementStep, UserTaskStep } from '../definition.generated.js';
import { extensionDuration } from '../deadline/duration.js';
import type { Command } from './commands.js';
import type { ConditionReading } from './conditions.js';
import type { ApplicationEvent } from './events.js';
import { checkEvent } from './event-checks.js';
import { Interpretation } from './interpretation.js';
import type { ApplicationState, DeadlineState } from './state.js';
import { stepOf, userTaskStep } from './steps.js';
import { deadlineTimers } from './timers.js';
import { citizenActed, windowExpired, windowScheduled } from './citizen-window.js';
import { amendForm } from './form-amendment.js';
import { documentIssued } from './issued-documents.js';
import { migrated } from './migration.js';
import { clockExpiry, deadlineTemplate, endWaitIfPast, followDates } from './clocks.js';
import { complementDeadlineId, extensionNotification, FILED_NOTIFICATION, LEGAL_DEADLINE, parseTimerId, rearmedWarningNotification, warningNotification } from '../ids.js';

export interface Transition {
  state: ApplicationState;
  commands: Command[];
}

/** The state is plain JSON data; a JSON round trip copies it the same way in the workflow sandbox. */
function copy(state: ApplicationState): ApplicationState {
  return JSON.parse(JSON.stringify(state)) as ApplicationState;
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
    case 'clock':
      return clockExpiry(definition, d);
    default:
      return undefined;
  }
}

function onTimer(run: Interpretation, event: Extract<ApplicationEvent, { type: 'timerFired' }>): void {
  const timer = parseTimerId(event.timerId);
  const state = run.state;
  const d = timer ? state.deadlines[timer.deadlineId] : undefined;
  // A timer armed before the deadline moved (pause, extension, calendar change) is stale: ignore it.
  const due = d && deadlineTimers(d, run.language).find((t) => t.id === event.timerId);
  if (!timer || !d || !due || Date.parse(event.at) < due.atMs) return;
  if (timer.what === 'warning') {
    const rung = timer.rung;
    // A rung fires again only after an extension re-armed it (language 2): its message has a key of its own.
    const again = d.ledger.some((e) => e.type === 'warned' && e.rung === rung);
    const key = again ? rearmedWarningNotification(d.id, rung, d.ledger.filter((e) => e.type === 'extended').length) : warningNotification(d.id, rung);
    d.ledger.push({ type: 'warned', at: event.at, rung });
    const warning = d.warnings[rung];
    run.log(event.at, 'deadlineWarned', { taskId: d.taskId, detail: { deadline: d.id, rung, dueAt: d.projection?.dueAt } });
    if (warning) {
      run.notify(key, warning.notify, deadlineTemplate(d, 'warning'), {
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
  // The legal deadline and clocks stay in force once expired: a decision, or a clock met late, still counts.
  d.done = d.kind !== 'legal' && d.kind !== 'clock';
  run.log(event.at, 'deadlineExpired', { taskId: d.taskId, detail: { deadline: d.id, dueAt: d.projection?.dueAt } });
  const token = d.token ? state.tokens[d.token] : undefined;
  if (d.kind === 'wait' && token) {
    const step = stepOf(run.definition, token.stepId);
    if (step.type === 'wait') run.enter(token, step.next, event.at);
    return;
  }
  if (d.kind === 'citizenWindow') return windowExpired(run, d, event.at);
  if (d.kind === 'complementAnswer' && token) {
    const step = stepOf(run.definition, token.stepId);
    if (step.type === 'requestComplement') {
      delete state.complement.open;
      const legal = state.deadlines[LEGAL_DEADLINE];
      if (legal && !legal.done && legal.ledger.at(-1)?.type === 'paused') {
        legal.ledger.push({ type: 'resumed', at: event.at });
        run.reschedule(LEGAL_DEADLINE);
      }
      run.enter(token, step.onTimeout, event.at);
    }
    return;
  }
  run.expire(d, expiryOf(run.definition, state, d), event.at);
}

/**
 * Applies one event. `reading` says how the definition's expressions are read: its language version
 * (engine/language.ts) and the calendar. Where version 2 corrected the interpreter, a version-1
 * application keeps doing what it did, so that its history replays as recorded.
 */
export function applyEvent(definition: ProcedureDefinition, current: ApplicationState, event: ApplicationEvent, reading: ConditionReading): Transition {
  const language = reading.language;
  checkEvent(definition, current, event, language);
  const run = new Interpretation(definition, copy(current), reading);
  const state = run.state;
  switch (event.type) {
    case 'filed':
      run.log(event.at, 'filed', { actor: state.filedBy });
      run.notify(FILED_NOTIFICATION, ['citizen'], 'filed', {});
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
      // The agent who chose an outcome that asks the citizen for documents is who asked (language 2).
      if (token) run.enter(token, next, event.at, { way: 'outcome', ...(language >= 2 ? { actor: event.actor } : {}) });
      break;
    }
    case 'complementRequested': {
      const task = state.tasks[event.taskId]!;
      const asked = { documents: event.documents, ...(event.fields ? { fields: event.fields } : {}) };
      run.requestComplementFrom(task, userTaskStep(definition, task), asked, event.note, event.actor, event.at);
      break;
    }
    case 'complementProvided': {
      const open = state.complement.open!;
      const token = state.tokens[open.token];
      const step = stepOf(definition, open.stepId) as RequestComplementStep;
      delete state.complement.open;
      run.finishDeadline(complementDeadlineId(state.complement.count));
      const legal = state.deadlines[LEGAL_DEADLINE];
      const effect = definition.deadline.onComplement;
      if (legal && !legal.done) {
        if (effect === 'pause' && legal.ledger.at(-1)?.type === 'paused') legal.ledger.push({ type: 'resumed', at: event.at });
        if (effect === 'restart' || definition.deadline.startsOn === 'completeFile') {
          legal.ledger.push({ type: 'restarted', at: event.at, reason: 'the file is complete' });
        }
        run.reschedule(LEGAL_DEADLINE);
      }
      run.log(event.at, 'complementProvided', { actor: event.actor, stepId: open.stepId, detail: { documents: event.documents } });
      if (event.data) amendForm(run, open.stepId, event.data, event.actor, event.at);
      if (token) run.enter(token, step.next, event.at);
      break;
    }
    case 'citizenActed':
      citizenActed(run, event);
      break;
    case 'extensionGranted': {
      const legal = state.deadlines[LEGAL_DEADLINE]!;
      state.extensions += 1;
      // Language 2 adds units of a duration's own smallest unit, and the ledger says exactly how much.
      const duration = language >= 2 && 'duration' in legal.budget ? extensionDuration(legal.budget.duration, event.units) : undefined;
      legal.ledger.push({
        type: 'extended',
        at: event.at,
        units: event.units,
        reason: event.reason,
        ...(event.noticeGivenAt ? { noticeGivenAt: event.noticeGivenAt } : {}),
        ...(duration ? { duration } : {}),
      });
      run.reschedule(LEGAL_DEADLINE);
      run.log(event.at, 'deadlineExtended', { actor: event.actor, detail: { units: event.units, reason: event.reason } });
      run.notify(extensionNotification(state.extensions), ['citizen'], 'deadlineExtended', { units: event.units, reason: event.reason });
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
    case 'deadlineScheduled': {
      const d = state.deadlines[event.deadlineId];
      if (!d) break;
      const previous = d.projection;
      d.projection = event.schedule;
      if (!previous && d.kind === 'citizenWindow') windowScheduled(run, d, event.at);
      if (previous && event.schedule.movedBy && previous.dueAt !== event.schedule.dueAt) {
        // A calendar change rescheduled it; the ledger and timeline kinds keep their recorded names.
        d.ledger.push({
          type: 'reprojected',
          at: event.at,
          calendarId: event.schedule.calendar.id,
          calendarVersion: event.schedule.calendar.version,
          previousDueAt: previous.dueAt,
          newDueAt: event.schedule.dueAt,
          movedBy: event.schedule.movedBy,
        });
        run.log(event.at, 'deadlineReprojected', { detail: { deadline: d.id, from: previous.dueAt, to: event.schedule.dueAt, movedBy: event.schedule.movedBy } });
      }
      endWaitIfPast(run, d, event.at);
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
      for (const d of Object.values(state.deadlines)) if (!d.done) run.reschedule(d.id);
      break;
    case 'documentIssued':
      documentIssued(run, event);
      break;
    case 'migrated':
      migrated(run, event);
      break;
  }
  followDates(run, event.at);
  state.revision = current.revision + 1;
  return { state, commands: run.commands };
}
