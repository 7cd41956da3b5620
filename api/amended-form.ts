/** What the citizen sends on their turn, checked against the procedure they filed under before it reaches the workflow. */
import { DomainError } from '../engine/errors.js';
import { checkFormSize } from '../engine/input-bounds.js';
import type { PinnedProcedure } from '../engine/interpreter/state.js';
import { findApplication } from '../db/applications.js';
import type { ApiContext } from './context.js';
import type { ApplicationView } from './answers.js';

/** The version the application runs. */
export async function pinnedOf(ctx: ApiContext, view: ApplicationView): Promise<PinnedProcedure> {
  const procedure = await ctx.procedures.get(view.procedure.id, view.procedure.version);
  if (!procedure) throw new DomainError('procedure_not_found', `Procedure ${view.procedure.id} v${view.procedure.version} is not published here.`);
  return procedure;
}

/** The form as the citizen amends it: what they filed with the new values of the fields asked for, valid as a whole. */
export async function checkAmendedForm(ctx: ApiContext, view: ApplicationView, data: Record<string, unknown>): Promise<void> {
  const procedure = await pinnedOf(ctx, view);
  checkFormSize(procedure.definition, data);
  const filed = (await findApplication(ctx.orm, view.trackingNumber))?.application.data ?? {};
  const errors = ctx.procedures.validateForm(procedure, { ...filed, ...data });
  if (errors.length) throw new DomainError('invalid_form_data', errors.map((e) => `${e.pointer} ${e.message}`).join('; '), errors);
}
