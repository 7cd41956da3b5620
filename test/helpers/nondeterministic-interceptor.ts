/**
 * Workflow code changed as a bad deploy changes it: every workflow first waits a millisecond, a timer
 * its recorded history does not have, so replaying any application fails with a non-determinism error.
 * Bundled into a second worker by test/helpers/incident-workers.ts; never part of the product.
 */
import { sleep, type WorkflowInterceptorsFactory } from '@temporalio/workflow';

export const interceptors: WorkflowInterceptorsFactory = () => ({
  inbound: [
    {
      async execute(input, next) {
        await sleep(1);
        return next(input);
      },
    },
  ],
});
