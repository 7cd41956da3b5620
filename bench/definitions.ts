/** The procedures the benchmarks publish in their own database. */
import { testProcedure, text } from '../test/helpers/definitions.js';

export const BENCH_OFFICE = 'annex';

/** File → one agent task → decision: the shape measured against the baseline. */
export const oneTask = () => testProcedure('bench-one-task');

/** Two agent tasks in a row, to see how soon the second reaches the inbox after the first is done. */
export const twoTasks = () =>
  testProcedure('bench-two-tasks', {
    steps: {
      review: { type: 'userTask', role: 'agent', title: text('Review'), outcomes: { approve: { next: 'sign' }, reject: { next: 'refused' } } },
      sign: { type: 'userTask', role: 'agent', title: text('Sign'), outcomes: { approve: { next: 'granted' }, reject: { next: 'refused' } } },
    },
  });

/** Silence means consent after an exact duration: the timers benchmark's applications. */
export const expiring = (duration: string) =>
  testProcedure('bench-expiry', {
    deadline: { budget: { duration }, onExpiry: { action: 'autoApprove', end: 'granted', attestation: 'silence-attestation' } },
  });
