import type { Reporter, SerializedError, TestModule } from 'vitest/node';

/** Ends the run with one plain `N passed, N failed` line, whatever reporter prints above it. */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const module of modules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped++;
      }
      if (module.state() === 'failed' && ![...module.children.allTests()].length) failed++;
    }
    // An error thrown outside any test fails the run although every test passed: the line says so.
    const unhandled = unhandledErrors.length;
    console.log(
      `\ntests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}` +
        `${unhandled ? `, ${unhandled} unhandled error${unhandled === 1 ? '' : 's'}` : ''}`,
    );
  }
}
