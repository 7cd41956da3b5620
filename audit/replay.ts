/**
 * Replays applications' recorded histories against the current workflow code: a history that no longer
 * replays means the code changed in a way that breaks running applications (it needs `patched()`), and an
 * outcome that differs means the code would now decide differently.
 */
import { readFileSync } from 'node:fs';
import type { Client } from '@temporalio/client';
import { historyGone } from '../infra/temporal-errors.js';
import { defaultPayloadConverter, type PayloadCodec } from '@temporalio/common';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { bundleWorkflowCode, Worker, type ReplayWorkerOptions } from '@temporalio/worker';

type WorkflowBundle = NonNullable<ReplayWorkerOptions['workflowBundle']>;
import type { ApplicationState } from '../engine/interpreter/state.js';
import { auditSinks, workflowBundleOptions, WORKFLOWS_PATH } from '../infra/workflow-sandbox.js';
import { decodeHistory, type History } from './history-codec.js';
import type { ClosedApplication } from '../infra/workflow-sinks.js';

export interface RecordedHistory {
  workflowId: string;
  history: History;
}

export interface ReplayReport {
  workflowId: string;
  ok: boolean;
  problem?: { kind: 'nondeterminism' | 'failure'; message: string; eventId?: number };
  /** The outcome the history recorded, and the one the current code reaches (closed applications). */
  recordedOutcome: string | null;
  replayedOutcome: string | null;
  outcomeMatches: boolean;
}

/**
 * How an application ended according to its (decoded: see decodeHistory) history: the returned state's
 * outcome, `running`, or the failure.
 */
export function recordedOutcome(history: History): string | null {
  const events = history.events ?? [];
  const last = events[events.length - 1];
  const completed = last?.workflowExecutionCompletedEventAttributes;
  if (completed) {
    const payload = completed.result?.payloads?.[0];
    const state = payload ? (defaultPayloadConverter.fromPayload(payload) as ApplicationState) : undefined;
    return state?.outcome ?? state?.status ?? null;
  }
  if (last?.workflowExecutionFailedEventAttributes) return 'failed';
  if (last?.workflowExecutionTerminatedEventAttributes) return 'terminated';
  return 'running';
}

/**
 * Reads a history file, encrypted (as `temporal workflow show --output json` exports it) or already
 * decoded (as Mohla's history export writes it), and decodes it with the codec.
 */
export async function readHistoryFile(file: string, codec: PayloadCodec): Promise<RecordedHistory> {
  const json = JSON.parse(readFileSync(file, 'utf8')) as { workflowId?: string; history?: unknown; events?: unknown };
  // Accepts what Temporal exports (the history itself) and what `mohla replay --save` writes ({ workflowId, history }).
  const raw = json.history ?? json;
  const history = await decodeHistory(historyFromJSON(raw), codec);
  const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
  const input = started?.input?.payloads?.[0];
  const fromInput = input ? (defaultPayloadConverter.fromPayload(input) as { trackingNumber?: string }).trackingNumber : undefined;
  return { workflowId: json.workflowId ?? fromInput ?? file, history };
}

export async function bundleCurrentWorkflows(workflowsPath = WORKFLOWS_PATH): Promise<WorkflowBundle> {
  // An in-memory bundle: nothing is written next to the code being audited.
  return bundleWorkflowCode(workflowBundleOptions(workflowsPath));
}

function eventIdOf(message: string): number | undefined {
  const m = /HistoryEvent\(id: (\d+)/.exec(message);
  return m ? Number(m[1]) : undefined;
}

/**
 * Replays each history with the given workflow bundle and says, for each application, what happened.
 * Histories are decoded with the codec first (clear ones pass through), so the outcome they recorded can
 * be read and the replay sees what the worker saw.
 */
export async function* replayHistories(
  histories: AsyncIterable<RecordedHistory> | Iterable<RecordedHistory>,
  bundle: WorkflowBundle,
  codec: PayloadCodec,
): AsyncGenerator<ReplayReport> {
  const closed = new Map<string, ClosedApplication>();
  const recorded = new Map<string, string | null>();
  async function* remember() {
    for await (const h of histories) {
      const history = await decodeHistory(h.history, codec);
      recorded.set(h.workflowId, recordedOutcome(history));
      yield { workflowId: h.workflowId, history };
    }
  }
  // no codec: remember() has decoded every history already.
  const results = Worker.runReplayHistories(
    { workflowBundle: bundle, replayName: 'mohla-replay', sinks: auditSinks((summary) => closed.set(summary.trackingNumber, summary)) },
    remember(),
  );
  for await (const result of results) {
    const expected = recorded.get(result.workflowId) ?? null;
    const summary = closed.get(result.workflowId);
    // A run still going, or terminated by an administrator (a decision outside the code, which the code
    // cannot reach by itself), matches when its events replay to where the history stops.
    const unfinished = expected === 'running' || expected === 'terminated';
    const replayed = summary ? (summary.outcome ?? summary.status) : unfinished ? expected : null;
    const error = result.error;
    const problem = error
      ? {
          kind: error.name === 'DeterminismViolationError' || /nondetermin/i.test(error.message) ? ('nondeterminism' as const) : ('failure' as const),
          message: error.message,
          ...(eventIdOf(error.message) !== undefined ? { eventId: eventIdOf(error.message)! } : {}),
        }
      : undefined;
    const outcomeMatches = expected === replayed;
    yield {
      workflowId: result.workflowId,
      ok: !problem && outcomeMatches,
      ...(problem ? { problem } : {}),
      recordedOutcome: expected,
      replayedOutcome: replayed,
      outcomeMatches,
    };
  }
}

/**
 * The histories of the workflows of a type (the caller names it: audit/ stays below workflows/) that a
 * query selects (visibility), fetched one at a time.
 */
export async function* historiesFromServer(client: Client, workflowType: string, query: string): AsyncGenerator<RecordedHistory> {
  for await (const execution of client.workflow.list({ query: `WorkflowType = '${workflowType}' AND (${query})` })) {
    const handle = client.workflow.getHandle(execution.workflowId, execution.runId);
    try {
      yield { workflowId: execution.workflowId, history: await handle.fetchHistory() };
    } catch (err) {
      // Erased under the retention rule: Temporal deletes the history first and its entry in the list
      // after, so for a while the list names an application that has nothing left to replay.
      if (historyGone(err)) continue;
      throw err;
    }
  }
}


