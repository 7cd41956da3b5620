/**
 * The worker process's liveness and readiness, over plain HTTP on a port of its own, for the container's
 * health check and an orchestrator's probes: the worker serves no API to put them on.
 *
 * - `/health/live`: the process answers; nothing is asked of any service, so a slow database never
 *   gets a working worker restarted.
 * - `/health/ready`: the Temporal worker is polling (the SDK's state is RUNNING) and PostgreSQL, where
 *   every activity writes, answers. 503 otherwise, with which of the two fails.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Worker } from '@temporalio/worker';
import { databaseAnswers } from '../db/sql.js';
import { loggableMessage } from '../infra/log-redaction.js';
import { checkService } from '../infra/service-check.js';

const CHECK_TIMEOUT_MS = 2000;

interface WorkerHealthSetup {
  host: string;
  /** 0 asks the system for a free port (tests); `port` on the result says which. */
  port: number;
  worker: Pick<Worker, 'getState'>;
  orm: MikroORM;
  /** Where a failed check's details go: the answer itself gives only a general reason. */
  log: (line: string) => void;
}

export interface WorkerHealth {
  port: number;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: object, contentType = 'application/json'): void {
  res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

async function answer(req: IncomingMessage, res: ServerResponse, setup: WorkerHealthSetup): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    return send(res, 405, { status: 405, title: 'Method Not Allowed', detail: 'The health routes answer GET and HEAD.' }, 'application/problem+json');
  }
  const path = new URL(req.url ?? '/', 'http://worker').pathname;
  if (path === '/health/live') return send(res, 200, { status: 'ok' });
  if (path === '/health/ready') {
    const state = setup.worker.getState();
    const postgres = await checkService(() => databaseAnswers(setup.orm), CHECK_TIMEOUT_MS, (detail) =>
      setup.log(`health: postgres check failed: ${loggableMessage(detail)}`),
    );
    const ready = state === 'RUNNING' && postgres.ok;
    return send(res, ready ? 200 : 503, { status: ready ? 'ok' : 'unready', services: { worker: { ok: state === 'RUNNING', state }, postgres } });
  }
  send(res, 404, { status: 404, title: 'Not Found', detail: 'The worker answers /health/live and /health/ready only.' }, 'application/problem+json');
}

/** Listens until close(); refuses to start, naming the address, when the port is taken. */
export async function startWorkerHealth(setup: WorkerHealthSetup): Promise<WorkerHealth> {
  const server = createServer((req, res) => {
    answer(req, res, setup).catch((err: unknown) => {
      setup.log(`health: ${loggableMessage(String((err as Error).message))}`);
      if (!res.headersSent) send(res, 500, { status: 500, title: 'Internal Server Error' }, 'application/problem+json');
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(new Error(`the worker's health listener cannot listen on ${setup.host}:${setup.port} (WORKER_HEALTH_PORT): ${err.code ?? err.message}`)),
    );
    server.listen(setup.port, setup.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // A probe's kept-alive connection would hold close() open until it times out.
        server.closeAllConnections();
      }),
  };
}
