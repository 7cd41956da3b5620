/**
 * Law 09-08: Temporal's own database is outside PostgreSQL's access control (and its UI needs no login), so
 * what Mohla stores there must be ciphertext. A file-backed dev server, as `mohla dev` and a cluster keep
 * their state, is searched byte by byte after real applications have gone through it.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applicationAnswer } from './helpers/answers.js';
import { canonicalJson } from '../engine/canonical-json.js';
import { ensureTemporalCli } from '../infra/temporal-cli.js';
import { startDevServer, type DevServer } from '../infra/temporal-server.js';
import { searchAttributes } from '../workflows/search-attributes.js';
import { freePort } from './helpers/ports.js';
import { as, createTestStack, people, tokenFor, type TestStack } from './helpers/stack.js';

const zineb = { fullName: 'Zineb Ouazzani', cin: 'FJ445566', address: '27 derb Sidi Bouafif, Oujda', phone: '0661234567' };
const withdrawal = 'Zineb Ouazzani part vivre chez sa soeur';

let server: DevServer;
let stack: TestStack | undefined;
let dbFile: string;

beforeAll(async () => {
  const cli = await ensureTemporalCli({ log: () => undefined });
  dbFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'mohla-temporal-file-')), 'temporal.db');
  server = await startDevServer({ cli: cli.path, port: await freePort(), dbFile, searchAttributes });
  stack = await createTestStack({ temporalAddress: server.address });
});
afterAll(async () => {
  await stack?.close();
  await server?.stop();
});

/** The server's database and its write-ahead log, read once the server has stopped. */
function temporalDatabaseBytes(): string {
  return ['', '-wal', '-shm', '-journal']
    .map((suffix) => `${dbFile}${suffix}`)
    .filter((file) => existsSync(file))
    .map((file) => readFileSync(file).toString('latin1'))
    .join('\n');
}

describe('personal data in Temporal', () => {
  it('is nowhere in the Temporal database file, while applications run end to end and their histories replay', async () => {
    const live = stack!;
    const { citizen, agent, office } = await people(live, `annex-09-08-${live.id}`);
    const file = async () => {
      const res = await citizen({ method: 'POST', url: '/applications', payload: { procedureId: 'residence-certificate', officeId: office, data: zineb } });
      expect(res.statusCode, res.body).toBe(201);
      return res.json();
    };
    const decided = await file();
    const done = await agent({ method: 'POST', url: `/tasks/${decided.tasks[0].id}/complete`, payload: { outcome: 'approve', data: { note: `vu ${zineb.fullName}` } } });
    expect(done.json()).toEqual(applicationAnswer({ status: 'closed', outcome: 'approved' }));
    const withdrawn = await file();
    const gone = await citizen({ method: 'POST', url: `/applications/${withdrawn.trackingNumber}/withdraw`, payload: { reason: withdrawal } });
    expect(gone.statusCode, gone.body).toBe(200);
    expect(gone.json()).toEqual(applicationAnswer({ status: 'closed', outcome: 'withdrawn' }));
    // Update ids stay in clear: they must not be a digest anyone can recompute from a guessed reason.
    const raw = await live.client.workflow.getHandle(withdrawn.trackingNumber).fetchHistory();
    const updateIds = (raw.events ?? []).flatMap((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.meta?.updateId ?? []);
    const guessable = createHash('sha256').update(canonicalJson({ reason: withdrawal, actor: `citizen-${office}` })).digest('hex').slice(0, 16);
    expect(updateIds.some((id) => id.startsWith('withdraw:'))).toBe(true);
    expect(updateIds.join(' ')).not.toContain(guessable);

    // The workflow itself still reads the form (its state, asked through a query, is decrypted for the API).
    const mine = (await citizen({ method: 'GET', url: `/applications/${decided.trackingNumber}` })).json();
    expect(mine).toEqual(applicationAnswer({ status: 'closed', outcome: 'approved' }));
    // An auditor of the office exports the history decoded: the codec is loaded by the export too.
    const auditor = as(live, await tokenFor('auditor', 'auditor-09-08', [office]));
    const exported = await auditor({ method: 'GET', url: `/audit/applications/${withdrawn.trackingNumber}/history` });
    expect(exported.statusCode).toBe(200);
    const input = JSON.parse(exported.body).events[0].workflowExecutionStartedEventAttributes.input.payloads[0];
    expect(Buffer.from(input.data, 'base64').toString('utf8')).toContain(zineb.cin);

    // Closing the stack replays every history of this file against the current code (it throws otherwise).
    stack = undefined;
    await live.close();
    await server.stop();
    const bytes = temporalDatabaseBytes();
    expect(bytes.length).toBeGreaterThan(0);
    expect(bytes).toContain(decided.trackingNumber);
    for (const personal of [zineb.fullName, zineb.cin, zineb.address, zineb.phone, withdrawal, 'Ouazzani']) {
      expect(bytes, personal).not.toContain(personal);
    }
  });
});
