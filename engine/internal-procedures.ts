/**
 * Internal procedures: filed by staff of the office (an employee's promotion file, a council session),
 * never by a citizen. They have no citizen to notify, to ask for documents or to give a receipt's PIN to;
 * the staff of the office follow them.
 */
import type { ProcedureDefinition } from './definition.generated.js';

/** The channel of procedures filed by staff, with no citizen. */
export const INTERNAL_CHANNEL = 'internal';

/**
 * Whether a definition is an internal procedure. The interpreter asks it of every message it sends, so a
 * definition read without its channels (a partial one the engine's tests build) is simply not internal.
 */
export function isInternal(definition: Pick<ProcedureDefinition, 'channels'>): boolean {
  const channels: readonly string[] | undefined = definition.channels;
  return Array.isArray(channels) && channels.includes(INTERNAL_CHANNEL);
}
