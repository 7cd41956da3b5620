/**
 * A complement request, whichever way it comes: the task's request-complement action (the agent names the
 * documents), a task's outcome that leads to a requestComplement step, or a step that leads there by
 * itself. This one function decides what is asked and whether it may be asked at all; the update
 * validators (event-checks.ts) and the interpreter (interpretation.ts) both call it, so they agree.
 *
 * Language 2: the agent's documents when the agent names them, otherwise only the documents of the step
 * the guide does not mark optional (an optional document is asked for when an agent names it); a step
 * that may ask only once goes to `ifAlreadyRequested` the second time, whichever way it is entered.
 * Language 1 keeps what each way did: the outcome asked for every document of the step, and the action
 * was refused the second time even where the definition says where to go.
 */
import type { ProcedureDefinition, RequestComplementStep } from '../definition.generated.js';
import { DomainError } from '../errors.js';
import type { LanguageVersion } from '../language.js';
import type { ApplicationState } from './state.js';

/** How the request is made. */
export type ComplementWay = 'action' | 'outcome' | 'step';

export type ComplementRequest = { ask: string[] } | { goTo: string };

const ONLY_ONCE = 'A complement may be requested only once per file, and it already was (Law 55.19).';

function namedDocuments(step: RequestComplementStep, named: string[]): string[] {
  const unknown = named.filter((d) => !step.documents.includes(d));
  if (unknown.length || named.length === 0) {
    throw new DomainError('invalid_input', `Only these documents may be asked for here: ${step.documents.join(', ')}.`, [
      { pointer: '/documents', message: unknown.length ? `${unknown.join(', ')} may not be asked for` : 'name at least one document' },
    ]);
  }
  return named;
}

export function complementRequest(
  definition: ProcedureDefinition,
  state: Pick<ApplicationState, 'complement'>,
  stepId: string,
  step: RequestComplementStep,
  way: ComplementWay,
  language: LanguageVersion,
  named?: string[],
): ComplementRequest {
  // What the agent names is checked even when the file then goes elsewhere: the same request, the same answer.
  if (named && language >= 2) namedDocuments(step, named);
  if (step.onlyOnce && state.complement.count >= 1) {
    if (language < 2 && way === 'action') throw new DomainError('complement_not_allowed', ONLY_ONCE);
    if (step.ifAlreadyRequested) return { goTo: step.ifAlreadyRequested };
    throw new DomainError('complement_not_allowed', language < 2 ? 'A complement was already requested once for this file.' : ONLY_ONCE);
  }
  if (named) return { ask: namedDocuments(step, named) };
  if (language < 2) return { ask: step.documents };
  const optional = new Set((definition.documents ?? []).filter((d) => d.optional).map((d) => d.id));
  const required = step.documents.filter((id) => !optional.has(id));
  if (required.length) return { ask: required };
  if (way === 'outcome') {
    throw new DomainError(
      'complement_not_allowed',
      `Every document step "${stepId}" may ask for is optional: name the ones to ask for with the task's request-complement action.`,
    );
  }
  // The validator refuses a step that lists only optional documents and is entered with no agent to
  // choose; should one run all the same, the step's list is all there is to ask for.
  return { ask: step.documents };
}
