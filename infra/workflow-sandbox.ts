/**
 * How the workflow code is put in its sandbox, the same way by every host of it: the worker (bundling at
 * start or given a bundle), the ahead-of-time bundle (tests, bench, image) and replays. The workflow code
 * is named by path, never imported: it runs in the sandbox, not in the host's module graph.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DefaultLogger, type BundleOptions, type InjectedSinks, type WorkerOptions } from '@temporalio/worker';
import { FAILURE_CONVERTER_PATH } from './data-converter.js';
import type { AuditSinks, ClosedApplication } from './workflow-sinks.js';

const WORKFLOWS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'workflows');
export const WORKFLOWS_PATH = path.join(WORKFLOWS_DIR, 'index.ts');
/** Run once in the sandbox before its globals are frozen; shared by every workflow of the worker. */
const PRELOADED_MODULES = [path.join(WORKFLOWS_DIR, 'stack-trace-depth.ts')];

/** How the workflows are bundled: by the worker at start, and ahead of time by the tests, the bench and replays. */
export function workflowBundleOptions(workflowsPath = WORKFLOWS_PATH): BundleOptions {
  return { workflowsPath, preloadModules: PRELOADED_MODULES, failureConverterPath: FAILURE_CONVERTER_PATH, logger: new DefaultLogger('WARN') };
}

/** A live worker has nothing to do when an application closes; replays (audit/replay.ts) listen instead. */
export function auditSinks(onClosed: (summary: ClosedApplication) => void = () => undefined): InjectedSinks<AuditSinks> {
  return { audit: { applicationClosed: { fn: (_info, summary) => onClosed(summary), callDuringReplay: true } } };
}

/** The worker's workflow code: a prebuilt bundle when given, otherwise bundled at start. */
export function workflowSource(bundle?: WorkerOptions['workflowBundle']): Partial<WorkerOptions> {
  return bundle ? { workflowBundle: bundle } : { workflowsPath: WORKFLOWS_PATH, bundlerOptions: { preloadModules: PRELOADED_MODULES } };
}
