/**
 * Signed checkpoints of the audit chain's head, kept outside the database. Whoever can rewrite the
 * table can recompute every hash after a row they altered; they cannot sign the new head with a key
 * the database never held, nor change a file they cannot reach. So a checkpoint fixes the log up to
 * its row for good: `mohla audit verify` checks that the row a checkpoint signed still carries the
 * signed hash, and is still there.
 */
import { sign, verify } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import type { MikroORM } from '@mikro-orm/postgresql';
import { auditHashAt, auditHashesAt } from '../db/audit-log.js';
import { canonicalJson } from '../engine/canonical-json.js';
import { walkAuditChain, type ChainPoint } from './chain.js';
import type { Config } from '../infra/config.js';
import { loadCheckpointKeys, type CheckpointKeys } from './signing-key.js';
import { requestTimestamp, verifyTimestamp } from './timestamp.js';

export interface Checkpoint {
  version: 1;
  /** The chain's head when the checkpoint was taken: its row number and hash. */
  seq: number;
  hash: string;
  at: string;
  keyId: string;
  /** Ed25519 over the canonical JSON of every other field (base64). */
  signature: string;
}

export interface CheckpointStore {
  dir: string;
  keys: CheckpointKeys;
  /** An RFC 3161 time-stamp authority that also time-stamps each checkpoint file. */
  tsaUrl?: string;
}

/** Where this deployment's checkpoints go, and the keys that sign and check them (AUDIT_* variables). */
export function checkpointStore(config: Config): CheckpointStore {
  const keys = loadCheckpointKeys(config.audit, { production: config.production, dataDir: config.dataDir });
  return { dir: config.audit.checkpointDir, keys, ...(config.audit.tsaUrl ? { tsaUrl: config.audit.tsaUrl } : {}) };
}

const FILE = /^checkpoint-(\d{12})\.json$/;
const fileName = (seq: number) => `checkpoint-${String(seq).padStart(12, '0')}.json`;
/** The time-stamp reply over a checkpoint file's bytes, beside it. */
export const timestampFile = (checkpointFile: string) => checkpointFile.replace(/\.json$/, '.tsr');

function signedText(checkpoint: Omit<Checkpoint, 'signature'>): Buffer {
  const { version, seq, hash, at, keyId } = checkpoint;
  return Buffer.from(canonicalJson({ version, seq, hash, at, keyId }));
}

function signatureValid(checkpoint: Checkpoint, keys: CheckpointKeys): boolean {
  const publicKey = keys.trusted.get(checkpoint.keyId);
  if (!publicKey) return false;
  return verify(null, signedText(checkpoint), publicKey, Buffer.from(checkpoint.signature, 'base64'));
}

export interface StoredCheckpoint {
  file: string;
  checkpoint: Checkpoint;
}

/** The checkpoint files of a directory, oldest first; an unreadable one is returned as such. */
export function readCheckpoints(dir: string): Array<StoredCheckpoint | { file: string; unreadable: string }> {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => FILE.test(name))
    .sort()
    .map((name) => {
      const file = path.join(dir, name);
      try {
        return { file, checkpoint: JSON.parse(readFileSync(file, 'utf8')) as Checkpoint };
      } catch (err) {
        return { file, unreadable: (err as Error).message };
      }
    });
}

class CheckpointRefusedError extends Error {}

/**
 * Signs the chain's current head into a new file, unless the last checkpoint already signed it.
 * The rows since the last checkpoint are walked first: a head that does not extend what was already
 * signed is never signed, so a rewritten log cannot be laundered by a later checkpoint.
 */
export async function writeCheckpoint(orm: MikroORM, store: CheckpointStore, now = new Date()): Promise<{ file: string; checkpoint: Checkpoint; written: boolean } | undefined> {
  const last = readCheckpoints(store.dir).filter((c): c is StoredCheckpoint => 'checkpoint' in c).at(-1);
  let from: ChainPoint | undefined;
  if (last) {
    if (!signatureValid(last.checkpoint, store.keys)) throw new CheckpointRefusedError(`${last.file} carries no valid signature: run \`mohla audit verify\``);
    const hash = await auditHashAt(orm, last.checkpoint.seq);
    if (hash !== last.checkpoint.hash) {
      throw new CheckpointRefusedError(`row ${last.checkpoint.seq}, signed by ${path.basename(last.file)}, ${hash !== undefined ? 'was rewritten' : 'is gone'}: run \`mohla audit verify\``);
    }
    from = { seq: last.checkpoint.seq, hash: last.checkpoint.hash };
  }
  const walk = await walkAuditChain(orm, from);
  if (walk.problem) throw new CheckpointRefusedError(`${walk.problem.message}: run \`mohla audit verify\``);
  if (walk.head.seq === 0) return undefined;
  if (last && walk.head.seq === last.checkpoint.seq) {
    // The authority was unreachable when it was written: it is asked again, until it answers.
    if (store.tsaUrl && !existsSync(timestampFile(last.file))) await timestamp(last.file, store.tsaUrl);
    return { ...last, written: false };
  }

  const unsigned = { version: 1 as const, seq: walk.head.seq, hash: walk.head.hash, at: now.toISOString(), keyId: store.keys.signing.id };
  const checkpoint: Checkpoint = { ...unsigned, signature: sign(null, signedText(unsigned), store.keys.signing.privateKey).toString('base64') };
  mkdirSync(store.dir, { recursive: true });
  const file = path.join(store.dir, fileName(checkpoint.seq));
  const text = `${JSON.stringify(checkpoint, null, 2)}\n`;
  try {
    // Never rewritten: a second writer of the same head (another worker) leaves the first file as it is.
    writeFileSync(file, text, { flag: 'wx' });
  } catch (err) {
    if ((err as { code?: string }).code !== 'EEXIST') throw err;
    return { file, checkpoint: JSON.parse(readFileSync(file, 'utf8')) as Checkpoint, written: false };
  }
  if (store.tsaUrl) await timestamp(file, store.tsaUrl);
  return { file, checkpoint, written: true };
}

