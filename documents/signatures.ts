/**
 * Signatures of issued documents: Ed25519 (Node's crypto) over the SHA-256 digest of the PDF's exact
 * bytes, each naming the key that made it, so that a key can be rotated while what it signed still
 * verifies.
 */
import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { calculateJwkThumbprint, type JWK } from 'jose';

/**
 * What travels with a document (stored beside it, returned by a verification): which key signed which
 * digest. The signature covers the 32 bytes of `sha256`, nothing else: not the file name, not the record.
 */
export interface DocumentSignature {
  algorithm: 'Ed25519';
  /** The RFC 7638 thumbprint of the signing key's public JWK, as the published key set names it. */
  keyId: string;
  /** SHA-256 of the PDF's bytes, hex. */
  sha256: string;
  /** Ed25519 signature of the digest's 32 raw bytes, base64url. */
  signature: string;
}

interface RingKey {
  keyId: string;
  publicKey: KeyObject;
}

/** The key that signs now, and every key whose signatures still verify (the current one included). */
export interface DocumentKeyRing {
  signer: RingKey & { privateKey: KeyObject };
  verifiers: ReadonlyMap<string, KeyObject>;
}

export class KeyRingError extends Error {}

export type SignatureCheck = { ok: true; keyId: string } | { ok: false; reason: string };

async function keyIdOf(publicKey: KeyObject): Promise<string> {
  return calculateJwkThumbprint(publicKey.export({ format: 'jwk' }) as JWK, 'sha256');
}

function digest(pdf: Buffer): Buffer {
  return createHash('sha256').update(pdf).digest();
}

export function signDocument(pdf: Buffer, ring: DocumentKeyRing): DocumentSignature {
  const hash = digest(pdf);
  return {
    algorithm: 'Ed25519',
    keyId: ring.signer.keyId,
    sha256: hash.toString('hex'),
    // Ed25519 takes no separate hash algorithm: `null` signs the given bytes as they are.
    signature: sign(null, hash, ring.signer.privateKey).toString('base64url'),
  };
}

/** Whether `signature` was made by a key of the ring over these very bytes. */
export function verifyDocument(pdf: Buffer, signature: DocumentSignature, ring: DocumentKeyRing): SignatureCheck {
  const publicKey = ring.verifiers.get(signature.keyId);
  if (!publicKey) return { ok: false, reason: `key ${signature.keyId} is not one of Mohla's document keys` };
  const hash = digest(pdf);
  if (hash.toString('hex') !== signature.sha256) return { ok: false, reason: 'the document is not the one that was signed: its SHA-256 differs' };
  if (!verify(null, hash, publicKey, Buffer.from(signature.signature, 'base64url'))) {
    return { ok: false, reason: `the signature was not made by key ${signature.keyId}` };
  }
  return { ok: true, keyId: signature.keyId };
}

function ed25519(key: KeyObject, file: string): KeyObject {
  if (key.asymmetricKeyType !== 'ed25519') throw new KeyRingError(`${file} holds a ${key.asymmetricKeyType} key; documents are signed with Ed25519`);
  return key;
}

const PEM_BLOCK = /-----BEGIN ([A-Z ]+)-----[\s\S]+?-----END \1-----/g;

/**
 * The key ring from a directory of PEM files (`*.pem`): exactly one private key, the one that signs, and
 * the public keys of retired keys, which only verify. Rotating is putting the new private key in and
 * replacing the old one by its public key (`openssl pkey -in old.pem -pubout`).
 */
export async function loadKeyRing(directory: string): Promise<DocumentKeyRing> {
  let names: string[];
  try {
    names = readdirSync(directory).filter((name) => name.endsWith('.pem')).sort();
  } catch (err) {
    throw new KeyRingError(`the document key directory ${directory} cannot be read: ${(err as Error).message}`);
  }
  const privateKeys: Array<{ file: string; key: KeyObject }> = [];
  const publicKeys: Array<{ file: string; key: KeyObject }> = [];
  for (const name of names) {
    const file = path.join(directory, name);
    for (const [block, label] of readFileSync(file, 'utf8').matchAll(PEM_BLOCK)) {
      if (label === 'PUBLIC KEY') publicKeys.push({ file, key: ed25519(createPublicKey(block), file) });
      else if (label === 'PRIVATE KEY') privateKeys.push({ file, key: ed25519(createPrivateKey(block), file) });
      else throw new KeyRingError(`${file} holds a PEM block "${label}"; a document key file holds a PRIVATE KEY or a PUBLIC KEY`);
    }
  }
  if (privateKeys.length !== 1) {
    const found = privateKeys.map((k) => path.basename(k.file)).join(', ') || 'none';
    throw new KeyRingError(
      `the document key directory ${directory} must hold exactly one private key, the one that signs (found: ${found}); keep retired keys as public keys only`,
    );
  }
  const { key: privateKey } = privateKeys[0]!;
  const publicKey = createPublicKey(privateKey);
  const keyId = await keyIdOf(publicKey);
  const verifiers = new Map([[keyId, publicKey]]);
  for (const { key } of publicKeys) verifiers.set(await keyIdOf(key), key);
  return { signer: { keyId, publicKey, privateKey }, verifiers };
}

/** The public keys as a JSON Web Key Set (RFC 7517, OKP keys of RFC 8037), fit to publish at a well-known address. */
export function publishedKeySet(ring: DocumentKeyRing): { keys: JWK[] } {
  return {
    keys: [...ring.verifiers].map(([kid, key]) => ({ ...(key.export({ format: 'jwk' }) as JWK), kid, use: 'sig', alg: 'EdDSA' })),
  };
}
