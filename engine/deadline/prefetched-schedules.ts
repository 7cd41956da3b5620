/**
 * The deadlines a filing starts, projected before its workflow runs. The API has the calendar at hand
 * when it files, so it projects them (interpreter/filing-deadlines.ts finds them) and sends them with the
 * workflow's input; the workflow takes each one for the request it answers instead of computing it in a
 * local activity (one marker, one activation and one trip through the worker fewer per application). A
 * request with no prefetched answer (a history started before, a calendar the API could not read) still
 * goes to the local activity.
 */
import { canonicalJson } from '../canonical-json.js';
import type { DeadlineProjection, DeadlineProjectionRequest, PrefetchedProjection } from './schedule.js';

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
