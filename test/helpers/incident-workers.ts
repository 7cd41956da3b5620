/**
 * Workers for the incidents tests: the correct one (the test file's bundle), and a "bad deploy" whose
 * bundle carries a workflow interceptor that changes the order of commands (nondeterministic-interceptor.ts).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';
import { loadConfig } from '../../infra/config.js';
import { workflowBundleOptions } from '../../infra/workflow-sandbox.js';
import { startProcedureWorker, type ProcedureWorker } from '../../worker/procedure-worker.js';
import type { TestStack } from './stack.js';

const BROKEN_INTERCEPTOR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'nondeterministic-interceptor.ts');

/** The workflow code as a bad deploy ships it: bundled once per call (tens of seconds on a busy machine). */
export async function brokenWorkflowBundle(): Promise<{ code: string }> {
  const { code } = await bundleWorkflowCode({ ...workflowBundleOptions(), workflowInterceptorModules: [BROKEN_INTERCEPTOR] });
  return { code };
}

export interface IncidentWorkerOptions {
  bundle?: { code: string };
  incidentAttempts?: number;
  serviceEndpoints?: Record<string, string>;
}

/** A procedure worker on the stack's task queue, with the incident bookkeeping the product runs. */
export function startIncidentWorker(stack: TestStack, options: IncidentWorkerOptions = {}): Promise<ProcedureWorker> {
  return startProcedureWorker({
    address: stack.temporalAddress,
    taskQueue: stack.taskQueue,
    orm: stack.appOrm,
    codecKeys: loadConfig().codecKeys,
    notifications: stack.notifications,
    workflowBundle: options.bundle ?? { codePath: stack.workflowBundlePath },
    incidentAttempts: options.incidentAttempts,
    serviceEndpoints: options.serviceEndpoints,
  });
}
