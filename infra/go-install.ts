import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findOnPath, isExecutable } from './system.js';

/** Mohla's share of the user cache: built tools live here, shared by every clone on the machine. */
export function userCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const cacheRoot = env.XDG_CACHE_HOME || path.join(env.HOME || os.homedir(), '.cache');
  return path.join(cacheRoot, 'mohla');
}

export class GoToolMissingError extends Error {}

export interface GoTool {
  /** What the log calls it, e.g. "the Temporal CLI". */
  label: string;
  module: string;
  version: string;
  /** The binary `go install` writes, and the name it is kept under in `target`. */
  binary: string;
  keepAs?: string;
  target: string;
}

export interface GoInstallOptions {
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
  /** Where Go may be when it is not on PATH (Go's official tarball installs to /usr/local/go). */
  goFallbacks?: string[];
  /** Runs after the binary is built, in its staging folder, before anything is moved into place. */
  afterBuild?: (staging: string, go: string) => Promise<void>;
}

export function findGo(env: NodeJS.ProcessEnv, fallbacks = ['/usr/local/go/bin/go']): string | undefined {
  return findOnPath('go', env) ?? fallbacks.find(isExecutable);
}

export function runQuietly(command: string, args: string[], env: NodeJS.ProcessEnv, progress: () => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const tail: string[] = [];
    let out = '';
    const keep = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) if (line.trim()) tail.push(line);
      tail.splice(0, Math.max(0, tail.length - 20));
    };
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      keep(chunk);
    });
    child.stderr.on('data', keep);
    const ticker = setInterval(progress, 30_000);
    child.on('error', (err) => {
      clearInterval(ticker);
      reject(err);
    });
    child.on('close', (code) => {
      clearInterval(ticker);
      if (code === 0) resolve(out);
      else reject(new Error(`${path.basename(command)} ${args.join(' ')} failed (exit ${code}):\n${tail.join('\n')}`));
    });
  });
}

/**
 * Builds a Go program into the user cache with `go install`, once per machine. The build goes to a
 * private folder first and is renamed into place, so two clones building at once never see a half-written
 * binary.
 */
export async function goInstall(tool: GoTool, options: GoInstallOptions = {}): Promise<string> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => console.error(line));
  const kept = path.join(tool.target, tool.keepAs ?? tool.binary);
  const go = findGo(env, options.goFallbacks);
  if (!go) {
    throw new GoToolMissingError(
      `${tool.label} was not found and Go is not installed to build it. Install Go and run again, ` +
        `or build it yourself (go install ${tool.module}@${tool.version}) into ${tool.target}.`,
    );
  }
  mkdirSync(path.dirname(tool.target), { recursive: true });
  const staging = mkdtempSync(`${tool.target}.build-`);
  const started = Date.now();
  log(`Building ${tool.label} ${tool.version} with Go into ${tool.target} (a few minutes, once per machine)…`);
  try {
    await runQuietly(go, ['install', `${tool.module}@${tool.version}`], { ...env, GOBIN: staging }, () =>
      log(`  … still building ${tool.label}`),
    ).catch((err: Error) => {
      throw new GoToolMissingError(`${tool.label} could not be built: ${err.message}`);
    });
    await options.afterBuild?.(staging, go);
    mkdirSync(tool.target, { recursive: true });
    renameSync(path.join(staging, tool.binary), kept);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  log(`${tool.label} built in ${Math.round((Date.now() - started) / 1000)} s.`);
  return kept;
}
