/** What happens to an application: each event is one input of the transition function. */
import type { DeadlineSchedule } from '../deadline/schedule.js';

export type ApplicationEvent =
  | { type: 'filed'; at: string }
  | { type: 'taskClaimed'; taskId: string; actor: string; at: string }
  | { type: 'taskReleased'; taskId: string; actor: string; at: string }
  | { type: 'taskCompleted'; taskId: string; outcome: string; data?: Record<string, unknown>; actor: string; at: string }
  | { type: 'taskReassigned'; taskId: string; toRole?: string; toAgent?: string; actor: string; at: string }
  | { type: 'complementRequested'; taskId: string; documents: string[]; fields?: string[]; note?: string; actor: string; at: string }
  | { type: 'complementProvided'; documents: string[]; data?: Record<string, unknown>; actor: string; at: string }
  | { type: 'citizenActed'; stepId: string; data: Record<string, unknown>; actor: string; at: string }
  | { type: 'extensionGranted'; units: number; reason: string; noticeGivenAt?: string; actor: string; at: string }
  | { type: 'serviceCompleted'; token: string; result: unknown; at: string }
  | { type: 'serviceFailed'; token: string; error: string; at: string }
  | { type: 'deadlineScheduled'; deadlineId: string; schedule: DeadlineSchedule; at: string }
  | { type: 'timerFired'; timerId: string; at: string }
  | { type: 'withdrawn'; actor: string; reason?: string; at: string }
  | { type: 'calendarChanged'; at: string }
  /** The document of the decision was issued (engine/issued-documents.ts): no personal data, only what identifies it. */
  | { type: 'documentIssued'; code: string; kind: string; document: string; sha256: string; delivery: string; window?: { stepId: string; visit: number }; at: string }
  /**
   * An administrator moved the application to a corrected version (engine/interpreter/migration.ts): the
   * steps it is at (`steps`), every step the new version renames (`renamed`), and what becomes of its deadlines.
   */
  | {
      type: 'migrated';
      planId: string;
      fromVersion: number;
      toVersion: number;
      steps: Record<string, string>;
      renamed: Record<string, string>;
      deadlines: { legal?: 'keep' | 'recompute'; serviceLevels?: 'keep' | 'recompute' };
      note?: string;
      actor: string;
      at: string;
    };
