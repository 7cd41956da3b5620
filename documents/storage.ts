import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** A staged upload untouched for this long belongs to no request any more (an upload writes as it receives). */
const STALE_STAGING_MS = 24 * 60 * 60 * 1000;

/** How many first bytes of a staged file are kept to recognise its format. */
const HEAD_BYTES = 16;

/**
 * An upload written out as it arrived, not yet under its final name: the caller checks it (format,
 * size, the slot's limit) and then keeps it under a key or discards it, so a refused upload leaves
 * nothing behind.
 */
export interface StagedFile {
  sizeBytes: number;
  sha256: string;
  /** The first bytes, enough for `sniffFormat`. */
  head: Buffer;
  keep(key: string): Promise<void>;
  discard(): Promise<void>;
}

/** Where documents' bytes live. Files on disk here; an object store would implement the same calls. */
export interface DocumentStorage {
  /** Stores the bytes under `key`; storing the same key again is harmless (keys contain the content hash). */
  put(key: string, bytes: Buffer): Promise<void>;
  /**
   * Writes a stream to a staging place chunk by chunk (an upload is never held whole in memory), hashing
   * it on the way. Rejects, leaving nothing, if the stream fails.
   */
  stage(source: Readable): Promise<StagedFile>;
  /** The bytes as a stream, for sending a large document without holding it; rejects if there is none. */
  read(key: string): Promise<Readable>;
  /** Deletes the bytes under `key` for good (retention); a key already gone is not an error. */
  remove(key: string): Promise<void>;
  describe(): string;
}

export class FileSystemStorage implements DocumentStorage {
  constructor(readonly root: string) {}

  private file(key: string): string {
    const resolved = path.resolve(this.root, key);
    // Keys are built by Mohla, but a path must never escape the storage folder.
    if (!resolved.startsWith(path.resolve(this.root) + path.sep)) throw new Error(`storage key escapes the root: ${key}`);
    return resolved;
  }

  async put(key: string, bytes: Buffer): Promise<void> {
    const target = this.file(key);
    await mkdir(path.dirname(target), { recursive: true });
    // Write then rename, so a reader never sees half a file.
    const partial = `${target}.${process.pid}.partial`;
    await writeFile(partial, bytes);
    await rename(partial, target);
  }

  async stage(source: Readable): Promise<StagedFile> {
    const staging = path.join(this.root, '.staging');
    await mkdir(staging, { recursive: true });
    const partial = path.join(staging, `${randomUUID()}.partial`);
    const hash = createHash('sha256');
    let sizeBytes = 0;
    let head = Buffer.alloc(0);
    const measure = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        sizeBytes += chunk.length;
        if (head.length < HEAD_BYTES) head = Buffer.concat([head, chunk.subarray(0, HEAD_BYTES - head.length)]);
        done(null, chunk);
      },
    });
    try {
      // A parser may close a part before it is read (a body cut short); a pipeline would wait on it forever.
      if (source.destroyed && !source.readableEnded) {
        throw Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
      }
      await pipeline(source, measure, createWriteStream(partial, { flags: 'wx' }));
    } catch (err) {
      await rm(partial, { force: true });
      throw err;
    }
    const discard = () => rm(partial, { force: true });
    return {
      sizeBytes,
      sha256: hash.digest('hex'),
      head,
      keep: async (key) => {
        const target = this.file(key);
        await mkdir(path.dirname(target), { recursive: true });
        // A rename within one file system: a reader never sees half a file.
        await rename(partial, target);
      },
      discard,
    };
  }

  /**
   * Removes staged uploads left by an API process that died while receiving them. Only old ones: other
   * API processes sharing this folder may be receiving files right now.
   */
  async sweepStaging(olderThanMs = STALE_STAGING_MS, now = Date.now()): Promise<number> {
    const staging = path.join(this.root, '.staging');
    const names = await readdir(staging).catch(() => [] as string[]);
    let removed = 0;
    for (const name of names) {
      const file = path.join(staging, name);
      const info = await stat(file).catch(() => undefined);
      if (info && now - info.mtimeMs > olderThanMs) {
        await rm(file, { force: true });
        removed++;
      }
    }
    return removed;
  }

  async read(key: string): Promise<Readable> {
    // Opened first, so a missing file is an error before any answer has started.
    const handle = await open(this.file(key), 'r');
    return handle.createReadStream();
  }

  remove(key: string): Promise<void> {
    return rm(this.file(key), { force: true });
  }

  describe(): string {
    return `files under ${this.root}`;
  }
}

export interface FileKind {
  format: 'pdf' | 'jpeg' | 'png';
  mediaType: string;
}

/** Recognises a file by its first bytes, not by the name or type the browser claims. */
export function sniffFormat(bytes: Buffer): FileKind | undefined {
  if (bytes.subarray(0, 5).toString('latin1') === '%PDF-') return { format: 'pdf', mediaType: 'application/pdf' };
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return { format: 'jpeg', mediaType: 'image/jpeg' };
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) {
    return { format: 'png', mediaType: 'image/png' };
  }
  return undefined;
}
