/** What happened to a deadline, in the order it happened: the truth its due instant is computed from. */

/** What happened to a deadline, in the order it happened. `at` is an ISO 8601 instant. */
export type LedgerEntry =
  | { type: 'started'; at: string }
  /** A complement was requested ("pause" semantics): the clock stops from this date on. */
  | { type: 'paused'; at: string; reason: string }
  | { type: 'resumed'; at: string }
  /**
   * "Restart" semantics (e.g. the deadline runs from the complete file): the full budget, extensions
   * already granted included, counts again from this instant's local date; earlier pauses no longer matter.
   */
  | { type: 'restarted'; at: string; reason?: string }
  /**
   * Units in the budget's unit. For a duration budget, `duration` is the exact span added (language 2:
   * the units counted in the duration's smallest unit); without it, as language 1 reads it, each unit
   * adds one whole budget duration.
   */
  | { type: 'extended'; at: string; units: number; reason: string; noticeGivenAt?: string; duration?: string }
  | { type: 'warned'; at: string; rung: number }
  /**
   * A clock counted from a date in the data: from this instant on it counts from `date` (YYYY-MM-DD, or
   * a date-time). A later entry means the data changed the date, and the clock was rescheduled.
   */
  | { type: 'dated'; at: string; date: string; previousDate?: string }
  /** A clock stopped: the application entered `step`, one of the steps that meet it, on time or `late`. */
  | { type: 'met'; at: string; step: string; late: boolean }
  | { type: 'expired'; at: string }
  | {
      type: 'reprojected';
      at: string;
      calendarId: string;
      calendarVersion: number;
      previousDueAt: string;
      newDueAt: string;
      /** Which calendar entry moved which date, in words. */
      movedBy: string[];
    };

export type DeadlineLedger = readonly LedgerEntry[];
