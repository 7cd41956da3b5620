/**
 * A local RFC 3161 time-stamp authority: `openssl ts -reply` behind a small HTTP server, with its own
 * CA and a certificate for time-stamping, as a real authority answers application/timestamp-query.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const openssl = (args: string[], cwd: string) => promisify(execFile)('openssl', args, { cwd });

export interface TimeStampAuthority {
  url: string;
  /** The CA certificate that `openssl ts -verify` checks the replies against. */
  caFile: string;
  /** Requests answered so far. */
  requests: number;
  close(): Promise<void>;
}

export async function startTimeStampAuthority(): Promise<TimeStampAuthority> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mohla-tsa-'));
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await openssl(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-subj', '/CN=Mohla test TSA CA', '-days', '2',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign'], dir);
  await openssl(['req', ...ec, '-keyout', 'tsa.key', '-out', 'tsa.csr', '-subj', '/CN=Mohla test TSA'], dir);
  writeFileSync(path.join(dir, 'tsa.ext'), 'extendedKeyUsage=critical,timeStamping\n');
  await openssl(['x509', '-req', '-in', 'tsa.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-set_serial', '2', '-days', '2', '-extfile', 'tsa.ext', '-out', 'tsa.crt'], dir);
  writeFileSync(path.join(dir, 'serial'), '01\n');
  writeFileSync(
    path.join(dir, 'tsa.cnf'),
    [
      '[ tsa ]', 'default_tsa = tsa_config', '[ tsa_config ]', `serial = ${dir}/serial`, 'crypto_device = builtin',
      `signer_cert = ${dir}/tsa.crt`, `signer_key = ${dir}/tsa.key`, 'signer_digest = sha256', 'default_policy = 1.2.3.4.1',
      'digests = sha256', 'accuracy = secs:1', 'ordering = yes', 'tsa_name = yes', 'ess_cert_id_chain = no', 'ess_cert_id_alg = sha256', '',
    ].join('\n'),
  );

  let queue = Promise.resolve();
  const authority: TimeStampAuthority = { url: '', caFile: path.join(dir, 'ca.crt'), requests: 0, close: async () => undefined };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.method !== 'POST' || request.headers['content-type'] !== 'application/timestamp-query') {
        response.writeHead(415).end();
        return;
      }
      // One reply at a time: they share the serial number file.
      queue = queue.then(async () => {
        const n = (authority.requests += 1);
        writeFileSync(path.join(dir, `q${n}.tsq`), Buffer.concat(chunks));
        try {
          await openssl(['ts', '-reply', '-config', 'tsa.cnf', '-queryfile', `q${n}.tsq`, '-out', `r${n}.tsr`], dir);
          response.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end(readFileSync(path.join(dir, `r${n}.tsr`)));
        } catch {
          response.writeHead(400).end();
        }
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  authority.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  authority.close = async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  };
  return authority;
}
