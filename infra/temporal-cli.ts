import path from 'node:path';
import { findGo, goInstall, userCacheDir } from './go-install.js';
import { findOnPath, isExecutable } from './system.js';

/** Later tags carry a `replace` directive in go.mod and cannot be `go install`ed. */
const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal';
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
  return path.join(userCacheDir(env), `temporal-cli-${TEMPORAL_CLI_VERSION}`);
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

/** Finds the Temporal CLI, building it with Go into the shared cache when none is installed. */
export async function ensureTemporalCli(options: LookupOptions = {}): Promise<TemporalCli> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => console.error(line));
  const found = findTemporalCli(env);
  if (found) return found;

  if (!findGo(env, options.goFallbacks)) {
    throw new TemporalCliMissingError(
      'The Temporal CLI was not found and Go is not installed to build it. Install Go and run again, ' +
        `or install the CLI yourself (go install ${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION}) and set ` +
        'TEMPORAL_CLI to its path or put it on PATH.',
    );
  }
  const built = await goInstall(
    { label: 'the Temporal CLI', module: TEMPORAL_CLI_MODULE, version: TEMPORAL_CLI_VERSION, binary: 'temporal', target: temporalCliCacheDir(env) },
    { env, log, goFallbacks: options.goFallbacks },
  );
  return { path: built, source: 'built' };
}
