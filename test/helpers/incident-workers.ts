/**
 * Incidents provoked for real, for the API and the browser tests: a fake civil-status registry (a local
 * HTTP server answering 503 while it is "down"), the correct worker (the test file's bundle) and a "bad
 * deploy" whose bundle carries a workflow interceptor that changes the order of commands
 * (nondeterministic-interceptor.ts).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';
import { expect } from 'vitest';
import { loadConfig } from '../../infra/config.js';
import { workflowBundleOptions } from '../../infra/workflow-sandbox.js';
import { startProcedureWorker, type ProcedureWorker } from '../../worker/procedure-worker.js';
import { testProcedure } from './definitions.js';
import { as, eventually, people, tokenFor, type TestStack } from './stack.js';

const BROKEN_INTERCEPTOR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'nondeterministic-interceptor.ts');

export interface IncidentAnswer {
  id: string;
  kind: string;
  status: string;
  trackingNumber: string;
  code: string;
  reason: string;
  count: number;
  subject: string;
  officeId: string | null;
  resolvedAt: string | null;
}

/** A fake remote registry: 503 while `down`, a record otherwise; `calls` counts the requests. */
async function fakeRegistry() {
  // `garbled`: up, but answering what is not JSON — an activity failing for a reason of its own.
  const state = { down: true, garbled: false, calls: 0 };
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      state.calls += 1;
      if (state.down) res.writeHead(503, { 'content-type': 'text/plain' }).end('registry under maintenance');
      else if (state.garbled) res.writeHead(200, { 'content-type': 'application/json' }).end('<html>maintenance page</html>');
      else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ found: true, recordNumber: '12/2020' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/records`;
  return { state, url, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/**
 * The stage of the incidents tests on a stack started without a worker: its procedures (one agent task;
 * the same then a service step that calls the registry), the worker it swaps, and an administrator.
 */
export async function incidentScene(stack: TestStack) {
  const registry = await fakeRegistry();
  const admin = as(stack, await tokenFor('admin', 'admin-incidents'));
  const suffix = stack.id;
  const procedures = { plain: `incident-plain-${suffix}`, service: `incident-service-${suffix}` };
  await stack.procedures.publish(testProcedure(procedures.plain), 'test', 'api');
  await stack.procedures.publish(
    testProcedure(procedures.service, {
      steps: {
        review: { type: 'userTask', role: 'agent', title: { ar: 'ن review', fr: 'f review', en: 'review' }, outcomes: { approve: { next: 'fetch' }, reject: { next: 'refused' } } },
        fetch: {
          type: 'serviceTask',
          activity: 'fetchCivilStatusRecord',
          input: { fullName: { var: 'data.note' } },
          // Attempt 3 would come 100 s after attempt 2: only "retry now" brings it sooner.
          retry: { initialInterval: 'PT1S', backoffCoefficient: 100, maximumInterval: 'PT10M' },
          next: 'granted',
          onFailure: 'refused',
        },
      },
    }),
    'test',
    'api',
  );
  let worker: ProcedureWorker | undefined;
  const start = async (bundle?: { code: string }) => {
    worker = await startProcedureWorker({
      address: stack.temporalAddress,
      taskQueue: stack.taskQueue,
      orm: stack.appOrm,
      codecKeys: loadConfig().codecKeys,
      notifications: stack.notifications,
      workflowBundle: bundle ?? { codePath: stack.workflowBundlePath },
      incidentAttempts: 2,
      serviceEndpoints: { fetchCivilStatusRecord: registry.url },
    });
  };
  const stop = async () => {
    await worker?.stop();
    worker = undefined;
  };

  async function incidentsOf(trackingNumber: string, kind: string): Promise<IncidentAnswer[]> {
    const answer = await admin({ method: 'GET', url: `/incidents?trackingNumber=${trackingNumber}&kind=${kind}` });
    expect(answer.statusCode, answer.body).toBe(200);
    return answer.json().incidents;
  }

  async function file(office: string, procedureId: string): Promise<string> {
    const { citizen } = await people(stack, office);
    const filed = await citizen({ method: 'POST', url: '/applications', payload: { procedureId, officeId: office, data: { note: 'Nadia Benali', phone: '0661000000' } } });
    expect(filed.statusCode, filed.body).toBe(201);
    return filed.json().trackingNumber as string;
  }

  async function reviewTask(office: string, tn: string): Promise<string> {
    const { agent } = await people(stack, office);
    const view = await eventually(async () => {
      const answer = (await agent({ method: 'GET', url: `/applications/${tn}` })).json() as { tasks?: Array<{ id: string; status: string }> };
      return answer.tasks?.some((t) => t.status === 'open') ? answer : undefined;
    });
    return view.tasks!.find((t) => t.status === 'open')!.id;
  }

  return {
    registry,
    admin,
    procedures,
    incidentsOf,
    reviewTask,
    /** The correct code, deployed (again). */
    startCorrectWorker: () => start(),
    stopWorker: stop,
    /**
     * Files an application and approves its review, which starts the service step while the registry is
     * down: the agent's request is answered once the step has run, so it is handed back unanswered.
     */
    async serviceDown(office: string, kind: 'service-down' | 'activity-retrying' = 'service-down') {
      const tn = await file(office, procedures.service);
      const { agent } = await people(stack, office);
      const approval = agent({ method: 'POST', url: `/tasks/${await reviewTask(office, tn)}/complete`, payload: { outcome: 'approve' } });
      const down = await eventually(async () => (await incidentsOf(tn, kind))[0], 60_000);
      return { tn, approval, down };
    },
    /**
     * Files an application, then deploys workflow code that no longer replays it (the correct worker
     * goes, its cache with it) and wakes the application: its workflow task fails.
     */
    async nondeterminism(office: string) {
      const tn = await file(office, procedures.plain);
      await reviewTask(office, tn);
      const options = workflowBundleOptions();
      const broken = await bundleWorkflowCode({ ...options, workflowInterceptorModules: [...(options.workflowInterceptorModules ?? []), BROKEN_INTERCEPTOR] });
      await stop();
      await start({ code: broken.code });
      // Anything that wakes the workflow makes the new worker replay its history.
      await stack.client.workflow.getHandle(tn).signal('incidentTestNudge');
      const failing = await eventually(async () => (await incidentsOf(tn, 'workflow-task-failure'))[0], 60_000);
      return { tn, failing };
    },
    async close() {
      await stop();
      await registry.close();
    },
  };
}
