import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { Runtime } from '@temporalio/worker';
import { loadConfig } from '../infra/config.js';
import { createLogger, standardError } from '../infra/logger.js';
import { WorkerLogger } from '../infra/worker-logger.js';
import { temporalDataConverter } from '../infra/data-converter.js';
import { EncryptionCodec } from '../infra/payload-codec.js';
import { parseLocalDate } from '../engine/calendar.js';
import { parseTrackingNumber } from '../engine/tracking-number.js';
import { bundleCurrentWorkflows, historiesFromServer, readHistoryFile, replayHistories, type RecordedHistory, type ReplayReport } from '../audit/replay.js';
import { PROCEDURE_WORKFLOW } from '../workflows/messages.js';
import { UsageError } from './usage-error.js';

function progress(done: number, total: number | undefined, problems: number): void {
  if (!process.stderr.isTTY && done % 50 !== 0 && done !== total) return;
  const width = 30;
  const bar = total ? `[${'#'.repeat(Math.round((done / total) * width)).padEnd(width, '.')}] ${done}/${total}` : `${done}`;
  process.stderr.write(`\rreplaying ${bar}${problems ? `, ${problems} problem(s)` : ''}   `);
}

function describe(r: ReplayReport): string {
  if (r.problem) {
    return `${r.workflowId}: ${r.problem.kind === 'nondeterminism' ? 'NONDETERMINISTIC' : 'FAILED'}${r.problem.eventId ? ` at event ${r.problem.eventId}` : ''}: ${r.problem.message.split('\n')[0]}`;
  }
  if (!r.outcomeMatches) return `${r.workflowId}: OUTCOME DIFFERS: recorded ${r.recordedOutcome}, replayed ${r.replayedOutcome}`;
  return `${r.workflowId}: ok (${r.replayedOutcome})`;
}

/**
 * `mohla replay`: replays applications' histories against the current workflow code — one application,
 * every application of a procedure, every one closed in a date range, or history files (offline).
 */
export async function replayCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      application: { type: 'string' },
      procedure: { type: 'string' },
      'closed-from': { type: 'string' },
      'closed-to': { type: 'string' },
      file: { type: 'string', multiple: true },
      json: { type: 'boolean' },
      verbose: { type: 'boolean' },
    },
  });
  if (positionals.length) throw new UsageError(`replay: unexpected ${positionals.join(' ')}`);
  const files = values.file ?? [];
  const modes = [values.application, values.procedure, values['closed-from'] ?? values['closed-to'], files.length ? 'file' : undefined].filter(Boolean);
  if (modes.length !== 1) {
    throw new UsageError('replay: choose one of --application <tracking number>, --procedure <id>, --closed-from <date> --closed-to <date>, --file <history.json>…');
  }
  let histories: AsyncIterable<RecordedHistory> | Iterable<RecordedHistory>;
  let total: number | undefined;
  let connection: Connection | undefined;
  const config = loadConfig();
  const codec = new EncryptionCodec(config.codecKeys);
  if (files.length) {
    histories = await Promise.all(
      files.map(async (f) => {
        try {
          return await readHistoryFile(f, codec);
        } catch (err) {
          throw new UsageError(`replay: ${f} is not a workflow history: ${(err as Error).message.split('\n')[0]}`);
        }
      }),
    );
    total = files.length;
  } else {
    let query: string;
    if (values.application) {
      const parsed = parseTrackingNumber(values.application);
      if (!parsed.ok) throw new UsageError(`replay: ${values.application} is not a tracking number: ${parsed.reason}`);
      query = `WorkflowId = '${parsed.value}'`;
    } else if (values.procedure) {
      if (!/^[a-z][a-z0-9-]{1,62}$/.test(values.procedure)) throw new UsageError(`replay: ${values.procedure} is not a procedure id`);
      query = `MohlaProcedure = '${values.procedure}'`;
    } else {
      const from = parseLocalDate(values['closed-from'] ?? '');
      const to = parseLocalDate(values['closed-to'] ?? '');
      if (!from || !to || to < from) throw new UsageError('replay: --closed-from and --closed-to take dates YYYY-MM-DD, the first not after the second');
      query = `ExecutionStatus != 'Running' AND CloseTime >= '${from}T00:00:00Z' AND CloseTime < '${to}T23:59:59.999Z'`;
    }
    connection = await Connection.connect({ address: config.temporal.address });
    const client = new Client({ connection, namespace: config.temporal.namespace, dataConverter: temporalDataConverter(config.codecKeys) });
    total = (await client.workflow.count(`WorkflowType = '${PROCEDURE_WORKFLOW}' AND (${query})`)).count;
    histories = historiesFromServer(client, PROCEDURE_WORKFLOW, query);
  }
  const reports: ReplayReport[] = [];
  // The replay worker's log goes to standard error, as JSON lines, never into the report (--json). Its
  // state changes are information only an operator chasing a problem asks for, with LOG_LEVEL=debug.
  const quiet = ['info', 'warn'].includes(config.logLevel) ? 'warn' : config.logLevel;
  Runtime.install({ logger: new WorkerLogger(createLogger('mohla-cli', quiet, standardError())) });
  try {
    const bundle = await bundleCurrentWorkflows();
    for await (const report of replayHistories(histories, bundle, codec)) {
      reports.push(report);
      if (!values.json) progress(reports.length, total, reports.filter((r) => !r.ok).length);
    }
  } finally {
    await connection?.close();
  }
  const bad = reports.filter((r) => !r.ok);
  if (values.json) console.log(JSON.stringify({ replayed: reports.length, problems: bad.length, reports }, null, 2));
  else {
    process.stderr.write('\n');
    for (const r of values.verbose ? reports : bad) console.log(describe(r));
    console.log(`${reports.length} replayed, ${reports.length - bad.length} ok, ${bad.length} with problems`);
  }
  return bad.length ? 1 : 0;
}