async function timestamp(file: string, tsaUrl: string): Promise<void> {
  const reply = await requestTimestamp(tsaUrl, readFileSync(file));
  try {
    writeFileSync(timestampFile(file), reply, { flag: 'wx' });
  } catch (err) {
    if ((err as { code?: string }).code !== 'EEXIST') throw err;
  }
}

export type CheckpointProblem =
  | { kind: 'unsigned'; file: string; message: string }
  | { kind: 'rewritten'; seq: number; file: string; message: string }
  | { kind: 'truncated'; seq: number; file: string; message: string }
  | { kind: 'timestamp'; file: string; message: string };

/**
 * Checks every checkpoint against the log: its signature by a trusted key, its time-stamp when it has
 * one (and the authority's CA is known), and that its row is still there with the signed hash.
 */
export async function verifyCheckpoints(
  orm: MikroORM,
  options: { dir: string; keys: CheckpointKeys; tsaCaFile?: string },
): Promise<{ checkpoints: number; timestamped: number; unverifiedTimestamps: number; problem?: CheckpointProblem }> {
  const stored = readCheckpoints(options.dir);
  let timestamped = 0;
  let unverifiedTimestamps = 0;
  const result = (problem?: CheckpointProblem) => ({ checkpoints: stored.length, timestamped, unverifiedTimestamps, ...(problem ? { problem } : {}) });
  const valid: StoredCheckpoint[] = [];
  for (const entry of stored) {
    const name = path.basename(entry.file);
    if ('unreadable' in entry) return result({ kind: 'unsigned', file: entry.file, message: `checkpoint ${name} cannot be read: ${entry.unreadable}` });
    if (!options.keys.trusted.has(entry.checkpoint.keyId)) {
      return result({ kind: 'unsigned', file: entry.file, message: `checkpoint ${name} was signed by key ${entry.checkpoint.keyId}, which is neither AUDIT_SIGNING_KEY nor in AUDIT_PREVIOUS_KEYS` });
    }
    if (!signatureValid(entry.checkpoint, options.keys)) return result({ kind: 'unsigned', file: entry.file, message: `checkpoint ${name}: its signature does not match its content` });
    const reply = timestampFile(entry.file);
    if (existsSync(reply)) {
      timestamped += 1;
      if (!options.tsaCaFile) unverifiedTimestamps += 1;
      else {
        const check = await verifyTimestamp(reply, entry.file, options.tsaCaFile);
        if (!check.ok) return result({ kind: 'timestamp', file: entry.file, message: `checkpoint ${name}: its time-stamp does not verify (${check.message})` });
      }
    }
    valid.push(entry);
  }
  if (!valid.length) return result();
  const hashes = await auditHashesAt(orm, valid.map((c) => c.checkpoint.seq));
  for (const { file, checkpoint } of valid) {
    const found = hashes.get(checkpoint.seq);
    const signed = `row ${checkpoint.seq}, signed at ${checkpoint.at} (${path.basename(file)})`;
    if (found === undefined) {
      return result({ kind: 'truncated', seq: checkpoint.seq, file, message: `${signed}, is no longer in the log: rows were deleted from the end` });
    }
    if (found !== checkpoint.hash) {
      return result({ kind: 'rewritten', seq: checkpoint.seq, file, message: `${signed}, no longer has the signed hash: the chain up to it was rewritten` });
    }
  }
  return result();
}

/** Signs a checkpoint every `minutes` while the process runs; answers a function that stops it. */
export function scheduleCheckpoints(orm: MikroORM, store: CheckpointStore, minutes: number, log: (line: string) => void): () => Promise<void> {
  let running: Promise<void> = Promise.resolve();
  let busy = false;
  const tick = () => {
    // A slow walk or time-stamp authority must not have two ticks walking the chain at once.
    if (busy) return;
    busy = true;
    running = writeCheckpoint(orm, store).then(
      (done) => {
        if (done?.written) log(`audit checkpoint at row ${done.checkpoint.seq}: ${done.file}`);
      },
      // Only row numbers and file names in the message: never an entry's content.
      (err: unknown) => log(`audit checkpoint not written: ${(err as Error).message}`),
    ).finally(() => {
      busy = false;
    });
  };
  const timer = setInterval(tick, minutes * 60_000);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
