/**
 * The baseline: the same shape as an application (started, one decision arrives, closed) written by
 * hand against Temporal with nothing else — no interpreter, no activities, no projections. Its
 * throughput is what this machine's Temporal carries; Mohla is measured against it.
 */
import { condition, defineSignal, setHandler } from '@temporalio/workflow';

export const decide = defineSignal<[string]>('decide');

export async function baselineWorkflow(): Promise<string> {
  let outcome: string | undefined;
  setHandler(decide, (value) => {
    outcome = value;
  });
  await condition(() => outcome !== undefined);
  return outcome as string;
}
