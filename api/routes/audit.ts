import type { FromSchema } from 'json-schema-to-ts';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { DomainError } from '../../engine/errors.js';
import { bundleCurrentWorkflows, replayHistories, type ReplayReport } from '../../audit/replay.js';
import { historyGone } from '../../infra/temporal-errors.js';
import { decodeHistory } from '../../audit/history-codec.js';
import { codecOf } from '../../infra/data-converter.js';
import { principalOf } from '../auth.js';
import type { ApiContext } from '../context.js';
import { trackingParams, visibleApplication } from './applications.js';
import { textOrNull } from '../answers.js';
import { answers, json, type ApiRoutes } from '../responses.js';
import type { Fits } from '../same-type.js';

type Bundle = Awaited<ReturnType<typeof bundleCurrentWorkflows>>;

/** Temporal's own export format, written as Temporal's library makes it. */
const historyAnswer = { description: "The history in Temporal's JSON export format ({ events: [...] }), payloads decoded." } as const;

const replayAnswer = {
  type: 'object',
  // Always all there but `problem`; listed as required, the fields after it would be written before it.
  required: ['workflowId', 'ok'],
  additionalProperties: false,
  properties: {
    workflowId: { type: 'string' },
    ok: { type: 'boolean', description: 'The current code replays the history and reaches the outcome it recorded.' },
    problem: {
      type: 'object',
      required: ['kind', 'message'],
      additionalProperties: false,
      properties: { kind: { type: 'string', enum: ['nondeterminism', 'failure'] }, message: { type: 'string' }, eventId: { type: 'integer' } },
    },
    recordedOutcome: textOrNull,
    replayedOutcome: textOrNull,
    outcomeMatches: { type: 'boolean' },
  },
} as const;

const _replayFits: Fits<ReplayReport, FromSchema<typeof replayAnswer>> = true;
void _replayFits;

/** The application's history, or a 404 when Temporal no longer holds it (erased by `mohla retention`, or gone with the namespace's retention). */
async function historyOf(ctx: ApiContext, trackingNumber: string) {
  try {
    return await ctx.temporal.workflow.getHandle(trackingNumber).fetchHistory();
  } catch (err) {
    if (historyGone(err)) {
      throw new DomainError('application_not_found', "Temporal no longer holds this application's history: its retention period has ended.");
    }
    throw err;
  }
}

export function auditRoutes(app: ApiRoutes, ctx: ApiContext): void {
  // Bundling the workflow code takes seconds: done once, on the first replay asked for.
  let bundle: Promise<Bundle> | undefined;

  app.get(
    '/audit/applications/:trackingNumber/history',
    {
      config: { access: ['auditor', 'admin'] },
      schema: {
        summary: "The application's full Temporal history, as Temporal exports it, its payloads decrypted",
        tags: ['audit'],
        operationId: 'exportApplicationHistory',
        params: trackingParams,
        response: answers({ 200: json('The history, as an attachment.', historyAnswer) }),
      },
    },
    async (request, reply) => {
      const view = await visibleApplication(ctx, principalOf(request), request.params.trackingNumber);
      const history = await decodeHistory(await historyOf(ctx, view.trackingNumber), codecOf(ctx.temporal));
      return reply.type('application/json').header('content-disposition', `attachment; filename="${view.trackingNumber}.history.json"`).send(historyToJSON(history));
    },
  );

  app.post(
    '/audit/applications/:trackingNumber/replay',
    {
      config: { access: ['auditor', 'admin'] },
      schema: {
        summary: "Replay the application's history against the current workflow code",
        tags: ['audit'],
        operationId: 'replayApplication',
        params: trackingParams,
        response: answers({ 200: json('What the replay found.', replayAnswer) }),
      },
    },
    async (request) => {
      const view = await visibleApplication(ctx, principalOf(request), request.params.trackingNumber);
      const history = await historyOf(ctx, view.trackingNumber);
      bundle ??= bundleCurrentWorkflows();
      for await (const report of replayHistories([{ workflowId: view.trackingNumber, history }], await bundle, codecOf(ctx.temporal))) return report;
      throw new Error('the replay reported nothing');
    },
  );
}
