/**
 * The document key ring a process signs and verifies with, read once: from the directory
 * DOCUMENT_KEYS_DIR names when it is set, otherwise a key made for this process alone (development and
 * tests), whose signatures no other process can check. Every caller goes through `documentKeyRing()`.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { env } from '../infra/config.js';
import { loadKeyRing, type DocumentKeyRing } from './signatures.js';

let ring: Promise<DocumentKeyRing> | undefined;

async function ephemeralKeyRing(): Promise<DocumentKeyRing> {
  const { privateKey } = generateKeyPairSync('ed25519');
  const directory = mkdtempSync(path.join(os.tmpdir(), 'mohla-document-key-'));
  try {
    writeFileSync(path.join(directory, 'current.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    return await loadKeyRing(directory);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

export function documentKeyRing(directory = env('DOCUMENT_KEYS_DIR')): Promise<DocumentKeyRing> {
  ring ??= directory ? loadKeyRing(directory) : ephemeralKeyRing();
  return ring;
}
