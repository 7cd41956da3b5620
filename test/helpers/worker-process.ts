import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../../infra/config.js';
import { TEST_SECRET } from './secret.js';

/**
 * What a process needs of a test stack to join it; a TestStack has it all. Named here rather than imported:
 * the stack starts its processes with this module.
 */
interface StackPlace {
  id: string;
  temporalAddress: string;
  taskQueue: string;
  databaseUrl: string;
  workflowBundlePath: string;
  redisUrl: string;
  notifications: { settings: { prefix: string } };
}

/** The environment that points a Mohla process (or command) at a test stack's Temporal, database and queues. */
export function stackEnvironment(stack: StackPlace): NodeJS.ProcessEnv {
  return {
    ...process.env,
    TEMPORAL_ADDRESS: stack.temporalAddress,
    TEMPORAL_TASK_QUEUE: stack.taskQueue,
    DATABASE_URL: stack.databaseUrl,
    MOHLA_WORKFLOW_BUNDLE: stack.workflowBundlePath,
    JWT_SECRET: TEST_SECRET,
    // The child's notification worker stays on this file's queues and writes its messages aside.
    REDIS_URL: stack.redisUrl,
    NOTIFY_QUEUE_PREFIX: stack.notifications.settings.prefix,
    NOTIFY_SMS_PROVIDER: 'outbox',
    NOTIFY_EMAIL_PROVIDER: 'outbox',
    MOHLA_DATA_DIR: path.join(os.tmpdir(), `mohla-worker-${stack.id}`),
    // Several workers run at once (the cluster stack starts two): none takes the health port unless a test asks.
    WORKER_HEALTH_PORT: '0',
  };
}

/** Runs one of Mohla's processes for real, so a test can kill it; resolves once it says it is ready. */
async function startProcess(script: string, env: NodeJS.ProcessEnv, ready: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, script)], {
    cwd: PROJECT_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start:\n${output}`)), 60_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(ready)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code}:\n${output}`));
    });
  });
  return child;
}

/** Runs worker.ts in a child process on the test stack's task queue; `environment` adds to the stack's. */
export function startWorkerProcess(stack: StackPlace, environment: NodeJS.ProcessEnv = {}): Promise<ChildProcess> {
  return startProcess('worker.ts', { ...stackEnvironment(stack), ...environment }, 'worker polling');
}

/** Runs the HTTP API (api/server.ts) in a child process on the given port; `environment` adds to the stack's. */
export function startApiProcess(stack: StackPlace, port: number, environment: NodeJS.ProcessEnv = {}): Promise<ChildProcess> {
  // At info: the line that says it listens is an info line.
  return startProcess('api/server.ts', { ...stackEnvironment(stack), PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', ...environment }, 'API listening');
}

export function killHard(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}
