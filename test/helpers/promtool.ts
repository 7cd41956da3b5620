/**
 * Prometheus's promtool, as `npm test` gets it: scripts/lib.sh's ensure_promtool unpacks Debian's package
 * into the user cache once per machine and says where. Run through the same function, so a test file run
 * alone finds (or fetches) the same binary.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../../infra/config.js';

const run = promisify(execFile);

let located: Promise<string> | undefined;

function promtoolPath(): Promise<string> {
  located ??= run('bash', ['-c', 'set -euo pipefail; . scripts/lib.sh; ensure_promtool >&2; printf %s "$PROMTOOL"'], { cwd: PROJECT_ROOT, env: process.env, timeout: 300_000 }).then(({ stdout }) => stdout);
  return located;
}

export interface PromtoolResult {
  code: number;
  /** stdout and stderr together: what promtool says, to show when it fails. */
  output: string;
}

/** Runs `promtool ...args` in `cwd`; never throws on promtool's own refusal, which the caller asserts on. */
export async function promtool(args: string[], cwd: string = PROJECT_ROOT): Promise<PromtoolResult> {
  const binary = await promtoolPath();
  try {
    const { stdout, stderr } = await run(binary, args, { cwd, timeout: 120_000 });
    return { code: 0, output: `${stdout}${stderr}` };
  } catch (err) {
    const failure = err as { code?: number | string; stdout?: string; stderr?: string };
    if (typeof failure.code !== 'number') throw err;
    return { code: failure.code, output: `${failure.stdout ?? ''}${failure.stderr ?? ''}` };
  }
}
