import type { Client } from '@temporalio/client';
import { calendarChanged, PROCEDURE_WORKFLOW } from '../workflows/messages.js';

/**
 * Tells every running application whose legal deadline falls on or after `since`: each reschedules its
 * deadlines and records in its ledger which entry moved which date. Deadlines due earlier cannot be
 * moved by the change; paused ones take the new calendar when they resume.
 */
export async function signalAffectedApplications(client: Client, taskQueue: string, since: string): Promise<number> {
  const query =
    `WorkflowType = '${PROCEDURE_WORKFLOW}' AND ExecutionStatus = 'Running' AND TaskQueue = '${taskQueue}' ` +
    `AND MohlaDueAt >= '${since}T00:00:00Z'`;
  let signalled = 0;
  for await (const execution of client.workflow.list({ query })) {
    await client.workflow.getHandle(execution.workflowId).signal(calendarChanged);
    signalled += 1;
  }
  return signalled;
}
