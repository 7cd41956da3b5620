import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';

/**
 * An RFC 3161 time-stamp request for the SHA-256 of `data`, asking for the authority's certificate.
 * Written by hand rather than with an ASN.1 library: with one algorithm, no nonce and no policy the
 * request is a fixed DER template around the 32-byte digest.
 */
function timestampQuery(data: Buffer): Buffer {
  const digest = createHash('sha256').update(data).digest();
  return Buffer.concat([
    Buffer.from('30390201013031300d060960864801650304020105000420', 'hex'),
    digest,
    Buffer.from('0101ff', 'hex'), // certReq: TRUE
  ]);
}

/** The PKIStatus of a TimeStampResp: 0 granted, 1 granted with modifications, 2 and above refused. */
function timestampStatus(reply: Buffer): number {
  let at = 1;
  const lengthOctet = reply[at] ?? 0;
  at += lengthOctet & 0x80 ? 1 + (lengthOctet & 0x7f) : 1; // the outer SEQUENCE's header
  // PKIStatusInfo: SEQUENCE { status INTEGER, … }; the status is one small integer.
  if (reply[0] !== 0x30 || reply[at] !== 0x30 || reply[at + 2] !== 0x02 || reply[at + 3] !== 0x01) return -1;
  return reply[at + 4] ?? -1;
}

class TimestampError extends Error {}

/** Asks the time-stamp authority at `url` to time-stamp `data`; answers its TimeStampResp (DER). */
export async function requestTimestamp(url: string, data: Buffer, timeoutMs = 10_000): Promise<Buffer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/timestamp-query', accept: 'application/timestamp-reply' },
    body: timestampQuery(data),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const reply = Buffer.from(await response.arrayBuffer());
  if (!response.ok) throw new TimestampError(`the time-stamp authority answered ${response.status}`);
  const status = timestampStatus(reply);
  if (status !== 0 && status !== 1) throw new TimestampError(`the time-stamp authority refused the request (status ${status})`);
  return reply;
}

const run = promisify(execFile);

/**
 * Checks a stored time-stamp reply over a file with `openssl ts -verify` against the authority's CA:
 * the token's signature, its certificate chain and that it covers exactly these bytes.
 */
export async function verifyTimestamp(replyFile: string, dataFile: string, caFile: string): Promise<{ ok: boolean; message: string }> {
  try {
    const { stdout } = await run('openssl', ['ts', '-verify', '-in', replyFile, '-data', dataFile, '-CAfile', caFile]);
    return { ok: /Verification: OK/.test(stdout), message: stdout.trim() };
  } catch (err) {
    const { stdout = '', stderr = '' } = err as { stdout?: string; stderr?: string };
    return { ok: false, message: `${stdout}${stderr}`.trim().split('\n').slice(0, 3).join(' ') };
  }
}
