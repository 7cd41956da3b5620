import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../infra/config.js';
import { documentKeyRing, documentPublicUrl, verificationUrl } from './key-ring.js';
import { newVerificationCode, parseVerificationCode } from './verification-code.js';

const temporary = () => mkdtempSync(path.join(os.tmpdir(), 'mohla-key-ring-'));
const production = { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), TEMPORAL_CODEC_KEYS: `prod:${Buffer.alloc(32, 7).toString('base64')}` };

describe('the document key ring', () => {
  it('in development, is generated once into the data directory and kept', async () => {
    const dataDir = temporary();
    const first = await documentKeyRing(loadConfig({ MOHLA_DATA_DIR: dataDir }));
    expect(readdirSync(path.join(dataDir, 'document-keys'))).toEqual(['current.pem']);
    // Another process reads the same file (the cache is per process): the same key.
    const again = await documentKeyRing({ documents: { keysDir: path.join(dataDir, 'document-keys') }, production: false, dataDir });
    expect(again.signer.keyId).toBe(first.signer.keyId);
  });

  it('in production, refuses to start without DOCUMENT_KEYS_DIR, and names a directory that does not exist', () => {
    expect(() => documentKeyRing(loadConfig({ ...production, MOHLA_DATA_DIR: temporary() }))).toThrow(ConfigError);
    expect(() => documentKeyRing(loadConfig({ ...production, MOHLA_DATA_DIR: temporary() }))).toThrow(/DOCUMENT_KEYS_DIR is required when NODE_ENV=production/);
    const absent = path.join(temporary(), 'absent');
    expect(() => documentKeyRing(loadConfig({ ...production, DOCUMENT_KEYS_DIR: absent }))).toThrow(`DOCUMENT_KEYS_DIR=${absent} does not exist.`);
  });

  it('reads the configured directory: the private key signs, retired public keys still verify', async () => {
    const dir = temporary();
    const current = generateKeyPairSync('ed25519');
    const retired = generateKeyPairSync('ed25519');
    writeFileSync(path.join(dir, 'current.pem'), current.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(path.join(dir, 'retired.pem'), retired.publicKey.export({ type: 'spki', format: 'pem' }));
    const ring = await documentKeyRing(loadConfig({ ...production, DOCUMENT_KEYS_DIR: dir }));
    expect(ring.verifiers.size).toBe(2);
    expect(ring.verifiers.has(ring.signer.keyId)).toBe(true);
    const twoSigners = temporary();
    writeFileSync(path.join(twoSigners, 'a.pem'), current.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(path.join(twoSigners, 'b.pem'), retired.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    await expect(documentKeyRing(loadConfig({ DOCUMENT_KEYS_DIR: twoSigners }))).rejects.toThrow(/^DOCUMENT_KEYS_DIR: .*exactly one private key/);
  });
});

describe('PUBLIC_URL and the address in the QR code', () => {
  it('is required in production, checked as an http(s) address, and defaults to HOST:PORT in development', () => {
    expect(() => documentPublicUrl(loadConfig(production))).toThrow(/PUBLIC_URL is required when NODE_ENV=production/);
    expect(documentPublicUrl(loadConfig({ ...production, PUBLIC_URL: 'https://mohla.example.ma/' }))).toBe('https://mohla.example.ma');
    expect(documentPublicUrl(loadConfig({ HOST: '127.0.0.1', PORT: '3100' }))).toBe('http://127.0.0.1:3100');
    expect(() => loadConfig({ PUBLIC_URL: 'mohla.example.ma' })).toThrow('PUBLIC_URL=mohla.example.ma is not a URL.');
    expect(() => loadConfig({ PUBLIC_URL: 'ftp://mohla.example.ma' })).toThrow('must be an http or https address');
    expect(() => loadConfig({ PUBLIC_URL: 'https://mohla.example.ma/#/x' })).toThrow('must not hold a query or a fragment');
  });

  it('leads to /verify/CODE on the portal', () => {
    const code = newVerificationCode();
    const url = verificationUrl('https://mohla.example.ma/', code);
    expect(url).toBe(`https://mohla.example.ma/verify/${code}`);
    // What a phone reads from the QR code is a code the page accepts.
    expect(parseVerificationCode(url.split('/').at(-1)!)).toEqual({ ok: true, code });
  });
});
