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
