/** Whether an event may happen to the application as it stands: the rules a human action must meet. */
import type { ProcedureDefinition, RequestComplementStep } from '../definition.generated.js';
import { DomainError } from '../errors.js';
import type { LanguageVersion } from '../language.js';
import { complementRequest } from './complements.js';
import type { ApplicationEvent } from './events.js';
import { LEGAL_DEADLINE } from '../ids.js';
import type { ApplicationState, TaskState } from './state.js';
import { complementOutcome, stepOf, userTaskStep } from './steps.js';
import { checkCitizenAct } from './citizen-window.js';
import { checkAmendment } from './form-amendment.js';

function openTask(state: ApplicationState, taskId: string): TaskState {
  const task = state.tasks[taskId];
  // A task already done says so first, whether or not the application is closed: the same answer as
  // once the workflow has ended (a closed workflow may still be issuing the decision's document).
  if (task?.status === 'completed' || task?.status === 'cancelled') {
    throw new DomainError('task_not_open', `Task ${taskId} is already ${task.status}.`);
  }
  openApplication(state);
  if (!task) throw new DomainError('task_not_found', `Application ${state.trackingNumber} has no task ${taskId}.`);
  return task;
}

function openApplication(state: ApplicationState): void {
  if (state.status === 'closed') {
    throw new DomainError('application_closed', `Application ${state.trackingNumber} is already ${state.outcome}.`);
  }
}

function notClaimedByOther(task: TaskState, actor: string): void {
  if (task.status === 'claimed' && task.assignee !== actor) {
    throw new DomainError('task_not_open', `Task ${task.id} is claimed by ${task.assignee}.`);
  }
}

/**
 * Checks an event against the state without changing anything: the workflow's update validators call
 * it, so an invalid human action is rejected before it enters the history. The checks version 2 added
 * apply to language-2 applications only: the interpreter runs them again on replay.
 */
export function checkEvent(definition: ProcedureDefinition, state: ApplicationState, event: ApplicationEvent, language: LanguageVersion): void {
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
      const next = step.outcomes[event.outcome]!.next;
      const request = definition.steps[next];
      // An outcome that asks for documents asks as the request action does (complements.ts).
      if (language >= 2 && request?.type === 'requestComplement') complementRequest(definition, state, next, request, 'outcome', language);
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
      complementRequest(definition, state, target[1], request, 'action', language, event.documents, event.fields);
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
      checkAmendment(open, event.data);
      return;
    }
    case 'citizenActed':
      openApplication(state);
      return checkCitizenAct(state, event);
    case 'extensionGranted': {
      openApplication(state);
      const legal = state.deadlines[LEGAL_DEADLINE];
      // The variant chosen at filing may have its own extension (language 2), which replaces the deadline's.
      const policy = legal?.extension ?? definition.deadline.extension;
      if (!policy) throw new DomainError('extension_not_allowed', `${definition.id} allows no extension of its deadline.`);
      if (!legal || legal.done) throw new DomainError('extension_not_allowed', 'The legal deadline is not running.');
      if (state.extensions >= policy.maxCount) {
        throw new DomainError('extension_not_allowed', `The deadline was already extended ${state.extensions} time(s), the most allowed.`);
      }
      if (language >= 2 && (!Number.isInteger(event.units) || event.units < 1)) {
        throw new DomainError('invalid_input', 'An extension adds a whole number of units, at least 1.', [{ pointer: '/units', message: 'must be a whole number, at least 1' }]);
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
    case 'deadlineScheduled':
    case 'timerFired':
    case 'calendarChanged':
      return;
    // Sent by the workflow itself once the decision's document is issued, after the application closed.
    case 'documentIssued':
      return;
    // Checked whole before the definition is swapped (engine/migration/assessment.ts).
    case 'migrated':
      return openApplication(state);
  }
}
