import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { defaultPayloadConverter } from '@temporalio/common';
import { CodecKeyError, EncryptionCodec, parseCodecKeys } from './payload-codec.js';
import { ConfigError, loadConfig } from './config.js';

const keyText = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;
const form = { fullName: 'Amina Idrissi', cin: 'FB123456' };

describe('the payload codec', () => {
  it('leaves no personal data in what it hands to Temporal, and gives it back whole', async () => {
    const codec = new EncryptionCodec(parseCodecKeys(keyText('k1')));
    const payload = defaultPayloadConverter.toPayload(form);
    const [sealed] = await codec.encode([payload]);
    expect(Buffer.from(sealed!.data!).toString('latin1')).not.toContain('Amina');
    expect(Buffer.from(sealed!.metadata!['encryption-key-id']!).toString()).toBe('k1');
    const [opened] = await codec.decode([sealed!]);
    expect(defaultPayloadConverter.fromPayload(opened!)).toEqual(form);
  });

  it('keeps decrypting with an old key after a new one is put first (rotation)', async () => {
    const [oldKey, newKey] = [keyText('2026-01'), keyText('2026-07')];
    const before = new EncryptionCodec(parseCodecKeys(oldKey));
    const [recorded] = await before.encode([defaultPayloadConverter.toPayload(form)]);
    const after = new EncryptionCodec(parseCodecKeys(`${newKey},${oldKey}`));
    expect(defaultPayloadConverter.fromPayload((await after.decode([recorded!]))[0]!)).toEqual(form);
    const [fresh] = await after.encode([defaultPayloadConverter.toPayload(form)]);
    expect(Buffer.from(fresh!.metadata!['encryption-key-id']!).toString()).toBe('2026-07');
    // A codec that has dropped the key says which one it lacks rather than returning garbage.
    await expect(new EncryptionCodec(parseCodecKeys(newKey)).decode([recorded!])).rejects.toThrow('"2026-01"');
  });

  it('passes payloads recorded before encryption through unchanged', async () => {
    const clear = defaultPayloadConverter.toPayload(form);
    const [decoded] = await new EncryptionCodec(parseCodecKeys(keyText('k1'))).decode([clear]);
    expect(decoded).toBe(clear);
  });

  it('refuses a payload altered at rest, or one relabelled with another key id', async () => {
    const keys = parseCodecKeys(`${keyText('a')},${keyText('b')}`);
    const codec = new EncryptionCodec(keys);
    const [sealed] = await codec.encode([defaultPayloadConverter.toPayload(form)]);
    const flipped = Buffer.from(sealed!.data!);
    flipped[20] = flipped[20]! ^ 1;
    await expect(codec.decode([{ ...sealed!, data: flipped }])).rejects.toThrow();
    const relabelled = { ...sealed!, metadata: { ...sealed!.metadata, 'encryption-key-id': new TextEncoder().encode('b') } };
    await expect(codec.decode([relabelled])).rejects.toThrow();
  });

  it('names what is wrong with a key list', () => {
    expect(() => parseCodecKeys('k1:c2hvcnQ=')).toThrow(CodecKeyError);
    expect(() => parseCodecKeys('k1:c2hvcnQ=')).toThrow('key k1 is not 32 bytes');
    expect(() => parseCodecKeys(`bad id:${randomBytes(32).toString('base64')}`)).toThrow('id:base64key');
    const one = keyText('same');
    expect(() => parseCodecKeys(`${one},${one}`)).toThrow('appears twice');
  });
});

describe('TEMPORAL_CODEC_KEYS', () => {
  const production = { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) };

  it('is required in production, where the public development key may not encrypt', () => {
    expect(() => loadConfig(production)).toThrow(ConfigError);
    expect(() => loadConfig(production)).toThrow('TEMPORAL_CODEC_KEYS is required');
    expect(() => loadConfig({ ...production, TEMPORAL_CODEC_KEYS: 'dev:bW9obGEtZGV2ZWxvcG1lbnQta2V5LXB1YmxpYy0zMmI=' })).toThrow('development key');
  });

  it('may keep the development key behind a new one in production, to read histories it encrypted', () => {
    const keys = loadConfig({ ...production, TEMPORAL_CODEC_KEYS: `${keyText('prod-1')},dev:bW9obGEtZGV2ZWxvcG1lbnQta2V5LXB1YmxpYy0zMmI=` }).codecKeys;
    expect(keys.map((k) => k.id)).toEqual(['prod-1', 'dev']);
  });

  it('reports a malformed list as a configuration error naming the variable', () => {
    expect(() => loadConfig({ TEMPORAL_CODEC_KEYS: 'nonsense' })).toThrow(ConfigError);
    expect(() => loadConfig({ TEMPORAL_CODEC_KEYS: 'nonsense' })).toThrow('TEMPORAL_CODEC_KEYS');
  });
});

describe('TEMPORAL_UI_ORIGINS', () => {
  it('lets the local UI call the codec endpoint in development, and no origin in production unless named', () => {
    expect(loadConfig({ TEMPORAL_UI_PORT: '8300' }).codec.uiOrigins).toEqual(['http://127.0.0.1:8300', 'http://localhost:8300']);
    const production = { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), TEMPORAL_CODEC_KEYS: keyText('prod') };
    expect(loadConfig(production).codec.uiOrigins).toEqual([]);
    expect(loadConfig({ ...production, TEMPORAL_UI_ORIGINS: 'https://temporal.commune.ma, https://ui.commune.ma/' }).codec.uiOrigins).toEqual([
      'https://temporal.commune.ma',
      'https://ui.commune.ma',
    ]);
  });

  it('refuses what is not an origin, naming the variable', () => {
    for (const bad of ['temporal.commune.ma', 'https://temporal.commune.ma/ui']) {
      expect(() => loadConfig({ TEMPORAL_UI_ORIGINS: bad })).toThrow(ConfigError);
      expect(() => loadConfig({ TEMPORAL_UI_ORIGINS: bad })).toThrow('TEMPORAL_UI_ORIGINS');
    }
  });
});
