/**
 * Preloaded into the workflow sandbox once, before the SDK freezes its globals (see
 * `workflowBundleOptions` in infra/workflow-sandbox.ts), so it sets the depth for every workflow on the worker.
 *
 * The SDK records a stack trace, source-mapped frame by frame, for every promise workflow code creates
 * (for its stack-trace query). At V8's default depth of ten frames this was the largest single cost of
 * the workflow thread: about 90 promises per application, 40 % of that thread's CPU. Six frames still
 * show where a workflow waits and where an error was thrown, and cost about half.
 */
Error.stackTraceLimit = 6;
