/**
 * What the workflow code reports to whoever hosts it: the worker, and replays (audit/replay.ts), which
 * compare the outcome a history recorded with the one the current code reaches. Types only: the workflow
 * imports them without reaching any host code, and the hosts below workflows/ may name them.
 */
import type { Sinks } from '@temporalio/workflow';

/** What a closed application reports to the worker; replays use it to compare outcomes with the history's. */
export interface ClosedApplication {
  trackingNumber: string;
  status: string;
  outcome: string | null;
  grantedBySilence: boolean;
  revision: number;
}

export interface AuditSinks extends Sinks {
  audit: {
    applicationClosed(summary: ClosedApplication): void;
  };
}
