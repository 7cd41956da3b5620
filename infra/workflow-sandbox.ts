/**
 * How the workflow code is put in its sandbox, the same way by every host of it: the worker (bundling at
 * start or given a bundle), the ahead-of-time bundle (tests, bench, image) and replays. The workflow code
 * is named by path, never imported: it runs in the sandbox, not in the host's module graph.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeWorkflowExporter, type OpenTelemetryWorkflowExporter } from '@temporalio/interceptors-opentelemetry';
import { DefaultLogger, type BundleOptions, type InjectedSinks, type WorkerOptions } from '@temporalio/worker';
import { FAILURE_CONVERTER_PATH } from './data-converter.js';
import { workflowSpanTarget } from './tracing.js';
import type { AuditSinks, ClosedApplication } from './workflow-sinks.js';

const WORKFLOWS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'workflows');
export const WORKFLOWS_PATH = path.join(WORKFLOWS_DIR, 'index.ts');
/** Run once in the sandbox before its globals are frozen; shared by every workflow of the worker. */
const PRELOADED_MODULES = [path.join(WORKFLOWS_DIR, 'stack-trace-depth.ts')];
/**
 * The workflow-side interceptors, in every bundle: OpenTelemetry's spans the workflow run and each
 * activity it schedules, and hands the spans to the host through the `exporter` sink (auditSinks). It
 * keeps the workflow deterministic (its ids come from the workflow's seeded random) and adds only
 * headers to new commands, so histories recorded without it replay unchanged.
 */
export const WORKFLOW_INTERCEPTOR_MODULES = [createRequire(import.meta.url).resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors')];

/** How the workflows are bundled: by the worker at start, and ahead of time by the tests, the bench and replays. */
export function workflowBundleOptions(workflowsPath = WORKFLOWS_PATH): BundleOptions {
  return {
    workflowsPath,
    preloadModules: PRELOADED_MODULES,
    workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES,
    failureConverterPath: FAILURE_CONVERTER_PATH,
    logger: new DefaultLogger('WARN'),
  };
}

/**
 * What every host of the workflow code injects. A live worker has nothing to do when an application
 * closes; replays (audit/replay.ts) listen instead. The workflow's spans go to the process's tracing,
 * or nowhere when it has none.
 */
export function auditSinks(onClosed: (summary: ClosedApplication) => void = () => undefined): InjectedSinks<AuditSinks & { exporter: OpenTelemetryWorkflowExporter }> {
  const spans = workflowSpanTarget();
  return {
    audit: { applicationClosed: { fn: (_info, summary) => onClosed(summary), callDuringReplay: true } },
    exporter: makeWorkflowExporter(spans.spanProcessor, spans.resource),
  };
}

/** The worker's workflow code: a prebuilt bundle when given, otherwise bundled at start. */
export function workflowSource(bundle?: WorkerOptions['workflowBundle']): Partial<WorkerOptions> {
  return bundle ? { workflowBundle: bundle } : { workflowsPath: WORKFLOWS_PATH, bundlerOptions: { preloadModules: PRELOADED_MODULES } };
}
