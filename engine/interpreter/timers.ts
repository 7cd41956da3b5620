/** The timers a running application needs armed: its deadlines' warning rungs and expiries. */
import type { LanguageVersion } from '../language.js';
import type { ApplicationState, DeadlineState } from './state.js';
import { expiryTimerId, warningTimerId } from '../ids.js';

/**
 * The rungs that have fired for the deadline as it now stands. In language 2 an extension re-arms a rung
 * that fired before it when the new due date puts that rung back ahead of the extension: the ladder warns
 * again before the new due date. Language 1 let each rung fire once, whatever happened after.
 */
function firedRungs(d: DeadlineState, rungs: Array<number | null>, language: LanguageVersion): Set<number> {
  const warned = new Set<number>();
  for (const entry of d.ledger) {
    if (entry.type === 'warned') warned.add(entry.rung);
    if (entry.type === 'extended' && language >= 2) {
      const extendedAt = Date.parse(entry.at);
      for (const rung of [...warned]) if ((rungs[rung] ?? -Infinity) > extendedAt) warned.delete(rung);
    }
  }
  return warned;
}

/** The deadline's timers: each warning rung not yet fired, then the expiry. */
export function deadlineTimers(d: DeadlineState, language: LanguageVersion): Array<{ id: string; atMs: number }> {
  if (d.done || !d.projection) return [];
  const warned = firedRungs(d, d.projection.rungs, language);
  const timers: Array<{ id: string; atMs: number }> = [];
  d.projection.rungs.forEach((atMs, rung) => {
    if (atMs !== null && !warned.has(rung)) timers.push({ id: warningTimerId(d.id, rung), atMs });
  });
  const expired = d.ledger.some((e) => e.type === 'expired');
  if (d.projection.expiresAtMs !== null && !expired) timers.push({ id: expiryTimerId(d.id), atMs: d.projection.expiresAtMs });
  return timers;
}

/** The next timer the shell must arm: the earliest over every running deadline. */
export function nextTimer(state: ApplicationState, language: LanguageVersion): { id: string; atMs: number } | undefined {
  if (state.status === 'closed') return undefined;
  let next: { id: string; atMs: number } | undefined;
  for (const d of Object.values(state.deadlines)) {
    for (const t of deadlineTimers(d, language)) if (!next || t.atMs < next.atMs) next = t;
  }
  return next;
}
