/**
 * docs/operations.md, rehearsed: its backup, restore and check blocks are taken from the page and run
 * as written. A Temporal cluster on its own PostgreSQL runs Mohla (two workers, two APIs) with
 * applications open, a document handed in and a silence-means-consent deadline running; the backup is
 * taken with Mohla's processes stopped; a decision is then taken after it; everything is lost (both
 * databases' servers, Redis' queues, the data folder). The restore goes onto a new PostgreSQL server,
 * a new cluster and Mohla start on it, and the applications carry on as the backup left them.
 */
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../infra/config.js';
import { query } from '../../db/sql.js';
import { testProcedure } from '../helpers/definitions.js';
import { multipartFile } from '../helpers/multipart.js';
import { as, createTestStack, eventually, tokenFor, type TestStack } from '../helpers/stack.js';
import { stackEnvironment } from '../helpers/worker-process.js';
import { startScratchCluster, type ScratchCluster } from '../../infra/scratch-cluster.js';
import { searchAttributes } from '../../workflows/search-attributes.js';

const OFFICE = 'annex-berkane-1';
const RUNBOOK = path.join(PROJECT_ROOT, 'docs', 'operations.md');
/** Long enough to be still running when the backup is taken, short enough to fall due around the restore. */
const SILENCE_BUDGET = 'PT60S';

/** The shell block the runbook marks `<!-- rehearsed: name -->`. */
function runbookBlock(name: string): string {
  const match = new RegExp(`<!-- rehearsed: ${name} -->\\s*\`\`\`sh\\n([\\s\\S]*?)\\n\`\`\``).exec(readFileSync(RUNBOOK, 'utf8'));
  if (!match) throw new Error(`docs/operations.md has no block marked "rehearsed: ${name}"`);
  return match[1]!;
}

/** Runs shell text with bash, `mohla` being this checkout's command; answers what it printed. */
function shell(script: string, env: NodeJS.ProcessEnv): Promise<string> {
  const mohla = `mohla() { "${process.execPath}" "${path.join(PROJECT_ROOT, 'bin', 'mohla.js')}" "$@"; }\n`;
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', mohla + script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(output) : reject(new Error(`exit ${code}:\n${output}`))));
  });
}

/** A server's address without its database, as the runbook's *_DB_SERVER variables take it. */
const serverOf = (url: string) => {
  const parsed = new URL(url);
  parsed.pathname = '';
  return parsed.href.replace(/\/$/, '');
};

/** What Mohla's commands need to reach a stack, as an operator's environment file gives it. */
function operatorEnvironment(stack: TestStack): NodeJS.ProcessEnv {
  return { ...stackEnvironment(stack), DATABASE_ADMIN_URL: stack.adminDatabaseUrl, LOG_LEVEL: 'warn' };
}

const scratch = mkdtempSync(path.join(os.tmpdir(), 'mohla-backup-'));
const backupDir = path.join(scratch, 'backup');
const checkpointDir = path.join(scratch, 'audit-checkpoints');
const saved = { AUDIT_SIGNING_KEY: process.env.AUDIT_SIGNING_KEY, AUDIT_CHECKPOINT_DIR: process.env.AUDIT_CHECKPOINT_DIR };

let before: { cluster: ScratchCluster; stack: TestStack } | undefined;
let after: { cluster: ScratchCluster; stack: TestStack } | undefined;

beforeAll(() => {
  // One signing key and one checkpoint folder for the installation, before and after the restore: the
  // worker processes and the commands inherit them.
  const { privateKey } = generateKeyPairSync('ed25519');
  const keyFile = path.join(scratch, 'audit-signing-key.pem');
  writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  process.env.AUDIT_SIGNING_KEY = keyFile;
  process.env.AUDIT_CHECKPOINT_DIR = checkpointDir;
});

afterAll(async () => {
  await before?.stack.close().catch(() => undefined);
  await before?.cluster.stop().catch(() => undefined);
  await after?.stack.close();
  await after?.cluster.stop();
  if (after) rmSync(stackEnvironment(after.stack).MOHLA_DATA_DIR!, { recursive: true, force: true });
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  rmSync(scratch, { recursive: true, force: true });
});

type Filed = { trackingNumber: string; tasks: Array<{ id: string; status: string }>; deadline: { dueAt: string }; receipt: { pin: string } };

const actorsOf = async (stack: TestStack) => ({
  citizen: as(stack, await tokenFor('citizen', 'citizen-backup')),
  agent: as(stack, await tokenFor('agent', 'agent-backup', [OFFICE])),
});

const plans = Buffer.from('%PDF-1.4 plans of the house, handed in before the backup');
const filed: { decided?: Filed; open?: Filed; silent?: Filed } = {};
let reviewProcedure = '';

