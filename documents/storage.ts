import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Where documents' bytes live. Files on disk here; an object store would implement the same three calls. */
export interface DocumentStorage {
  /** Stores the bytes under `key`; storing the same key again is harmless (keys contain the content hash). */
  put(key: string, bytes: Buffer): Promise<void>;
  get(key: string): Promise<Buffer>;
  /** Deletes the bytes under `key` for good (retention); a key already gone is not an error. */
  remove(key: string): Promise<void>;
  describe(): string;
}

export class FileSystemStorage implements DocumentStorage {
  constructor(private readonly root: string) {}

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

  get(key: string): Promise<Buffer> {
    return readFile(this.file(key));
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
