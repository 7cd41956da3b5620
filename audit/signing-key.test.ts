import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../infra/config.js';
import { DEVELOPMENT_KEY_FILE, keyId, loadCheckpointKeys } from './signing-key.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'mohla-signing-key-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const pem = (key: { export(options: { type: 'pkcs8' | 'spki'; format: 'pem' }): string | Buffer }, type: 'pkcs8' | 'spki') => String(key.export({ type, format: 'pem' }));

describe('the audit signing key', () => {
  it('is generated once into the data directory in development, readable by its owner only', () => {
    const config = loadConfig({ MOHLA_DATA_DIR: dir });
    const first = loadCheckpointKeys(config.audit, { production: false, dataDir: config.dataDir });
    const again = loadCheckpointKeys(config.audit, { production: false, dataDir: config.dataDir });
    expect(again.signing.id).toBe(first.signing.id);
    expect(statSync(path.join(dir, DEVELOPMENT_KEY_FILE)).mode & 0o077).toBe(0);
  });

  it('is required in production, naming the variable', () => {
    const config = loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), MOHLA_DATA_DIR: dir });
    expect(() => loadCheckpointKeys(config.audit, { production: true, dataDir: config.dataDir })).toThrow(ConfigError);
    expect(() => loadCheckpointKeys(config.audit, { production: true, dataDir: config.dataDir })).toThrow(/AUDIT_SIGNING_KEY is required/);
  });

  it('comes from AUDIT_SIGNING_KEY, trusting the keys of AUDIT_PREVIOUS_KEYS too, and must be Ed25519', () => {
    const current = generateKeyPairSync('ed25519');
    const retired = [generateKeyPairSync('ed25519'), generateKeyPairSync('ed25519')];
    writeFileSync(path.join(dir, 'current.pem'), pem(current.privateKey, 'pkcs8'));
    writeFileSync(path.join(dir, 'retired.pem'), retired.map((k) => pem(k.publicKey, 'spki')).join(''));
    const config = loadConfig({ AUDIT_SIGNING_KEY: path.join(dir, 'current.pem'), AUDIT_PREVIOUS_KEYS: path.join(dir, 'retired.pem') });
    const keys = loadCheckpointKeys(config.audit, { production: true, dataDir: dir });
    expect(keys.signing.id).toBe(keyId(current.publicKey));
    expect([...keys.trusted.keys()].sort()).toEqual([current, ...retired].map((k) => keyId(k.publicKey)).sort());

    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(path.join(dir, 'rsa.pem'), pem(rsa.privateKey, 'pkcs8'));
    const wrong = loadConfig({ AUDIT_SIGNING_KEY: path.join(dir, 'rsa.pem') });
    expect(() => loadCheckpointKeys(wrong.audit, { production: true, dataDir: dir })).toThrow(/rsa key; audit checkpoints are signed with Ed25519/);
    expect(() => loadCheckpointKeys(loadConfig({ AUDIT_SIGNING_KEY: path.join(dir, 'absent.pem') }).audit, { production: true, dataDir: dir })).toThrow(/cannot be read/);
  });
});
