import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import type { MikroORM } from '@mikro-orm/postgresql';
import { createProjectionActivities } from '../activities/projection.js';
import type { ApplicationState } from '../engine/interpreter/state.js';
import { loadConfig } from '../infra/config.js';
import { temporalDataConverter } from '../infra/data-converter.js';
import { openOrm } from '../db/orm.js';
import { ProcedureRegistry } from '../registry/published.js';
import { applicationStatus, PROCEDURE_WORKFLOW } from '../workflows/messages.js';
import { UsageError } from './usage-error.js';

/**
 * Right after a restore the worker is still starting, or replaying every history at once: a query may
 * time out although the workflow is fine. Each is asked again a few times, waiting longer each time
 * (about 30 s in all), before the application is reported as failed.
 */
const QUERY_WAITS_MS = [1000, 2000, 4000, 8000, 15000];

async function askState(client: Client, workflowId: string): Promise<ApplicationState> {
  for (let attempt = 0; ; attempt++) {
    try {
      return (await client.workflow.getHandle(workflowId).query(applicationStatus)) as ApplicationState;
    } catch (err) {
      const wait = QUERY_WAITS_MS[attempt];
      if (wait === undefined) throw err;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

export interface RebuildReport {
  rebuilt: number;
  failed: string[];
}

/**
 * PostgreSQL holds projections, Temporal holds the truth. Asks every application's workflow of the task
 * queue for its state (the running worker answers, replaying closed ones) and writes the application and
 * all its tasks again. The timeline and the notification outbox are append-only logs of past
 * transitions and are left as they are.
 */
export async function rebuildProjections(options: {
  client: Client;
  orm: MikroORM;
  taskQueue: string;
  procedure?: string;
  progress?: (done: number) => void;
}): Promise<RebuildReport> {
  const { recordProjection } = createProjectionActivities({ orm: options.orm });
  const procedures = new ProcedureRegistry(options.orm);
  const report: RebuildReport = { rebuilt: 0, failed: [] };
  const filter = options.procedure ? ` AND MohlaProcedure = '${options.procedure.replace(/'/g, '')}'` : '';
  const query = `WorkflowType = '${PROCEDURE_WORKFLOW}' AND TaskQueue = '${options.taskQueue}'${filter}`;
  for await (const execution of options.client.workflow.list({ query })) {
    try {
      const state = await askState(options.client, execution.workflowId);
      await recordProjection({
        state,
        procedureHash: (await procedures.get(state.procedureId, state.procedureVersion))?.hash ?? '',
        commands: Object.values(state.tasks).map((task) => ({ type: 'createTask' as const, task })),
      });
      report.rebuilt += 1;
      options.progress?.(report.rebuilt);
    } catch (err) {
      report.failed.push(`${execution.workflowId}: ${(err as Error).message}`);
    }
  }
  return report;
}

/** `mohla projections rebuild [--procedure <id>]` (Mohla's worker must be running to answer). */
export async function projectionsCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'rebuild') throw new UsageError('projections: usage: mohla projections rebuild [--procedure <id>]');
  const { values } = parseArgs({ args: rest, options: { procedure: { type: 'string' } } });
  const config = loadConfig();
  const connection = await Connection.connect({ address: config.temporal.address });
  const orm = await openOrm(config.databaseUrl);
  try {
    const report = await rebuildProjections({
      client: new Client({ connection, namespace: config.temporal.namespace, dataConverter: temporalDataConverter(config.codecKeys) }),
      orm,
      taskQueue: config.temporal.taskQueue,
      ...(values.procedure ? { procedure: values.procedure } : {}),
      progress: (done) => process.stderr.write(`\r${done} application(s) rebuilt`),
    });
    console.log(`\n${report.rebuilt} application(s) rebuilt${report.failed.length ? `, ${report.failed.length} failed:` : ''}`);
    for (const line of report.failed) console.log(`  ${line}`);
    return report.failed.length ? 1 : 0;
  } finally {
    await orm.close();
    await connection.close();
  }
}
