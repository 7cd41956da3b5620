import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { createTestStack, people, type TestStack } from './helpers/stack.js';
import { killHard, startWorkerProcess } from './helpers/worker-process.js';

let stack: TestStack;
const workers: ChildProcess[] = [];
beforeAll(async () => {
  stack = await createTestStack({ worker: false });
});
afterAll(async () => {
  await Promise.all(workers.map(killHard));
  await stack?.close();
});

describe('a worker killed while an application waits on its task', () => {
  it('loses nothing: a new worker picks the application up and closes it', async () => {
    workers.push(await startWorkerProcess(stack));
    const office = `annex-kill-${stack.id}`;
    const { citizen, agent, agentId } = await people(stack, office);
    const filed = await citizen({
      method: 'POST',
      url: '/applications',
      payload: {
        procedureId: 'residence-certificate',
        officeId: office,
        data: { fullName: 'Youssef Benali', cin: 'F987654', address: 'Douar Laayoune, Berkane' },
      },
    });
    expect(filed.statusCode, filed.body).toBe(201);
    const { trackingNumber, tasks } = filed.json();

    await killHard(workers[0]!);

    // The agent acts while no worker runs; the action waits for the next worker rather than failing.
    const completion = agent({
      method: 'POST',
      url: `/tasks/${tasks[0].id}/complete`,
      payload: { outcome: 'approve' },
    });
    await new Promise((r) => setTimeout(r, 1000));
    workers.push(await startWorkerProcess(stack));

    const completed = await completion;
    expect(completed.statusCode, completed.body).toBe(200);
    expect(completed.json()).toMatchObject({ status: 'closed', outcome: 'approved' });

    const inbox = await agent({ method: 'GET', url: `/tasks?officeId=${office}&status=completed` });
    expect(inbox.json().tasks).toHaveLength(1);
    const result = await stack.client.workflow.getHandle(trackingNumber).result();
    expect(result.tasks[tasks[0].id]).toMatchObject({ status: 'completed', completedBy: agentId });
  });
});
