import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { retryUntil } from './system.js';

/** The CLI spells search attribute types in PascalCase (`Keyword`), the SDK in capitals (`KEYWORD`). */
const cliTypeName: Record<string, string> = {
  TEXT: 'Text',
  KEYWORD: 'Keyword',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
};

/**
 * The search attributes a server registers. The caller passes the workflow's own
 * (workflows/search-attributes.ts): infra/ stays below the workflow code.
 */
export type SearchAttributeKeys = Readonly<Record<string, { name: string; type: string }>>;

export function searchAttributeFlags(keys: SearchAttributeKeys): string[] {
  return Object.values(keys).flatMap((key) => [
    '--search-attribute',
    `${key.name}=${cliTypeName[key.type]}`,
  ]);
}

/**
 * One partition per task queue. Temporal splits a task queue into four partitions by default, which
 * spreads load across matching hosts in a cluster; on one dev server it only makes a workflow task that
 * finds no poller waiting on its partition sit in that partition's backlog until a poller happens to
 * come by: stalls of about two seconds every few seconds under load (measured by the throughput bench).
 */
export const SINGLE_NODE_DYNAMIC_CONFIG = ['matching.numTaskqueueReadPartitions=1', 'matching.numTaskqueueWritePartitions=1'];

export interface DevServerOptions {
  cli: string;
  host?: string;
  port: number;
  /** Omit for a headless server (tests). */
  uiPort?: number;
  /** Omit for an in-memory server that forgets everything when stopped. */
  dbFile?: string;
  /** SQLite pragmas for the server's database, as `name=value`. */
  sqlitePragmas?: string[];
  namespace?: string;
  /** Registered at start, so workflows can set them and visibility can list by them. */
  searchAttributes: SearchAttributeKeys;
  /** Where the UI asks for payloads to be decoded (Mohla's /codec); the UI only gets the address. */
  uiCodecEndpoint?: string;
  log?: (line: string) => void;
}

export interface DevServer {
  address: string;
  uiUrl?: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export async function waitForTemporal(address: string, timeoutMs: number): Promise<void> {
  try {
    await retryUntil(async () => {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await connection.healthService.check({});
      } finally {
        await connection.close();
      }
    }, timeoutMs, 250);
  } catch (err) {
    throw new Error(`Temporal at ${address} did not answer within ${timeoutMs / 1000} s: ${String(err)}`);
  }
}

export function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Starts `temporal server start-dev` and waits until its frontend answers. We start it ourselves rather
 * than through the SDK's test environment, which gives the server only 5 s and is too short on 2 cores.
 */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const host = options.host ?? '127.0.0.1';
  const args = ['server', 'start-dev', '--ip', host, '--port', String(options.port), '--log-level', 'warn'];
  if (options.uiPort === undefined) args.push('--headless');
  else {
    args.push('--ui-port', String(options.uiPort));
    if (options.uiCodecEndpoint) args.push('--ui-codec-endpoint', options.uiCodecEndpoint);
  }
  if (options.dbFile) {
    mkdirSync(path.dirname(options.dbFile), { recursive: true });
    args.push('--db-filename', options.dbFile);
  }
  for (const pragma of options.sqlitePragmas ?? []) args.push('--sqlite-pragma', pragma);
  if (options.namespace && options.namespace !== 'default') args.push('--namespace', options.namespace);
  args.push(...searchAttributeFlags(options.searchAttributes));
  for (const value of SINGLE_NODE_DYNAMIC_CONFIG) args.push('--dynamic-config-value', value);

  const child = spawn(options.cli, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const collect = (chunk: Buffer) => {
    output.push(chunk.toString());
    if (options.log) for (const line of chunk.toString().split('\n')) if (line.trim()) options.log(line);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) =>
      reject(new Error(`temporal server start-dev exited with ${code}:\n${output.join('').slice(-2000)}`)),
    ),
  );
  exited.catch(() => undefined);
  const address = `${host}:${options.port}`;
  await Promise.race([waitForTemporal(address, 60_000), exited]);
  return {
    address,
    uiUrl: options.uiPort === undefined ? undefined : `http://${host}:${options.uiPort}`,
    process: child,
    stop: () => stopChild(child),
  };
}
