import type { FastifyInstance } from 'fastify';
import type { FromSchema } from 'json-schema-to-ts';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { DomainError } from '../../engine/errors.js';
import { bundleCurrentWorkflows, replayHistories } from '../../audit/replay.js';
import { historyGone } from '../../infra/temporal-errors.js';
import { decodeHistory } from '../../audit/history-codec.js';
import { codecOf } from '../../infra/data-converter.js';
import { principalOf } from '../auth.js';
import type { ApiContext } from '../context.js';
import { trackingParams, visibleApplication } from './applications.js';

type Bundle = Awaited<ReturnType<typeof bundleCurrentWorkflows>>;

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

export function auditRoutes(app: FastifyInstance, ctx: ApiContext): void {
  // Bundling the workflow code takes seconds: done once, on the first replay asked for.
  let bundle: Promise<Bundle> | undefined;

  app.get<{ Params: FromSchema<typeof trackingParams> }>(
    '/audit/applications/:trackingNumber/history',
    {
      config: { access: ['auditor', 'admin'] },
      schema: { summary: "The application's full Temporal history, as Temporal exports it, its payloads decrypted", tags: ['audit'], params: trackingParams },
    },
    async (request, reply) => {
      const view = await visibleApplication(ctx, principalOf(request), request.params.trackingNumber);
      const history = await decodeHistory(await historyOf(ctx, view.trackingNumber), codecOf(ctx.temporal));
      return reply.type('application/json').header('content-disposition', `attachment; filename="${view.trackingNumber}.history.json"`).send(historyToJSON(history));
    },
  );

  app.post<{ Params: FromSchema<typeof trackingParams> }>(
    '/audit/applications/:trackingNumber/replay',
    {
      config: { access: ['auditor', 'admin'] },
      schema: { summary: "Replay the application's history against the current workflow code", tags: ['audit'], params: trackingParams },
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
