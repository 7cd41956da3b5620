import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { bundleCurrentWorkflows, readHistoryFile, replayHistories, type RecordedHistory, type ReplayReport } from '../audit/replay.js';
import { loadConfig, PROJECT_ROOT } from '../infra/config.js';
import { codecOf } from '../infra/data-converter.js';
import { EncryptionCodec } from '../infra/payload-codec.js';
import { createTestStack, people, type TestStack } from './helpers/stack.js';

const form = { fullName: 'Omar Tazi', cin: 'FD998877', address: 'Quartier Al Andalous, Berkane' };

let stack: TestStack;
let histories: RecordedHistory[];
let closedId: string;
let openId: string;

beforeAll(async () => {
  stack = await createTestStack();
  const { citizen, agent, office } = await people(stack, `annex-replay-${stack.id}`);
  const file = async () => (await citizen({ method: 'POST', url: '/applications', payload: { procedureId: 'residence-certificate', officeId: office, data: form } })).json();
  const closed = await file();
  await agent({ method: 'POST', url: `/tasks/${closed.tasks[0].id}/complete`, payload: { outcome: 'reject' } });
  await stack.client.workflow.getHandle(closed.trackingNumber).result();
  const open = await file();
  closedId = closed.trackingNumber;
  openId = open.trackingNumber;
  histories = await Promise.all(
    [closedId, openId].map(async (workflowId) => ({ workflowId, history: await stack.client.workflow.getHandle(workflowId).fetchHistory() })),
  );
});
afterAll(async () => {
  await stack?.close();
});

async function collect(source: RecordedHistory[], bundle: Awaited<ReturnType<typeof bundleCurrentWorkflows>>): Promise<ReplayReport[]> {
  const reports: ReplayReport[] = [];
  for await (const r of replayHistories(source, bundle, codecOf(stack.client))) reports.push(r);
  return reports;
}

describe('replay', () => {
  it('replays closed and running applications cleanly, with the recorded outcome', async () => {
    const reports = await collect(histories, { codePath: stack.workflowBundlePath });
    expect(reports).toEqual([
      expect.objectContaining({ workflowId: closedId, ok: true, recordedOutcome: 'rejected', replayedOutcome: 'rejected' }),
      expect.objectContaining({ workflowId: openId, ok: true, recordedOutcome: 'running', replayedOutcome: 'running' }),
    ]);
  });

  it('names the application whose history a changed workflow no longer replays', async () => {
    const changed = await bundleCurrentWorkflows(path.join(PROJECT_ROOT, 'test/fixtures/changed-workflow/index.ts'));
    const reports = await collect(histories, changed);
    for (const report of reports) {
      expect(report).toMatchObject({ ok: false, problem: { kind: 'nondeterminism' } });
      expect(report.problem?.eventId).toBeGreaterThan(0);
    }
    expect(reports.map((r) => r.workflowId).sort()).toEqual([closedId, openId].sort());
  });

  it('replays a history saved to a file, offline, from the command line', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mohla-history-'));
    const file = path.join(dir, `${closedId}.json`);
    writeFileSync(file, historyToJSON(histories[0]!.history));
    const { stdout } = await promisify(execFile)(process.execPath, [path.join(PROJECT_ROOT, 'bin/mohla.js'), 'replay', '--file', file, '--json'], {
      // No Temporal address that answers: the replay must not need a server.
      env: { ...process.env, TEMPORAL_ADDRESS: '127.0.0.1:1' },
    });
    expect(JSON.parse(stdout)).toMatchObject({ replayed: 1, problems: 0, reports: [{ workflowId: closedId, ok: true, replayedOutcome: 'rejected' }] });
  });
});

describe('histories recorded by earlier code', () => {
  it('still replay: a history from before the projection became a local activity', async () => {
    const recorded = await readHistoryFile(path.join(PROJECT_ROOT, 'test/fixtures/histories/residence-certificate-regular-projection.json'), new EncryptionCodec(loadConfig().codecKeys));
    const reports = await collect([recorded], { codePath: stack.workflowBundlePath });
    expect(reports).toEqual([expect.objectContaining({ workflowId: 'CAQG-NRTF-A', ok: true, recordedOutcome: 'approved', replayedOutcome: 'approved' })]);
  });

  it('still replay: a history from before workflow versions, whose local projection is behind a patch marker', async () => {
    const recorded = await readHistoryFile(path.join(PROJECT_ROOT, 'test/fixtures/histories/residence-certificate-local-projection-patched.json'), new EncryptionCodec(loadConfig().codecKeys));
    const reports = await collect([recorded], { codePath: stack.workflowBundlePath });
    expect(reports).toEqual([expect.objectContaining({ workflowId: 'J6YR-2HED-6', ok: true, recordedOutcome: 'approved', replayedOutcome: 'approved' })]);
  });
});

describe('replay and history through the API', () => {
  it('lets an auditor of the office export the history and replay it; nobody else', async () => {
    const { as: asCaller, tokenFor } = await import('./helpers/stack.js');
    const auditor = asCaller(stack, await tokenFor('auditor', 'auditor-1', [`annex-replay-${stack.id}`]));
    const stranger = asCaller(stack, await tokenFor('auditor', 'auditor-2', ['annex-elsewhere']));
    const history = await auditor({ method: 'GET', url: `/audit/applications/${closedId}/history` });
    expect(history.statusCode).toBe(200);
    expect(JSON.parse(history.body).events.length).toBeGreaterThan(5);
    const replay = await auditor({ method: 'POST', url: `/audit/applications/${closedId}/replay` });
    expect(replay.json()).toEqual({ workflowId: closedId, ok: true, recordedOutcome: 'rejected', replayedOutcome: 'rejected', outcomeMatches: true });
    expect((await stranger({ method: 'GET', url: `/audit/applications/${closedId}/history` })).statusCode).toBe(404);
  });
});
