/**
 * The deadlines a filing starts, projected before its workflow runs. The API has the calendar at hand
 * when it files, so it projects them and sends them with the workflow's input; the workflow takes each
 * one for the request it answers instead of computing it in a local activity (one marker, one
 * activation and one trip through the worker fewer per application). Both sides find the same requests
 * by running the same interpreter on the same input; a request with no prefetched answer (a history
 * started before, a calendar the API could not read) still goes to the local activity.
 */
import { applyEvent } from './interpreter/transition.js';
import { initialState, type ApplicationInput } from './interpreter/state.js';
import type { Command } from './interpreter/commands.js';
import { canonicalJson } from './canonical-json.js';
import type { DeadlineProjection, DeadlineProjectionRequest, PrefetchedProjection } from './deadline-projection.js';

/** What a projectDeadline command asks the shell to compute, without the command's own fields. */
export function projectionRequest(command: Extract<Command, { type: 'projectDeadline' }>): DeadlineProjectionRequest {
  const { deadlineId: _deadlineId, type: _type, ...request } = command;
  return request;
}

/** The deadline projections the filing transition asks for, in the order it asks. */
export function filingProjectionRequests(input: ApplicationInput): Array<{ deadlineId: string; request: DeadlineProjectionRequest }> {
  const { commands } = applyEvent(input.procedure.definition, initialState(input), { type: 'filed', at: input.filedAt });
  return commands.flatMap((c) => (c.type === 'projectDeadline' ? [{ deadlineId: c.deadlineId, request: projectionRequest(c) }] : []));
}

/** Hands out prefetched projections, each at most once, to the request it was computed for. */
export class PrefetchedProjections {
  private readonly entries: Array<{ key: string; projection: DeadlineProjection }>;

  constructor(prefetched: PrefetchedProjection[] = []) {
    this.entries = prefetched.map((p) => ({ key: canonicalJson(p.request), projection: p.projection }));
  }

  take(request: DeadlineProjectionRequest): DeadlineProjection | undefined {
    if (!this.entries.length) return undefined;
    const key = canonicalJson(request);
    const index = this.entries.findIndex((e) => e.key === key);
    return index < 0 ? undefined : this.entries.splice(index, 1)[0]!.projection;
  }
}
