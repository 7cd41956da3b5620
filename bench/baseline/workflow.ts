/**
 * The baseline: the same shape as an application (filed, one task for an agent, a decision, closed)
 * written by hand against Temporal with nothing else — no interpreter, no activities, no projections.
 * Its throughput is what this machine's Temporal carries; Mohla is measured against it.
 *
 * The filing is an update answered once the workflow holds its task, as Mohla's filing answers with
 * the task: an agent can only decide on a task that exists. The decision is a signal.
 */
import { condition, defineSignal, defineUpdate, setHandler, workflowInfo } from '@temporalio/workflow';

export const file = defineUpdate<string>('file');
export const decide = defineSignal<[string]>('decide');

export async function baselineWorkflow(): Promise<string> {
  let outcome: string | undefined;
  setHandler(file, () => `${workflowInfo().workflowId}/task`);
  setHandler(decide, (value) => {
    outcome = value;
  });
  await condition(() => outcome !== undefined);
  return outcome as string;
}
