import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applicationAnswer } from './helpers/answers.js';
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
    expect(completed.json()).toEqual(applicationAnswer({ status: 'closed', outcome: 'approved' }));

    const inbox = await agent({ method: 'GET', url: `/tasks?officeId=${office}&status=completed` });
    expect(inbox.json().tasks).toHaveLength(1);
    const result = await stack.client.workflow.getHandle(trackingNumber).result();
    expect(result.tasks[tasks[0].id]).toMatchObject({ status: 'completed', completedBy: agentId });
  });
});

describe('a worker that keeps fewer applications in memory than are open', () => {
  it('replays the ones it let go from their history when an agent acts on them', async () => {
    // Alone on the task queue: the killing test's last worker would otherwise take some of the work.
    await Promise.all(workers.splice(0).map(killHard));
    const worker = await stack.startWorker(2);
    try {
      const office = `annex-cache-${stack.id}`;
      const { citizen, agent } = await people(stack, office);
      const filed = [];
      for (let i = 0; i < 4; i++) {
        const response = await citizen({
          method: 'POST',
          url: '/applications',
          payload: { procedureId: 'residence-certificate', officeId: office, data: { fullName: `Citizen ${i}`, cin: `F12345${i}`, address: 'Hay Salam, Berkane' } },
        });
        expect(response.statusCode, response.body).toBe(201);
        filed.push(response.json() as { trackingNumber: string; tasks: Array<{ id: string }> });
      }
      expect(worker.getStatus().numCachedWorkflows).toBeLessThanOrEqual(2);

      // The first application was filed first, so it is the one the cache let go.
      const completed = await agent({ method: 'POST', url: `/tasks/${filed[0]!.tasks[0]!.id}/complete`, payload: { outcome: 'approve' } });
      expect(completed.statusCode, completed.body).toBe(200);
      expect(completed.json()).toEqual(applicationAnswer({ trackingNumber: filed[0]!.trackingNumber, status: 'closed', outcome: 'approved' }));
      expect(worker.getStatus().numCachedWorkflows).toBeLessThanOrEqual(2);
      // The closed application's workflow goes on to issue its certificate: this worker is the only one to do it.
      const result = await stack.client.workflow.getHandle(filed[0]!.trackingNumber).result();
      expect(result.outcome).toBe('approved');
    } finally {
      await stack.stopWorker();
    }
  });
});
