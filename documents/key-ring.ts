/**
 * The one way Mohla's processes get the keys of issued documents: the directory DOCUMENT_KEYS_DIR names,
 * or in development a key generated once into the data directory. The worker signs with it, the API
 * verifies and publishes with it; both read the same directory, so both see the same keys.
 */
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig, type DocumentSettings } from '../infra/config.js';
import type { VerificationCode } from './verification-code.js';
import { KeyRingError, loadKeyRing, type DocumentKeyRing } from './signatures.js';

/** Where development keeps its generated document key, under MOHLA_DATA_DIR. */
const DEVELOPMENT_KEYS_DIR = 'document-keys';

export interface DocumentKeySource {
  documents: Pick<DocumentSettings, 'keysDir'>;
  production: boolean;
  dataDir: string;
}

/** One generated key, written once: two processes starting together keep whichever was written first. */
function developmentKeysDir(dataDir: string): string {
  const dir = path.join(dataDir, DEVELOPMENT_KEYS_DIR);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!readdirSync(dir).some((name) => name.endsWith('.pem'))) {
    const { privateKey } = generateKeyPairSync('ed25519');
    try {
      writeFileSync(path.join(dir, 'current.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
    } catch (err) {
      if ((err as { code?: string }).code !== 'EEXIST') throw err;
    }
  }
  return dir;
}

const rings = new Map<string, Promise<DocumentKeyRing>>();

/**
 * The key ring of issued documents, read once per directory and process (a rotation is a restart).
 * Production refuses to start without DOCUMENT_KEYS_DIR: a key generated next to the data would be
 * lost with a new machine, and every document it signed would stop verifying.
 */
export function documentKeyRing(config: DocumentKeySource = loadConfig()): Promise<DocumentKeyRing> {
  let dir = config.documents.keysDir;
  if (!dir) {
    if (config.production) {
      throw new ConfigError(
        'DOCUMENT_KEYS_DIR is required when NODE_ENV=production: a directory holding the Ed25519 key that signs issued documents (openssl genpkey -algorithm ed25519 -out current.pem).',
      );
    }
    dir = developmentKeysDir(config.dataDir);
  } else if (!existsSync(dir)) {
    throw new ConfigError(`DOCUMENT_KEYS_DIR=${dir} does not exist.`);
  }
  let ring = rings.get(dir);
  if (!ring) {
    ring = loadKeyRing(dir).catch((err: unknown) => {
      rings.delete(dir);
      throw err instanceof KeyRingError ? new ConfigError(`DOCUMENT_KEYS_DIR: ${err.message}`) : err;
    });
    rings.set(dir, ring);
  }
  return ring;
}

/** The portal's address for documents' QR codes; production must have been told it (PUBLIC_URL). */
export function documentPublicUrl(config: { documents: Pick<DocumentSettings, 'publicUrl'> } = loadConfig()): string {
  if (!config.documents.publicUrl) {
    throw new ConfigError("PUBLIC_URL is required when NODE_ENV=production: the portal's https address, which the QR codes of issued documents lead to.");
  }
  return config.documents.publicUrl;
}

/**
 * The address a document's QR code holds: GET /verify/CODE, which answers JSON to programs and sends a
 * browser on to the verification page (/#/verify/CODE). The code in its stored form, without dashes: the
 * shortest address, the easiest QR code to read; the page prints it in groups.
 */
export function verificationUrl(publicUrl: string, code: VerificationCode): string {
  return `${publicUrl.replace(/\/+$/, '')}/verify/${code}`;
}
