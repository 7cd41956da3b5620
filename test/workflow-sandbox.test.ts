import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { loadConfig, PROJECT_ROOT } from '../infra/config.js';
import { temporalDataConverter } from '../infra/data-converter.js';
import { workflowBundleOptions } from '../infra/workflow-sandbox.js';

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
    const dataConverter = temporalDataConverter(loadConfig().codecKeys);
    const worker = await Worker.create({ connection: nativeConnection, taskQueue, workflowBundle: bundle, dataConverter });
    const client = new Client({ connection, dataConverter });
    const frames = await worker.runUntil(client.workflow.execute('stackFrames', { taskQueue, workflowId: taskQueue }));
    expect(frames).toHaveLength(6);
    expect(frames[0]).toMatch(/at nested \(.*sandbox-workflow\/index\.ts:\d+:\d+\)/);
  });

  it('stores failure messages that quote a caller encrypted, and gives them back whole to Mohla’s clients', async () => {
    const bundle = await bundleWorkflowCode(workflowBundleOptions(path.join(PROJECT_ROOT, 'test/fixtures/sandbox-workflow/index.ts')));
    const taskQueue = `refuse-${process.pid}-${Date.now()}`;
    const dataConverter = temporalDataConverter(loadConfig().codecKeys);
    const activities = { quote: async (text: string) => Promise.reject(new Error(`activity saw ${text}`)) };
    const worker = await Worker.create({ connection: nativeConnection, taskQueue, workflowBundle: bundle, dataConverter, activities });
    const client = new Client({ connection, dataConverter });
    const secret = 'CIN FB123456 of Amina Idrissi';
    const failure = await worker.runUntil(client.workflow.execute('refuse', { taskQueue, workflowId: taskQueue, args: [secret] }).catch((err: unknown) => err));
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    expect((failure as WorkflowFailedError).cause?.message).toBe(`refused: ${secret}`);
    const history = await client.workflow.getHandle(taskQueue).fetchHistory();
    const failures = (history.events ?? []).flatMap((e) => [e.activityTaskFailedEventAttributes?.failure, e.workflowExecutionFailedEventAttributes?.failure]).filter(Boolean);
    expect(failures).toHaveLength(2);
    for (const stored of failures) expect(stored?.message).toBe('Encoded failure');
    expect(historyToJSON(history)).not.toContain('Amina');
  });
});

