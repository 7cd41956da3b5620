/**
 * The deadlines a filing starts, scheduled before its workflow runs. The API has the calendar at hand
 * when it files, so it schedules them (interpreter/filing-deadlines.ts finds them) and sends them with
 * the workflow's input; the workflow takes each one for the request it answers instead of computing it
 * in a local activity (one marker, one activation and one trip through the worker fewer per
 * application). A request with no prefetched answer (a history started before, a calendar the API could
 * not read) still goes to the local activity.
 */
import { canonicalJson } from '../canonical-json.js';
import type { DeadlineSchedule, DeadlineScheduleRequest } from './schedule.js';

/**
 * A filing's deadline scheduled by the API, as the workflow's input carries it (`filingProjections`).
 * Recorded in histories: its fields keep their names, `projection` included.
 */
export interface PrefetchedSchedule {
  /** Which deadline it is (the API sets the legal one as a search attribute at the start). */
  deadlineId: string;
  request: DeadlineScheduleRequest;
  projection: DeadlineSchedule;
}

/** Hands out prefetched schedules, each at most once, to the request it was computed for. */
export class PrefetchedSchedules {
  private readonly entries: Array<{ key: string; schedule: DeadlineSchedule }>;

  constructor(prefetched: PrefetchedSchedule[] = []) {
    this.entries = prefetched.map((p) => ({ key: canonicalJson(p.request), schedule: p.projection }));
  }

  take(request: DeadlineScheduleRequest): DeadlineSchedule | undefined {
    if (!this.entries.length) return undefined;
    const key = canonicalJson(request);
    const index = this.entries.findIndex((e) => e.key === key);
    return index < 0 ? undefined : this.entries.splice(index, 1)[0]!.schedule;
  }
}
