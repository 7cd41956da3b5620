/** The timers a running application needs armed: its deadlines' warning rungs and expiries. */
import type { ApplicationState, DeadlineState } from './state.js';
import { expiryTimerId, warningTimerId } from '../ids.js';

/** The deadline's timers: each warning rung not yet fired, then the expiry. */
export function deadlineTimers(d: DeadlineState): Array<{ id: string; atMs: number }> {
  if (d.done || !d.projection) return [];
  const warned = new Set(d.ledger.filter((e) => e.type === 'warned').map((e) => (e as { rung: number }).rung));
  const timers: Array<{ id: string; atMs: number }> = [];
  d.projection.rungs.forEach((atMs, rung) => {
    if (atMs !== null && !warned.has(rung)) timers.push({ id: warningTimerId(d.id, rung), atMs });
  });
  const expired = d.ledger.some((e) => e.type === 'expired');
  if (d.projection.expiresAtMs !== null && !expired) timers.push({ id: expiryTimerId(d.id), atMs: d.projection.expiresAtMs });
  return timers;
}

/** The next timer the shell must arm: the earliest over every running deadline. */
export function nextTimer(state: ApplicationState): { id: string; atMs: number } | undefined {
  if (state.status === 'closed') return undefined;
  let next: { id: string; atMs: number } | undefined;
  for (const d of Object.values(state.deadlines)) {
    for (const t of deadlineTimers(d)) if (!next || t.atMs < next.atMs) next = t;
  }
  return next;
}
