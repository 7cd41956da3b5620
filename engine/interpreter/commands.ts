/** What a transition asks its shell (the Temporal workflow, or the simulator) to carry out. */
import type { Budget, RetryPolicy, WarningRung } from '../definition.generated.js';
import type { LedgerEntry } from '../deadline/ledger.js';
import type { DeadlineScheduleRequest } from '../deadline/schedule.js';
import type { Outcome, TaskState, TimelineEntry } from './state.js';

export type Recipient = string;

export type Command =
  | { type: 'createTask'; task: TaskState }
  | { type: 'updateTask'; task: TaskState }
  | { type: 'runService'; token: string; stepId: string; activity: string; input: Record<string, unknown>; retry?: RetryPolicy }
  | { type: 'scheduleDeadline'; deadlineId: string; budget: Budget; ledger: LedgerEntry[]; warnings: WarningRung[]; previousCalendarVersion?: number }
  | { type: 'notify'; key: string; recipients: Recipient[]; template: string; context: Record<string, unknown> }
  | { type: 'timeline'; seq: number; entry: TimelineEntry }
  | { type: 'closeApplication'; outcome: Outcome; document?: string; grantedBySilence?: boolean };

/** What a scheduleDeadline command asks the shell to compute, without the command's own fields. */
export function scheduleRequest(command: Extract<Command, { type: 'scheduleDeadline' }>): DeadlineScheduleRequest {
  const { deadlineId: _deadlineId, type: _type, ...request } = command;
  return request;
}
