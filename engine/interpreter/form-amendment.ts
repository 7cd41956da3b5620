/**
 * A complement that amends the form (language 2): the agent names fields of the citizen's form to
 * re-enter or clarify, and the citizen's answer carries their new values. The amended values replace
 * the old ones in the application's data, so conditions read them from then on; the timeline names the
 * fields amended, never their values (personal data).
 */
import { DomainError } from '../errors.js';
import type { ApplicationState, ComplementState, TimelineEntry } from './state.js';

export function amendForm(
  run: { state: ApplicationState; log(at: string, kind: string, fields?: Omit<TimelineEntry, 'at' | 'kind'>): void },
  stepId: string,
  data: Record<string, unknown>,
  actor: string,
  at: string,
): void {
  run.state.data = { ...run.state.data, ...data };
  run.log(at, 'fieldsAmended', { stepId, actor, detail: { fields: Object.keys(data) } });
}

/** The citizen's answer carries a value for each field asked, and for no other. */
export function checkAmendment(open: NonNullable<ComplementState['open']>, data: Record<string, unknown> | undefined): void {
  const asked = open.fields ?? [];
  const given = Object.keys(data ?? {});
  const missing = asked.filter((f) => !given.includes(f));
  const extra = given.filter((f) => !asked.includes(f));
  if (missing.length) {
    throw new DomainError('invalid_form_data', `Enter again: ${missing.join(', ')}.`, missing.map((f) => ({ pointer: `/data/${f}`, message: 'is asked for' })));
  }
  if (extra.length) {
    throw new DomainError('invalid_form_data', asked.length ? `Only ${asked.join(', ')} may be amended now.` : 'No field of the form was asked for.', extra.map((f) => ({ pointer: `/data/${f}`, message: 'was not asked for' })));
  }
}
