/**
 * The simulator's trace: what the interpreter's commands mean, one line each, in the words of the
 * definition rather than the keys the state holds (`sla:…`, `wait:t1:1`), which mean nothing to a
 * designer.
 */
import { parseDeadlineId, parseTaskId } from './ids.js';
import type { Command } from './interpreter/commands.js';
import type { ApplicationState } from './interpreter/state.js';

export interface TraceEntry {
  at: string;
  kind: string;
  text: string;
}

/** A deadline as a designer knows it, from its id and the state it was started in. */
function deadlineName(id: string, state: ApplicationState, named: (id: string) => string): string {
  const key = parseDeadlineId(id);
  switch (key?.kind) {
    case 'legal':
      return 'legal deadline';
    case 'serviceLevel':
      return `service level of task ${parseTaskId(key.taskId)?.stepId ?? state.tasks[key.taskId]?.stepId ?? key.taskId}`;
    case 'wait':
      return `wait step ${state.tokens[key.tokenId]?.stepId ?? key.tokenId}`;
    case 'complementAnswer':
      return `time to answer complement request ${key.request}`;
    case 'citizenWindow':
      return `window ${state.tokens[key.tokenId]?.stepId ?? key.tokenId}`;
    case 'escalation':
      return `escalation deadline after the ${named(key.escalatedDeadlineId)}`;
    case 'clock':
      return `clock "${state.deadlines[id]?.label?.en ?? key.clockId}"`;
    default:
      return `deadline ${id}`;
  }
}

export class SimulationTrace {
  readonly entries: TraceEntry[] = [];
  /** The steps entered, in order (a step entered twice is named twice): what a diagram marks as visited. */
  readonly visited: string[] = [];
  /** Named when first seen: a wait's token moves on when it ends, its step is where it started. */
  private readonly names = new Map<string, string>();

  private name(id: string, state?: ApplicationState): string {
    let name = this.names.get(id);
    if (name === undefined && state) {
      name = deadlineName(id, state, (other) => this.name(other, state));
      this.names.set(id, name);
    }
    return name ?? `deadline ${id}`;
  }

  push(entry: TraceEntry): void {
    this.entries.push(entry);
  }

  /** The commands of one transition, at `now` unless they carry their own instant. */
  record(state: ApplicationState, commands: Command[], now: string): void {
    for (const id of Object.keys(state.deadlines)) this.name(id, state);
    for (const command of commands) {
      if (command.type === 'timeline' && command.entry.kind === 'stepEntered' && command.entry.stepId) this.visited.push(command.entry.stepId);
      const entry = this.describe(command);
      if (entry) this.entries.push({ ...entry, at: entry.at || now });
    }
  }

  private describe(command: Command): TraceEntry | undefined {
    switch (command.type) {
      case 'createTask':
        return { at: command.task.createdAt, kind: 'task', text: `task ${command.task.stepId} for role ${command.task.role}` };
      case 'timeline': {
        const e = command.entry;
        const d = e.detail ?? {};
        const deadline = typeof d.deadline === 'string' ? this.name(d.deadline) : 'deadline';
        // A wait's deadline falling due is the wait coming to its end, not anything late.
        const waited = typeof d.deadline === 'string' && parseDeadlineId(d.deadline)?.kind === 'wait';
        const text: Record<string, string | undefined> = {
          stepEntered: `entered ${e.stepId}`,
          taskCompleted: `${e.actor} completed ${e.stepId}: ${d.outcome}`,
          taskClaimed: `${e.actor} claimed ${e.stepId}`,
          taskEscalated: `task ${e.stepId} escalated to ${d.toRole}`,
          taskReassigned: `task ${e.stepId} reassigned to ${d.toAgent ?? d.toRole}`,
          deadlineWarned: `warning: ${deadline} due ${d.dueAt}`,
          deadlineExpired: waited ? `${deadline} ended` : `${deadline} expired (was due ${d.dueAt})`,
          deadlineExtended: `deadline extended by ${d.units}: ${d.reason}`,
          clockMet: `${deadline} met at ${e.stepId}${d.late ? ', late' : ', on time'}${d.dueAt ? ` (due ${d.dueAt})` : ''}`,
          clockDated: `${deadline} counts from ${d.date}${d.previousDate ? ` (was ${d.previousDate})` : ''}`,
          waitEnded: `wait at ${e.stepId} ended at once: ${d.reason}`,
          movedOnExpiry: `${deadline} expired: moved to ${e.stepId}`,
          taskCancelled: `task ${e.stepId} cancelled: ${d.reason}`,
          deadlineReprojected: `${deadline} moved from ${d.from} to ${d.to}`,
          complementRequested: `documents requested: ${(d.documents as string[] | undefined)?.join(', ') || 'none'}${d.fields ? `; fields to enter again: ${(d.fields as string[]).join(', ')}` : ''}`,
          complementProvided: `documents provided: ${(d.documents as string[] | undefined)?.join(', ')}`,
          fieldsAmended: `fields amended: ${(d.fields as string[] | undefined)?.join(', ')}`,
          windowOpened: `window ${e.stepId} open until ${d.dueAt}`,
          citizenActed: `citizen acted at ${e.stepId} (${(d.fields as string[] | undefined)?.join(', ') || 'no fields'})`,
          windowClosed: `window ${e.stepId} closed without the citizen acting`,
          legalDeadlineStopped: `legal deadline stopped at ${e.stepId}`,
          legalDeadlineRestarted: `legal deadline counts anew from ${e.stepId}`,
          serviceCompleted: `service ${d.activity} done`,
          serviceFailed: `service ${d.activity} failed: ${d.error}`,
          branchesJoined: `branches joined: ${JSON.stringify(d.branches)}`,
          closed: `closed: ${d.outcome}${d.grantedBySilence ? ' (granted by silence)' : ''}${d.document ? `, issues ${d.document}` : ''}${
            d.forwardedTo ? `, forwarded to ${(d.forwardedTo as { en: string }).en}` : ''
          }`,
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
}
