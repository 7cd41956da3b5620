/**
 * The image, rehearsed outside Docker (no Docker engine runs here): the Dockerfile's own steps, read from
 * the file, performed as an unprivileged user in a scratch folder — `npm ci`, the web build, the workflow
 * bundle, the production-only install — then the migrations and the worker as docker-compose.yml starts
 * them, and the image's CMD, with the environment the image sets, against the cluster tier's Temporal,
 * PostgreSQL and Redis. In the cluster tier because two `npm ci` take a minute or two.
 */
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse } from 'yaml';
import { issueToken } from '../../identity/tokens.js';
import { PROJECT_ROOT } from '../../infra/config.js';
import { multipartFile } from '../helpers/multipart.js';
import { freePort } from '../helpers/ports.js';
import { dropDatabase } from '../../infra/services.js';
import { imageUser, makeRemovable, rehearseBuild, runAs, startAs, stopGroup, type ImageUser, type RehearsedImage } from '../helpers/image-rehearsal.js';

const compose = parse(readFileSync(path.join(PROJECT_ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, { command?: string[]; environment?: Record<string, string> }>;
};
const composeCommand = (service: string) => {
  const command = compose.services[service]?.command;
  if (!Array.isArray(command)) throw new Error(`docker-compose.yml: ${service} has no command list`);
  return command;
};

const OFFICE = 'annex-berkane-1';
const id = randomBytes(4).toString('hex');
const secret = randomBytes(32).toString('hex');

let user: ImageUser;
let scratch: string;
let image: RehearsedImage;
let env: Record<string, string>;
let adminDatabaseUrl: string;
let api: string;
const running: ChildProcess[] = [];

/** Resolves once the process prints `ready`; its output comes with the error when it stops first. */
function started(child: ChildProcess, ready: string, name: string): Promise<void> {
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within 120 s:\n${output}`)), 120_000);
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(ready)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code}:\n${output}`));
    });
  });
}

