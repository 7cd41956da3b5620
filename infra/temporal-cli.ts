import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findOnPath, isExecutable } from './system.js';

/** Later tags carry a `replace` directive in go.mod and cannot be `go install`ed. */
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal';
export const TEMPORAL_CLI_VERSION = 'v1.5.1';

export type TemporalCliSource = 'TEMPORAL_CLI' | 'PATH' | 'cache' | 'built';

export interface TemporalCli {
  path: string;
  source: TemporalCliSource;
}

export class TemporalCliMissingError extends Error {}

interface LookupOptions {
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
  /** Where Go may be when it is not on PATH (Go's official tarball installs to /usr/local/go). */
  goFallbacks?: string[];
}

/** Shared by every clone on the machine, so a fresh clone (CI) does not build it again. */
export function temporalCliCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const cacheRoot = env.XDG_CACHE_HOME || path.join(env.HOME || os.homedir(), '.cache');
  return path.join(cacheRoot, 'mohla', `temporal-cli-${TEMPORAL_CLI_VERSION}`);
}

/** Looks the CLI up without building it: `TEMPORAL_CLI`, then `PATH`, then the cache. */
export function findTemporalCli(env: NodeJS.ProcessEnv = process.env): TemporalCli | undefined {
  const explicit = env.TEMPORAL_CLI;
  if (explicit) {
    if (!isExecutable(explicit)) {
      throw new TemporalCliMissingError(`TEMPORAL_CLI=${explicit} is not an executable file.`);
    }
    return { path: explicit, source: 'TEMPORAL_CLI' };
  }
  const fromPath = findOnPath('temporal', env);
  if (fromPath) return { path: fromPath, source: 'PATH' };
  const cached = path.join(temporalCliCacheDir(env), 'temporal');
  if (isExecutable(cached)) return { path: cached, source: 'cache' };
  return undefined;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const tail: string[] = [];
    const keep = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) if (line.trim()) tail.push(line);
      tail.splice(0, Math.max(0, tail.length - 20));
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const ticker = setInterval(() => log('  … still building the Temporal CLI'), 30_000);
    child.on('error', (err) => {
      clearInterval(ticker);
      reject(err);
    });
    child.on('close', (code) => {
      clearInterval(ticker);
      if (code === 0) resolve();
      else reject(new TemporalCliMissingError(`go install failed (exit ${code}):\n${tail.join('\n')}`));
    });
  });
}

/**
 * Finds the Temporal CLI, building it with Go into the shared cache when none is installed.
 * The build goes to a private folder first and is renamed into place, so two clones building at once
 * never see a half-written binary.
 */
export async function ensureTemporalCli(options: LookupOptions = {}): Promise<TemporalCli> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => console.error(line));
  const found = findTemporalCli(env);
  if (found) return found;

  const go = findOnPath('go', env) ?? (options.goFallbacks ?? ['/usr/local/go/bin/go']).find(isExecutable);
  if (!go) {
    throw new TemporalCliMissingError(
      'The Temporal CLI was not found and Go is not installed to build it. Install Go and run again, ' +
        `or install the CLI yourself (go install ${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION}) and set ` +
        'TEMPORAL_CLI to its path or put it on PATH.',
    );
  }
  const target = temporalCliCacheDir(env);
  mkdirSync(path.dirname(target), { recursive: true });
  const staging = mkdtempSync(`${target}.build-`);
  const started = Date.now();
  log(`Building the Temporal CLI ${TEMPORAL_CLI_VERSION} with Go into ${target} (a few minutes, once per machine)…`);
  try {
    await run(go, ['install', `${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION}`], { ...env, GOBIN: staging }, log);
    mkdirSync(target, { recursive: true });
    renameSync(path.join(staging, 'temporal'), path.join(target, 'temporal'));
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  log(`Temporal CLI built in ${Math.round((Date.now() - started) / 1000)} s.`);
  return { path: path.join(target, 'temporal'), source: 'built' };
}
