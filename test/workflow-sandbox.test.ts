import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { PROJECT_ROOT } from '../infra/config.js';
import { workflowBundleOptions } from '../worker.js';

let connection: Connection;
let nativeConnection: NativeConnection;

beforeAll(async () => {
  connection = await Connection.connect({ address: inject('temporalAddress') });
  nativeConnection = await NativeConnection.connect({ address: inject('temporalAddress') });
});
afterAll(async () => {
  await connection?.close();
  await nativeConnection?.close();
});

describe('the workflow sandbox', () => {
  it('records six stack frames, the throwing function first, as the bundle options preload (the SDK traces every promise at this depth)', async () => {
    const bundle = await bundleWorkflowCode(workflowBundleOptions(path.join(PROJECT_ROOT, 'test/fixtures/sandbox-workflow/index.ts')));
    const taskQueue = `sandbox-${process.pid}-${Date.now()}`;
    const worker = await Worker.create({ connection: nativeConnection, taskQueue, workflowBundle: bundle });
    const client = new Client({ connection });
    const frames = await worker.runUntil(client.workflow.execute('stackFrames', { taskQueue, workflowId: taskQueue }));
    expect(frames).toHaveLength(6);
    expect(frames[0]).toMatch(/at nested \(.*sandbox-workflow\/index\.ts:\d+:\d+\)/);
  });
});
