#!/usr/bin/env node
/* global process, console, URL */
// The CLI is written in TypeScript and run through tsx, so there is no build step between an edit and a run.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Mohla runs on Node 24 LTS. On a machine whose node is older, the README's commands unpack Node 24 into
// the user cache (scripts/lib.sh names the version); `npx mohla …` then runs there too, rather than on a
// runtime that no longer gets security fixes.
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  const lib = readFileSync(fileURLToPath(new URL('../scripts/lib.sh', import.meta.url)), 'utf8');
  const version = /^MOHLA_NODE_VERSION=(\S+)/m.exec(lib)?.[1];
  const cache = process.env.XDG_CACHE_HOME || path.join(process.env.HOME || os.homedir(), '.cache');
  const node = path.join(cache, 'mohla', `node-v${version}`, 'bin', 'node');
  if (!version || !existsSync(node)) {
    console.error(`mohla: Node 24 is needed (this is ${process.version}); \`npm run dev\` or \`npm test\` fetches it once.`);
    process.exit(1);
  }
  const child = spawn(node, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  // A stop sent to this process (a supervisor's SIGTERM) is the child's to handle: it stops what it
  // started, and this one exits with it rather than leaving it behind. Ctrl-C reaches the child from
  // the terminal already; a second SIGINT would cut its clean-up short.
  for (const signal of ['SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  process.on('SIGINT', () => undefined);
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../cli/main.ts');
}
