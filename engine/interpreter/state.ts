/**
 * An application as the interpreter keeps it: what was filed (the workflow's input), its tasks, tokens,
 * deadlines and complement, and the state every transition starts from. Plain JSON data: it is what the
 * workflow answers with and what replay rebuilds, so its field names never change.
 */
import type { EndStep, Budget, Expiry, Extension, LocalizedText, ProcedureDefinition, WarningRung } from '../definition.generated.js';
import type { Direction } from '../deadline/relative.js';
import type { LedgerEntry } from '../deadline/ledger.js';
import type { PrefetchedSchedule } from '../deadline/prefetched-schedules.js';
import type { DeadlineSchedule } from '../deadline/schedule.js';
import type { LanguageVersion } from '../language.js';

export type Outcome = EndStep['outcome'];

export interface PinnedProcedure {
  id: string;
  version: number;
  /** sha256 of the canonical definition: proves which text the application ran on. */
  hash: string;
  definition: ProcedureDefinition;
  /** The language the definition was published under (engine/language.ts); absent in inputs pinned before versions existed. */
  languageVersion?: LanguageVersion;
}

export interface ApplicationInput {
  trackingNumber: string;
  procedure: PinnedProcedure;
  officeId: string;
  data: Record<string, unknown>;
  /** Who filed it: the citizen, or the agent filing at a counter on a citizen's behalf. */
  filedBy: string;
  filedAt: string;
  /** The citizen the application belongs to (differs from filedBy at a counter; empty for an internal procedure). */
  citizen?: string;
  /**
   * The workflow behaviours the application started with (WORKFLOW_VERSION in workflows/messages.ts):
   * a new history chooses them by this number rather than by patch markers. Absent in older histories.
   */
  workflowVersion?: number;
  /** The filing's deadlines, scheduled by the API when it filed (engine/deadline/prefetched-schedules.ts). */
  filingProjections?: PrefetchedSchedule[];
}

export type TaskStatus = 'open' | 'claimed' | 'completed' | 'cancelled';

export interface TaskState {
  id: string;
  stepId: string;
  role: string;
  officeId: string;
  status: TaskStatus;
  assignee?: string;
  outcome?: string;
  data?: Record<string, unknown>;
  createdAt: string;
  completedAt?: string;
  completedBy?: string;
  /** Set when a deadline escalated the task to a supervising role. */
  escalated?: boolean;
  /** The token (position in the graph) waiting on this task. */
  token: string;
  /** Which visit of its step created the task (1 the first time): a second sitting reads 2. Absent in tasks created before it was kept. */
  visit?: number;
}

// ---------------------------------------------------------------------------------------------------
// Deadlines: the ledger is the truth; the schedule (due instant, rung instants) comes back from the
// shell, which computes it with the calendar in an activity so that replay never depends on calendar
// data or time-zone rules that changed later.

export type DeadlineKind = 'legal' | 'serviceLevel' | 'escalation' | 'wait' | 'complementAnswer' | 'citizenWindow' | 'clock';

export interface DeadlineState {
  id: string;
  kind: DeadlineKind;
  budget: Budget;
  warnings: WarningRung[];
  ledger: LedgerEntry[];
  /** The deadline's schedule, once the shell computed it (the field keeps the name states are recorded with). */
  projection?: DeadlineSchedule;
  /** The token the deadline belongs to (service levels, waits, complement answers). */
  token?: string;
  taskId?: string;
  /** What expiry does, when the deadline itself says so (an escalation's follow-up deadline). */
  onExpiry?: Expiry;
  /** How the legal deadline may be extended, when the variant chosen at filing has its own extension (language 2). */
  extension?: Extension;
  /** Counted before or after a date in the data (its ledger's last `dated` entry), not from its start. */
  relative?: Direction;
  /** A clock's name for people, from its definition. */
  label?: LocalizedText;
  done: boolean;
}

/** A position in the graph: one per running branch. */
export interface Token {
  id: string;
  stepId: string;
  /** The parallel step instance and branch this token runs in. */
  branch?: { parallel: string; branchId: string };
  /** Outcome of the last task completed on this token: what a branch reports at its join. */
  lastOutcome?: string;
  /** A parallel step's token waits for its branches. */
  branches?: Record<string, 'running' | 'joined' | 'cancelled'>;
}

export interface ComplementState {
  count: number;
  open?: {
    stepId: string;
    token: string;
    documents: string[];
    /** Fields of the form the citizen is asked to re-enter (language 2). */
    fields?: string[];
    note?: string;
    requestedAt: string;
    requestedBy: string;
  };
}

/** A citizen window open at a step (language 2): the citizen may act until its deadline passes. */
export interface CitizenWindowState {
  stepId: string;
  token: string;
  /** Its deadline, in `deadlines`. */
  deadlineId: string;
  visit: number;
  openedAt: string;
  /**
   * The step it opened at, when a move to a corrected version renamed that step since: its refusal
   * letter's issue key is made with it, as it was when the letter was asked for.
   */
  openedAtStep?: string;
}

export interface TimelineEntry {
  at: string;
  kind: string;
  actor?: string;
  stepId?: string;
  taskId?: string;
  detail?: Record<string, unknown>;
}

export interface ApplicationState {
  trackingNumber: string;
  procedureId: string;
  procedureVersion: number;
  officeId: string;
  status: 'open' | 'closed';
  outcome?: Outcome;
  /** Document issued with the outcome, as the end step (or the attestation of silence) names it. */
  document?: string;
  /** The decision was granted by the administration's silence. */
  grantedBySilence?: boolean;
  motivation?: string;
  /**
   * The end step that closed it, kept only for a definition that declares `issuedDocuments`: the
   * refusal letter takes its motivation from there.
   */
  endStep?: string;
  /** The competent body a forwarded application went to (outcome `forwarded`). */
  forwardedTo?: LocalizedText;
  data: Record<string, unknown>;
  filedBy: string;
  citizen: string;
  filedAt: string;
  closedAt?: string;
  tasks: Record<string, TaskState>;
  tokens: Record<string, Token>;
  steps: Record<string, { outcome?: string; data?: Record<string, unknown>; result?: unknown; visits: number }>;
  branches: Record<string, Record<string, string | null>>;
  deadlines: Record<string, DeadlineState>;
  complement: ComplementState;
  /**
   * The refusal letter a window issued as it opened, while that refusal stands: cleared when the citizen
   * acts in the window (a complaint), so only an end that confirms the same refusal skips its letter.
   */
  refusalLetter?: { document: string; stepId: string; visit: number };
  /** The citizen windows open now, by step; absent until a window first opens. */
  windows?: Record<string, CitizenWindowState>;
  extensions: number;
  /** Counters so that ids never repeat when a step is visited again. */
  counters: { tasks: number; tokens: number; timeline: number };
  /** Increases with every change: projections ignore a write older than what they hold. */
  revision: number;
}


export function initialState(input: ApplicationInput): ApplicationState {
  return {
    trackingNumber: input.trackingNumber,
    procedureId: input.procedure.id,
    procedureVersion: input.procedure.version,
    officeId: input.officeId,
    status: 'open',
    data: input.data,
    filedBy: input.filedBy,
    citizen: input.citizen ?? input.filedBy,
    filedAt: input.filedAt,
    tasks: {},
    tokens: {},
    steps: {},
    branches: {},
    deadlines: {},
    complement: { count: 0 },
    extensions: 0,
    counters: { tasks: 0, tokens: 0, timeline: 0 },
    revision: 0,
  };
}
