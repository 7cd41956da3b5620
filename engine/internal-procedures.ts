/**
 * Internal procedures: filed by staff of the office (an employee's promotion file, a council session),
 * never by a citizen. They have no citizen to notify, to ask for documents or to give a receipt's PIN to;
 * the staff of the office follow them.
 */
import type { ProcedureDefinition } from './definition.generated.js';

/** The channel of procedures filed by staff, with no citizen. */
export const INTERNAL_CHANNEL = 'internal';

/** Whether a definition is an internal procedure. */
export function isInternal(definition: Pick<ProcedureDefinition, 'channels'>): boolean {
  return (definition.channels as readonly string[]).includes(INTERNAL_CHANNEL);
}
