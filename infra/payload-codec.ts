/**
 * Encrypts what Mohla hands to Temporal (workflow inputs, results, update arguments, activity payloads,
 * failure messages) so that the Temporal database, its UI and its exports hold no personal data in clear.
 *
 * Written on node:crypto's AES-256-GCM rather than a library: the codec is a few lines around one
 * authenticated cipher that Node ships (OpenSSL), and the packages that wrap it add nothing we need
 * but a dependency that the worker, the API and every history tool would load.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
// A CommonJS package whose named exports Node's ES module loader cannot see.
import proto from '@temporalio/proto';

const { temporal } = proto;

/** The `encoding` of an encrypted payload; anything else is passed through as it is. */
const ENCRYPTED_ENCODING = 'binary/encrypted';
/** Metadata naming the key that encrypted a payload, so old keys keep decrypting after a rotation. */
const KEY_ID_METADATA = 'encryption-key-id';

const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const KEY_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

export interface CodecKey {
  id: string;
  key: Buffer;
}

export class CodecKeyError extends Error {}

/**
 * `id:base64key,id:base64key…`, the first encrypting and every one decrypting. Each key is 32 random
 * bytes in base64 (`openssl rand -base64 32`).
 */
export function parseCodecKeys(text: string, variable = 'TEMPORAL_CODEC_KEYS'): CodecKey[] {
  const keys: CodecKey[] = [];
  for (const entry of text.split(',').map((e) => e.trim()).filter(Boolean)) {
    const colon = entry.indexOf(':');
    const id = colon > 0 ? entry.slice(0, colon) : '';
    if (!KEY_ID_PATTERN.test(id)) throw new CodecKeyError(`${variable}: each key is written id:base64key, the id of letters, digits, '.', '_' or '-'.`);
    const key = Buffer.from(entry.slice(colon + 1), 'base64');
    if (key.length !== KEY_BYTES) throw new CodecKeyError(`${variable}: key ${id} is not 32 bytes in base64 (make one with: openssl rand -base64 32).`);
    if (keys.some((k) => k.id === id)) throw new CodecKeyError(`${variable}: key id ${id} appears twice.`);
    keys.push({ id, key });
  }
  if (!keys.length) throw new CodecKeyError(`${variable}: no key given.`);
  return keys;
}

const utf8 = (text: string) => new TextEncoder().encode(text);
const text = (bytes: Uint8Array | null | undefined) => (bytes ? Buffer.from(bytes).toString('utf8') : undefined);

function isEncrypted(payload: Payload): boolean {
  return text(payload.metadata?.encoding) === ENCRYPTED_ENCODING;
}

/**
 * AES-256-GCM over the whole serialised payload (its metadata too: the encoding reveals the shape). The key
 * id is authenticated with it, so a payload cannot be made to claim another key. Payloads that are not
 * encrypted (histories recorded before the codec) are decoded as they are.
 */
export class EncryptionCodec implements PayloadCodec {
  private readonly byId: Map<string, Buffer>;
  private readonly current: CodecKey;

  constructor(keys: readonly CodecKey[]) {
    if (!keys.length) throw new CodecKeyError('the payload codec needs at least one key');
    this.current = keys[0]!;
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const nonce = randomBytes(NONCE_BYTES);
      const cipher = createCipheriv('aes-256-gcm', this.current.key, nonce);
      cipher.setAAD(utf8(this.current.id));
      const plain = temporal.api.common.v1.Payload.encode(payload).finish();
      const sealed = Buffer.concat([nonce, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return { metadata: { encoding: utf8(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: utf8(this.current.id) }, data: sealed };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (!isEncrypted(payload)) return payload;
      const id = text(payload.metadata?.[KEY_ID_METADATA]) ?? '';
      const key = this.byId.get(id);
      if (!key) throw new CodecKeyError(`a payload is encrypted with key "${id}", which TEMPORAL_CODEC_KEYS does not hold`);
      const sealed = Buffer.from(payload.data ?? new Uint8Array());
      if (sealed.length < NONCE_BYTES + TAG_BYTES) throw new CodecKeyError(`an encrypted payload (key "${id}") is truncated`);
      const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, NONCE_BYTES));
      decipher.setAAD(utf8(id));
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
      const plain = Buffer.concat([decipher.update(sealed.subarray(NONCE_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
      return temporal.api.common.v1.Payload.decode(plain);
    });
  }
}
