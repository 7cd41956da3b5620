import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, type AuditConfig } from '../infra/config.js';

/** The key that signs checkpoints of the audit log, and the public keys that checkpoints may carry. */
export interface CheckpointKeys {
  signing: { id: string; privateKey: KeyObject };
  /** Every key a checkpoint may have been signed with, by id: the current one and those rotated out. */
  trusted: Map<string, KeyObject>;
}

/** A short name for a public key, written into each checkpoint so that rotation keeps old ones verifiable. */
export function keyId(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
}

export const DEVELOPMENT_KEY_FILE = 'audit-signing-key.pem';

function ed25519(key: KeyObject, where: string): KeyObject {
  if (key.asymmetricKeyType !== 'ed25519') throw new ConfigError(`${where} is a ${key.asymmetricKeyType} key; audit checkpoints are signed with Ed25519.`);
  return key;
}

function readPem(file: string, variable: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`${variable}=${file} cannot be read: ${(err as Error).message}`);
  }
}

/**
 * The configured key; in development, one generated once into the data directory. Production refuses
 * that fallback: a key lying next to the data proves nothing to whoever can read the data.
 */
export function loadCheckpointKeys(config: AuditConfig, options: { production: boolean; dataDir: string }): CheckpointKeys {
  let pem: string;
  let where: string;
  if (config.signingKeyPath) {
    pem = readPem(config.signingKeyPath, 'AUDIT_SIGNING_KEY');
    where = `AUDIT_SIGNING_KEY=${config.signingKeyPath}`;
  } else {
    if (options.production) {
      throw new ConfigError('AUDIT_SIGNING_KEY is required when NODE_ENV=production: the PEM file of an Ed25519 key the database cannot read (openssl genpkey -algorithm ed25519).');
    }
    const file = path.join(options.dataDir, DEVELOPMENT_KEY_FILE);
    if (!existsSync(file)) {
      mkdirSync(options.dataDir, { recursive: true });
      const { privateKey } = generateKeyPairSync('ed25519');
      // 'wx': two processes starting together keep whichever key was written first.
      try {
        writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
      } catch (err) {
        if ((err as { code?: string }).code !== 'EEXIST') throw err;
      }
    }
    pem = readFileSync(file, 'utf8');
    where = file;
  }
  const privateKey = ed25519(createPrivateKey(pem), where);
  const publicKey = createPublicKey(privateKey);
  const trusted = new Map([[keyId(publicKey), publicKey]]);
  if (config.previousKeysPath) {
    const blocks = readPem(config.previousKeysPath, 'AUDIT_PREVIOUS_KEYS').match(/-----BEGIN PUBLIC KEY-----[\s\S]+?-----END PUBLIC KEY-----/g) ?? [];
    for (const block of blocks) {
      const key = ed25519(createPublicKey(block), `a key of AUDIT_PREVIOUS_KEYS=${config.previousKeysPath}`);
      trusted.set(keyId(key), key);
    }
  }
  return { signing: { id: keyId(publicKey), privateKey }, trusted };
}