describe('backup and restore, as docs/operations.md says', () => {
  it('backs up while applications are open and a deadline runs, with Mohla stopped for it', async () => {
    const cluster = await startScratchCluster(() => undefined, { searchAttributes });
    before = { cluster, stack: await createTestStack({ temporalAddress: cluster.address }) };
    const { stack } = before;
    const { citizen, agent } = await actorsOf(stack);
    reviewProcedure = `review-${stack.id}`;
    const silenceProcedure = `silence-${stack.id}`;
    await stack.procedures.publish(testProcedure(reviewProcedure), 'test', 'api');
    await stack.procedures.publish(
      testProcedure(silenceProcedure, { deadline: { budget: { duration: SILENCE_BUDGET }, onExpiry: { action: 'autoApprove', end: 'granted', attestation: 'silence-attestation' } } }),
      'test',
      'api',
    );
    const file = async (procedureId: string): Promise<Filed> => {
      const res = await citizen({ method: 'POST', url: '/applications', payload: { procedureId, officeId: OFFICE, data: {} } });
      expect(res.statusCode, res.body).toBe(201);
      return res.json();
    };

    filed.decided = await file(reviewProcedure);
    const decided = await agent({ method: 'POST', url: `/tasks/${filed.decided.tasks[0]!.id}/complete`, payload: { outcome: 'approve' } });
    expect(decided.json()).toMatchObject({ status: 'closed', outcome: 'approved' });
    filed.open = await file(reviewProcedure);
    const upload = await citizen({ method: 'POST', url: `/applications/${filed.open.trackingNumber}/documents/plans`, ...multipartFile('plans.pdf', plans) });
    expect(upload.statusCode, upload.body).toBe(201);
    filed.silent = await file(silenceProcedure);

    await stack.processes!.stop();
    const dataDir = stackEnvironment(stack).MOHLA_DATA_DIR!;
    const output = await shell(runbookBlock('backup'), {
      ...operatorEnvironment(stack),
      BACKUP: backupDir,
      MOHLA_DB_SERVER: serverOf(stack.adminDatabaseUrl),
      MOHLA_DB_NAME: new URL(stack.adminDatabaseUrl).pathname.slice(1),
      TEMPORAL_DB_SERVER: serverOf(cluster.postgres.url),
      MOHLA_DATA_DIR: dataDir,
    });
    expect(output).toMatch(/signed row \d+/);
    expect(readdirSync(backupDir).sort()).toEqual(['documents.tar', 'mohla.dump', 'temporal.dump', 'temporal_visibility.dump']);
    // What the backup holds: the silence deadline had not fallen due, the second application was undecided.
    const states = await query<{ tracking_number: string; status: string }>(stack.orm, 'select tracking_number, status from application');
    expect(Object.fromEntries(states.map((s) => [s.tracking_number, s.status]))).toEqual({
      [filed.decided.trackingNumber]: 'closed',
      [filed.open.trackingNumber]: 'open',
      [filed.silent.trackingNumber]: 'open',
    });
  });

  it('loses what happened after the backup: a decision taken then, and every server', async () => {
    const { stack, cluster } = before!;
    await stack.processes!.start();
    const { agent } = await actorsOf(stack);
    const lost = await agent({ method: 'POST', url: `/tasks/${filed.open!.tasks[0]!.id}/complete`, payload: { outcome: 'reject' } });
    expect(lost.json()).toMatchObject({ status: 'closed', outcome: 'rejected' });
    // The worker would sign this head within the quarter hour; the restore must not be mistaken for a cut.
    expect(await shell('mohla audit checkpoint', operatorEnvironment(stack))).toMatch(/signed row \d+/);

    // The disaster: Mohla's database and Redis' queues, Temporal's PostgreSQL, the data folder.
    await stack.close();
    await cluster.stop();
    rmSync(stackEnvironment(stack).MOHLA_DATA_DIR!, { recursive: true, force: true });
  });

  it('restores onto a new PostgreSQL server before Temporal starts, then starts the cluster and Mohla', async () => {
    const lost = before!.stack;
    before = undefined;
    let restored = '';
    let adminDatabaseUrl = '';
    const cluster = await startScratchCluster(() => undefined, {
      searchAttributes,
      beforeStart: async (postgres) => {
        // One new server for all three databases, as docker-compose.yml has it.
        const server = serverOf(postgres.url);
        adminDatabaseUrl = `${server}/mohla`;
        const dataDir = stackEnvironment(lost).MOHLA_DATA_DIR!;
        mkdirSync(dataDir, { recursive: true });
        restored = await shell(runbookBlock('restore'), {
          ...operatorEnvironment(lost),
          DATABASE_URL: `postgres://mohla_test_app@${new URL(server).host}/mohla`,
          DATABASE_ADMIN_URL: adminDatabaseUrl,
          BACKUP: backupDir,
          MOHLA_DB_SERVER: server,
          MOHLA_DB_NAME: 'mohla',
          TEMPORAL_DB_SERVER: server,
          MOHLA_DATA_DIR: dataDir,
        });
      },
    });
    // The same deployment (task queue, queue prefix, data folder) on the restored database.
    const stack = await createTestStack({ id: lost.id, adminDatabaseUrl, temporalAddress: cluster.address });
    after = { cluster, stack };
    expect(restored).toMatch(/mohla_test_app is a member of mohla_app/);
    // The checkpoint signed after the backup is kept apart, as the record of what the restore gave up.
    const [aside] = readdirSync(checkpointDir).filter((name) => name.startsWith('after-restore-'));
    expect(aside, restored).toBeDefined();
    expect(readdirSync(path.join(checkpointDir, aside!)).filter((name) => name.endsWith('.json'))).toHaveLength(1);

    const checked = await shell(runbookBlock('check'), { ...operatorEnvironment(stack), MOHLA_API_URL: stack.processes!.apiUrls[0]! });
    expect(checked).toMatch(/3 application\(s\) rebuilt/);
    // Verified against the checkpoint signed with the backup, which stayed in place.
    expect(checked).toMatch(/audit log intact: \d+ rows, every hash verified, checked against 1 signed checkpoint and the timelines/);
    expect(checked).toContain('"status":"ok"');
  });

  it('carries the applications on: as the backup left them, decided by an agent, granted by silence', async () => {
    const { stack } = after!;
    const { citizen, agent } = await actorsOf(stack);
    const follow = async (trackingNumber: string) => (await citizen({ method: 'GET', url: `/applications/${trackingNumber}` })).json();

    expect(await follow(filed.decided!.trackingNumber)).toMatchObject({ status: 'closed', outcome: 'approved' });
    // The kiosk still opens the receipt with its PIN (the same JWT_SECRET).
    const kiosk = await stack.request({ method: 'POST', url: '/track', payload: { trackingNumber: filed.decided!.trackingNumber, pin: filed.decided!.receipt.pin } });
    expect(kiosk.statusCode, kiosk.body).toBe(200);
    expect(kiosk.json()).toMatchObject({ status: 'closed', outcome: 'approved' });

    // The rejection came after the backup: the application is undecided again, its task in the inbox.
    const reopened = await follow(filed.open!.trackingNumber);
    expect(reopened).toMatchObject({ status: 'open' });
    const inbox = (await agent({ method: 'GET', url: `/tasks?officeId=${OFFICE}` })).json().tasks as Array<{ id: string; trackingNumber: string }>;
    expect(inbox.map((t) => t.trackingNumber)).toContain(filed.open!.trackingNumber);
    // Its document came back with the data folder, byte for byte.
    const listed = (await citizen({ method: 'GET', url: `/applications/${filed.open!.trackingNumber}/documents` })).json().documents as Array<{ documentId: string; sha256: string }>;
    expect(listed.map((d) => d.documentId)).toEqual(['plans']);
    const bytes = await citizen({ method: 'GET', url: `/applications/${filed.open!.trackingNumber}/documents/plans/${listed[0]!.sha256}` });
    expect(bytes.statusCode, bytes.body).toBe(200);
    expect(bytes.body).toBe(plans.toString());
    const decided = await agent({ method: 'POST', url: `/tasks/${filed.open!.tasks[0]!.id}/complete`, payload: { outcome: 'approve' } });
    expect(decided.statusCode, decided.body).toBe(200);
    expect(decided.json()).toMatchObject({ status: 'closed', outcome: 'approved' });

    // The deadline that was running at the backup fired on the restored cluster.
    const silent = await eventually(async () => {
      const view = await follow(filed.silent!.trackingNumber);
      return view.status === 'closed' ? view : undefined;
    }, 120_000);
    expect(silent).toMatchObject({ outcome: 'approved', grantedBySilence: true, document: 'silence-attestation' });
    expect(Date.parse(silent.closedAt)).toBeGreaterThanOrEqual(Date.parse(filed.silent!.deadline.dueAt));

    // The published procedure and the tracking numbers given out came back: a new filing gets a new number.
    const fresh = await citizen({ method: 'POST', url: '/applications', payload: { procedureId: reviewProcedure, officeId: OFFICE, data: {} } });
    expect(fresh.statusCode, fresh.body).toBe(201);
    expect([filed.decided!, filed.open!, filed.silent!].map((f) => f.trackingNumber)).not.toContain(fresh.json().trackingNumber);

    // And the audit log, grown since the restore, still verifies.
    expect(await shell('mohla audit verify', operatorEnvironment(stack))).toMatch(/audit log intact/);
  });
});