beforeAll(async () => {
  const log = (line: string) => console.log(`[image] ${line}`);
  user = imageUser();
  scratch = mkdtempSync(path.join(os.tmpdir(), 'mohla-image-'));
  const began = Date.now();
  image = await rehearseBuild({ dockerfile: path.join(PROJECT_ROOT, 'Dockerfile'), context: PROJECT_ROOT, scratch, user, log });
  log(`built as ${user.name} in ${Math.round((Date.now() - began) / 1000)} s`);

  const base = new URL(inject('databaseUrl'));
  base.pathname = `/mohla_image_${id}`;
  adminDatabaseUrl = base.href;
  base.username = 'mohla_image_app';
  base.password = 'image-app-password';
  // Secrets as docker-compose.yml's environment gives them: a signing key the database never sees.
  const signingKey = path.join(scratch, 'audit-signing-key.pem');
  writeFileSync(signingKey, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  chownSync(signingKey, user.uid, user.gid);
  // The document keys as docker-compose.yml mounts them: a directory holding the one signing key.
  const documentKeys = path.join(scratch, 'document-keys');
  mkdirSync(documentKeys);
  writeFileSync(path.join(documentKeys, 'current.pem'), generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  chownSync(documentKeys, user.uid, user.gid);
  chownSync(path.join(documentKeys, 'current.pem'), user.uid, user.gid);
  const volume = image.volumes[0];
  if (!volume) throw new Error('the image declares no data volume');
  env = {
    ...image.env,
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_TASK_QUEUE: `image-${id}`,
    DATABASE_URL: base.href,
    REDIS_URL: inject('redisUrl'),
    NOTIFY_QUEUE_PREFIX: `mohla-image-${id}`,
    JWT_SECRET: secret,
    TEMPORAL_CODEC_KEYS: `image:${randomBytes(32).toString('base64')}`,
    AUDIT_SIGNING_KEY: signingKey,
    DOCUMENT_KEYS_DIR: documentKeys,
    PUBLIC_URL: 'https://mohla.example.ma',
    AUDIT_CHECKPOINT_DIR: image.mapPaths(compose.services.worker?.environment?.AUDIT_CHECKPOINT_DIR ?? path.join(volume, 'audit-checkpoints')),
    // The start-up lines waited for below ("worker polling", "API listening") are info lines of the JSON log.
    LOG_LEVEL: 'info',
    // As docker-compose.yml sets them for the API, on a port free here and on this machine only.
    HOST: '127.0.0.1',
    PORT: String(await freePort()),
    WORKER_HEALTH_PORT: String(await freePort()),
  };

  const step = Date.now();
  const since = () => `${Math.round((Date.now() - step) / 1000)} s`;
  const migrated = await runAs(user, composeCommand('migrate'), { cwd: image.workdir, env: { ...env, DATABASE_ADMIN_URL: adminDatabaseUrl } });
  expect(migrated.code, migrated.output).toBe(0);
  const worker = startAs(user, composeCommand('worker'), { cwd: image.workdir, env });
  running.push(worker);
  await started(worker, 'worker polling', 'the worker');
  log(`migrated and the worker polling after ${since()}`);
  const server = startAs(user, image.cmd, { cwd: image.workdir, env });
  running.push(server);
  await started(server, 'API listening', 'the API (CMD)');
  log(`the API (CMD) listening after ${since()}`);
  api = `http://127.0.0.1:${env.PORT}`;
}, 900_000);

afterAll(async () => {
  const stopping = Date.now();
  await Promise.all(running.map((child) => stopGroup(child)));
  if (adminDatabaseUrl) await dropDatabase(adminDatabaseUrl).catch(() => undefined);
  if (scratch) {
    makeRemovable(scratch);
    rmSync(scratch, { recursive: true, force: true });
  }
  console.log(`[image] stopped and removed in ${Math.round((Date.now() - stopping) / 1000)} s`);
});

describe('the image, built and started from the Dockerfile outside Docker', () => {
  it('runs as an unprivileged user, and its HEALTHCHECK command finds the API healthy', async () => {
    expect(user.uid).not.toBe(0);
    expect(image.imageUser).toBeDefined();
    expect(image.healthcheck).toBeDefined();
    const check = await runAs(user, image.healthcheck!, { cwd: image.workdir, env });
    expect(check.code, check.output).toBe(0);
  });

  it('serves the web front end built in the image at /', async () => {
    const page = await fetch(`${api}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toBe(readFileSync(path.join(image.workdir, 'web', 'dist', 'index.html'), 'utf8'));
    const script = /<script[^>]+src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script, html).toBeDefined();
    const asset = await fetch(`${api}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toContain('javascript');
  });

  it('files an application and keeps its uploaded document in the data volume, and writes nowhere else', async () => {
    const citizen = await issueToken(secret, { sub: `citizen-${id}`, role: 'citizen', offices: [] });
    const headers = { authorization: `Bearer ${citizen}` };
    const filing = await fetch(`${api}/applications`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json', 'idempotency-key': `image-${id}-filing` },
      body: JSON.stringify({ procedureId: 'residence-certificate', officeId: OFFICE, data: { fullName: 'Amina Idrissi', cin: 'FB123456', address: '12 rue Al Amal, Berkane' } }),
    });
    expect(filing.status, await filing.clone().text()).toBe(201);
    const { trackingNumber } = (await filing.json()) as { trackingNumber: string };

    const bytes = Buffer.from(`%PDF-1.7\n% identity card of the image test ${id}\n`);
    const upload = multipartFile('cin.pdf', bytes);
    const uploaded = await fetch(`${api}/applications/${trackingNumber}/documents/cinCopy`, { method: 'POST', headers: { ...headers, ...upload.headers }, body: upload.payload });
    expect(uploaded.status, await uploaded.clone().text()).toBe(201);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const stored = path.join(env.MOHLA_DATA_DIR!, 'documents', trackingNumber, `cinCopy-${sha256}.pdf`);
    expect(path.relative(image.volumes[0]!, stored).startsWith('..')).toBe(false);
    expect(readFileSync(stored)).toEqual(bytes);
    expect(statSync(stored).uid).toBe(user.uid);

    // The application's own folder is the image's, root's: the user may not write there.
    const probe = await runAs(user, ['touch', path.join(image.workdir, `written-by-${id}`)], { cwd: image.workdir, env });
    expect(probe.code).not.toBe(0);
    expect(existsSync(path.join(image.workdir, `written-by-${id}`))).toBe(false);
  });

  it('holds the production dependencies only', () => {
    const lock = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
    const devOnly = Object.entries(lock.packages).filter(([where, entry]) => where && entry.dev).map(([where]) => where);
    const { dependencies } = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
    // What the build stage needed and the runtime must not carry (a devDependency that a production
    // package also needs, as yaml is, is not marked dev-only and stays).
    expect(devOnly).toEqual(expect.arrayContaining(['node_modules/vite', 'node_modules/typescript', 'node_modules/vitest']));
    const present = devOnly.filter((where) => existsSync(path.join(image.workdir, where)));
    expect(present).toEqual([]);
    for (const name of Object.keys(dependencies ?? {})) expect(existsSync(path.join(image.workdir, 'node_modules', name)), name).toBe(true);
  });
});
