/**
 * The shapes of the API's answers, in one module without I/O so that the web front end type-checks
 * against the very types the routes answer with.
 */
import type { legalDeadlineView } from '../engine/interpreter/views.js';

/** The legal deadline as the projection keeps it: due date, pause, ledger and the explanation. */
export type LegalDeadlineView = NonNullable<ReturnType<typeof legalDeadlineView>>;

/** How the API shows a task, whether it comes from the workflow's state or from the inbox projection. */
export interface TaskView {
  id: string;
  stepId: string;
  role: string;
  officeId: string;
  status: string;
  assignee: string | null;
  outcome: string | null;
  escalated: boolean;
  createdAt: string;
  completedAt: string | null;
}

/** How the API shows an application (the form data stays out: it is personal). */
export interface ApplicationView {
  trackingNumber: string;
  procedure: { id: string; version: number };
  officeId: string;
  /** The citizen the application belongs to, and who filed it (the citizen, or an agent at a counter). */
  citizen: string;
  filedBy: string;
  status: string;
  outcome: string | null;
  document: string | null;
  grantedBySilence: boolean;
  motivation: string | null;
  filedAt: string;
  closedAt: string | null;
  deadline: LegalDeadlineView | null;
  tasks: TaskView[];
}

/** Time left on a deadline, as the inbox shows it. */
export interface TimeLeftView {
  dueAt: string;
  msLeft: number;
  overdue: boolean;
  /** Due within the next two working days (the dashboard's rule). */
  atRisk: boolean;
  daysLeft: number;
}

/** A task in the inbox: the task, its application and the time left on both clocks. */
export interface InboxTaskView extends TaskView {
  trackingNumber: string;
  procedureId: string;
  legalDeadline: (TimeLeftView & { paused: boolean }) | null;
  serviceLevel: TimeLeftView | null;
}
