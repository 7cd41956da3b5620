/**
 * Incidents provoked for real (docs/operations.md#incidents): a bad deploy whose workflow code no longer
 * replays, a remote system answering 503, an application terminated with a reason — on a real worker,
 * Temporal, PostgreSQL — and who may see them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { incidentScene, type IncidentAnswer } from './helpers/incident-workers.js';
import { createTestStack, eventually, people, type TestStack } from './helpers/stack.js';

let stack: TestStack;
let scene: Awaited<ReturnType<typeof incidentScene>>;

beforeAll(async () => {
  stack = await createTestStack({ worker: false });
  scene = await incidentScene(stack);
  await scene.startCorrectWorker();
}, 120_000);

afterAll(async () => {
  await scene?.close();
  // The stack replays every history of its task queue with the correct code when it closes.
  await stack?.close();
});

describe('incidents', () => {
  it('a remote system answering 503 is a service-down incident after the attempts set; it recovers, retry now, the incident resolves', async () => {
    const office = `annex-svc-${stack.id}`;
    const admin = scene.admin;
    const { tn, approval, down } = await scene.serviceDown(office);
    expect(down).toMatchObject({ kind: 'service-down', status: 'open', subject: 'fetchCivilStatusRecord', code: '5xx', officeId: office });
    expect(down.reason).toContain('answered 503');
    // Neither the form's data nor the registry's answer: the service, the attempt and the status.
    expect(JSON.stringify(down)).not.toContain('Nadia');
    expect(scene.registry.state.calls).toBeGreaterThanOrEqual(2);

    scene.registry.state.down = false;
    const retried = await admin({ method: 'POST', url: `/incidents/${down.id}/retry` });
    expect(retried.statusCode, retried.body).toBe(200);
    expect(['activity-retried', 'resolved']).toContain(retried.json().outcome);
    const resolved = await eventually(async () => {
      const answer = (await admin({ method: 'GET', url: `/incidents/${down.id}` })).json() as { status: string; resolvedAt: string | null };
      return answer.status === 'resolved' ? answer : undefined;
    }, 30_000);
    expect(resolved.resolvedAt).toEqual(expect.any(String));
    expect((await approval).statusCode).toBe(200);
    // The step went on: the application is approved.
    await eventually(async () => {
      const view = (await admin({ method: 'GET', url: `/applications/${tn}` })).json() as { outcome: string | null };
      return view.outcome === 'approved' ? view : undefined;
    });
    expect((await admin({ method: 'GET', url: `/incidents?status=open&trackingNumber=${tn}` })).json().incidents).toEqual([]);
  }, 180_000);

  it('an activity failing for a reason of its own past the attempts set is an activity-retrying incident; fixed, retry now resolves it', async () => {
    const office = `annex-act-${stack.id}`;
    const admin = scene.admin;
    scene.registry.state.down = false;
    scene.registry.state.garbled = true;
    const { tn, approval, down } = await scene.serviceDown(office, 'activity-retrying');
    expect(down).toMatchObject({ kind: 'activity-retrying', status: 'open', subject: 'runService', code: 'invalid-remote-answer', officeId: office });
    expect(JSON.stringify(down)).not.toContain('maintenance page');
    expect(down.reason).toMatch(/^activity runService, attempt \d+: /);
    scene.registry.state.garbled = false;
    const retried = await admin({ method: 'POST', url: `/incidents/${down.id}/retry` });
    expect(retried.statusCode, retried.body).toBe(200);
    await eventually(async () => ((await admin({ method: 'GET', url: `/incidents/${down.id}` })).json().status === 'resolved' ? true : undefined), 30_000);
    expect((await approval).statusCode).toBe(200);
    expect((await admin({ method: 'GET', url: `/applications/${tn}` })).json()).toMatchObject({ status: 'closed', outcome: 'approved' });
  }, 180_000);

  it('a bad deploy whose code no longer replays is a workflow-task-failure incident; the fixed worker takes over, retry now, it resolves', async () => {
    const office = `annex-nde-${stack.id}`;
    const admin = scene.admin;
    const { tn, failing } = await scene.nondeterminism(office);
    expect(failing).toMatchObject({ kind: 'workflow-task-failure', status: 'open', code: 'DeterminismViolationError', officeId: office });
    expect(failing.reason.toLowerCase()).toContain('nondetermin');
    const stillFailing = await admin({ method: 'POST', url: `/incidents/${failing.id}/retry` });
    expect(stillFailing.statusCode, stillFailing.body).toBe(200);
    expect(stillFailing.json()).toMatchObject({ outcome: 'still-failing', incident: { status: 'open' } });

    // The fix: the correct code is deployed again; its worker replays the history and completes the task.
    await scene.stopWorker();
    await scene.startCorrectWorker();
    const retried = await eventually(async () => {
      const answer = await admin({ method: 'POST', url: `/incidents/${failing.id}/retry` });
      expect(answer.statusCode, answer.body).toBe(200);
      const outcome = answer.json() as { outcome: string; incident: IncidentAnswer };
      return outcome.outcome === 'resolved' ? outcome : undefined;
    }, 120_000);
    expect(retried.incident).toMatchObject({ status: 'resolved', resolvedAt: expect.any(String) });
    // The application works again: the agent completes its task.
    const { agent } = await people(stack, office);
    const done = await agent({ method: 'POST', url: `/tasks/${await scene.reviewTask(office, tn)}/complete`, payload: { outcome: 'approve' } });
    expect(done.statusCode, done.body).toBe(200);
  }, 300_000);

  it('terminate with a reason: Temporal terminates the run, the timeline and the audit log record it, its incidents close; again changes nothing', async () => {
    const office = `annex-term-${stack.id}`;
    scene.registry.state.down = true;
    const admin = scene.admin;
    const { tn, approval } = await scene.serviceDown(office);

    const empty = await admin({ method: 'POST', url: `/applications/${tn}/terminate`, payload: { reason: '' } });
    expect(empty.statusCode, empty.body).toBe(400);
    expect(empty.body).toContain('reason');
    const tooLong = await admin({ method: 'POST', url: `/applications/${tn}/terminate`, payload: { reason: 'x'.repeat(501) } });
    expect(tooLong.statusCode, tooLong.body).toBe(400);
    const { supervisor } = await people(stack, office);
    expect((await supervisor({ method: 'POST', url: `/applications/${tn}/terminate`, payload: { reason: 'no' } })).statusCode).toBe(403);

    const reason = 'Filed twice by mistake; the other application goes on';
    const terminated = await admin({ method: 'POST', url: `/applications/${tn}/terminate`, payload: { reason } });
    expect(terminated.statusCode, terminated.body).toBe(200);
    expect(terminated.json()).toMatchObject({ trackingNumber: tn, status: 'closed', outcome: 'terminated' });
    const described = await stack.client.workflow.getHandle(tn).describe();
    expect(described.status.name).toBe('TERMINATED');

    const again = await admin({ method: 'POST', url: `/applications/${tn}/terminate`, payload: { reason } });
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toEqual(terminated.json());

    const timeline = (await admin({ method: 'GET', url: `/applications/${tn}/timeline` })).json().entries as Array<{ kind: string; actor: string | null; detail: Record<string, unknown> }>;
    expect(timeline.filter((e) => e.kind === 'terminated')).toEqual([expect.objectContaining({ actor: 'admin-incidents', detail: { reason } })]);
    const audit = await stack.orm.em.getConnection().execute<Array<{ kind: string; actor: string }>>('select kind, actor from audit_entry where tracking_number = ? and kind = ?', [tn, 'terminated']);
    expect(audit).toEqual([{ kind: 'terminated', actor: 'admin-incidents' }]);
    expect((await admin({ method: 'GET', url: `/incidents?status=open&trackingNumber=${tn}` })).json().incidents).toEqual([]);
    // The approval that waited for the registry learns that its application is closed.
    const refused = await approval;
    expect(refused.statusCode, refused.body).toBe(409);
    scene.registry.state.down = false;
  }, 180_000);

  it('only administrators and the supervisors of the office see incidents; another office’s are not listed and answer 404', async () => {
    const office = `annex-svc-${stack.id}`;
    const admin = scene.admin;
    const { agent, citizen, supervisor } = await people(stack, office);
    const other = await people(stack, `annex-elsewhere-${stack.id}`);
    expect((await agent({ method: 'GET', url: '/incidents' })).statusCode).toBe(403);
    expect((await citizen({ method: 'GET', url: '/incidents' })).statusCode).toBe(403);
    const own = (await supervisor({ method: 'GET', url: '/incidents' })).json().incidents as IncidentAnswer[];
    expect(own.length).toBeGreaterThan(0);
    expect(own.every((i) => i.officeId === office)).toBe(true);
    expect((await other.supervisor({ method: 'GET', url: '/incidents' })).json().incidents).toEqual([]);
    expect((await other.supervisor({ method: 'GET', url: `/incidents?officeId=${office}` })).statusCode).toBe(403);
    expect((await other.supervisor({ method: 'GET', url: `/incidents?trackingNumber=${own[0]!.trackingNumber}` })).statusCode).toBe(404);
    const seen = await other.supervisor({ method: 'GET', url: `/incidents/${own[0]!.id}` });
    expect(seen.statusCode).toBe(404);
    expect((await other.supervisor({ method: 'POST', url: `/incidents/${own[0]!.id}/retry` })).statusCode).toBe(404);
    expect((await admin({ method: 'GET', url: '/incidents/999999999' })).statusCode).toBe(404);
    expect((await admin({ method: 'GET', url: '/incidents/abc' })).statusCode).toBe(400);
    const paged = (await admin({ method: 'GET', url: '/incidents?limit=1' })).json();
    expect(paged.incidents).toHaveLength(1);
    expect(paged.nextOffset).toBe(1);
  });
});
