/**
 * The citizen's turn (language 2): acting in a window the procedure opened (a complaint after a
 * refusal), and the amended form a complement asks for. Only the application's own citizen acts in a
 * window; what they enter is checked against the step's form before it reaches the workflow.
 */
import type { CitizenWindowStep } from '../../engine/definition.generated.js';
import { DomainError } from '../../engine/errors.js';
import { findStep } from '../../engine/interpreter/steps.js';
import { checkFormSize } from '../../engine/input-bounds.js';
import { timelineOf } from '../../db/timeline.js';
import { actInWindow } from '../../workflows/messages.js';
import { principalOf } from '../auth.js';
import type { ApiContext } from '../context.js';
import { applicationSchema } from '../answers.js';
import { pinnedOf } from '../amended-form.js';
import { answers, json, type ApiRoutes } from '../responses.js';
import { sendAction } from '../workflow-actions.js';
import { trackingParams, visibleApplication } from './applications.js';

const actBody = {
  type: 'object',
  required: ['data'],
  additionalProperties: false,
  properties: {
    /** The window's step; the one open when absent. */
    stepId: { type: 'string', minLength: 1, maxLength: 64 },
    data: { type: 'object' },
  },
} as const;

/**
 * With no window open, a request that names no step is sent for the step the citizen last acted at: if
 * it is that very request again (a retry), the workflow answers as it did the first time; if not, it
 * finds the window closed and says so.
 */
async function lastActedStep(ctx: ApiContext, trackingNumber: string): Promise<string | undefined> {
  const entries = await timelineOf(ctx.orm, trackingNumber);
  return entries.filter((e) => e.kind === 'citizenActed').at(-1)?.stepId ?? undefined;
}

export function citizenTurnRoutes(app: ApiRoutes, ctx: ApiContext): void {
  app.post(
    '/applications/:trackingNumber/act',
    {
      config: { access: ['citizen', 'agent', 'supervisor'] },
      schema: {
        summary: "Act in the window the procedure opened for the citizen (e.g. complain after a refusal), with the action's form",
        tags: ['applications'],
        operationId: 'actInWindow',
        params: trackingParams,
        body: actBody,
        response: answers({ 200: json('The application once the citizen has acted (the same answer when the same request is sent again).', applicationSchema) }),
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const view = await visibleApplication(ctx, principal, request.params.trackingNumber);
      if (principal.role !== 'citizen' || view.citizen !== principal.sub) {
        throw new DomainError('forbidden', 'Only the citizen the application belongs to may act in its window.');
      }
      const stepId = request.body.stepId ?? view.citizenTurn?.stepId ?? (await lastActedStep(ctx, view.trackingNumber));
      if (!stepId) throw new DomainError('no_window_open', 'The citizen has no window open to act in.');
      const procedure = await pinnedOf(ctx, view);
      const step = findStep(procedure.definition, stepId);
      if (step?.type !== 'citizenWindow') {
        throw new DomainError('no_window_open', `Step "${stepId}" is no window of ${procedure.id}.`, [{ pointer: '/stepId', message: 'names no window' }]);
      }
      const data = request.body.data as Record<string, unknown>;
      checkFormSize(procedure.definition, data);
      const form = (step as CitizenWindowStep).action.form;
      if (form) {
        const errors = ctx.procedures.validateSchema(form, data, '/data', `${procedure.id}@${procedure.version}#${stepId}`);
        if (errors.length) throw new DomainError('invalid_form_data', errors.map((e) => `${e.pointer} ${e.message}`).join('; '), errors);
      }
      return sendAction(ctx, view.trackingNumber, actInWindow, 'act', { stepId, data, actor: principal.sub });
    },
  );
}
