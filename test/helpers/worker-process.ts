import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../../infra/config.js';
import type { TestStack } from './stack.js';

/** Runs worker.ts in a child process on the test stack's task queue, so a test can kill it for real. */
export async function startWorkerProcess(stack: TestStack): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'worker.ts')], {
    cwd: PROJECT_ROOT,
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: stack.temporalAddress,
      TEMPORAL_TASK_QUEUE: stack.taskQueue,
      DATABASE_URL: stack.databaseUrl,
      MOHLA_WORKFLOW_BUNDLE: stack.workflowBundlePath,
      // The child's notification worker stays on this file's queues and writes its messages aside.
      REDIS_URL: stack.redisUrl,
      NOTIFY_QUEUE_PREFIX: stack.notifications.settings.prefix,
      NOTIFY_SMS_PROVIDER: 'outbox',
      NOTIFY_EMAIL_PROVIDER: 'outbox',
      MOHLA_DATA_DIR: path.join(os.tmpdir(), `mohla-worker-${stack.id}`),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start:\n${output}`)), 60_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('worker polling')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited with ${code}:\n${output}`));
    });
  });
  return child;
}

export function killHard(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}
