/**
 * Deadline compliance and processing times, per procedure, office and agent, over a period. The figures
 * are a pure function of the projections' rows and the calendar, so they can be checked by hand.
 */
import { addWorkingDays, datesFromTo, isWorkingDay, localDateOf, workingDaysBetween, type Calendar } from '../engine/calendar.js';

export interface ApplicationFacts {
  trackingNumber: string;
  procedureId: string;
  officeId: string;
  status: string;
  outcome: string | null;
  filedAt: Date;
  closedAt: Date | null;
  dueAt: Date | null;
  grantedBySilence: boolean;
  paused: boolean;
  /** The legal deadline's ledger (only paused and resumed entries matter here). */
  ledger: Array<{ type: string; at: string }>;
  escalations: number;
}

export interface TaskFacts {
  officeId: string;
  completedBy: string | null;
  createdAt: Date;
  completedAt: Date | null;
}

export interface Summary {
  mean: number | null;
  median: number | null;
  p90: number | null;
}

export interface GroupFigures {
  procedureId: string | null;
  officeId: string | null;
  filed: number;
  decided: number;
  pending: number;
  /** Working days from filing to decision, days waiting for the citizen left out. */
  processingWorkingDays: Summary;
  decidedWithinDeadline: number;
  shareWithinDeadline: number | null;
  grantedBySilence: number;
  escalations: number;
  /** Working days spent waiting for citizens' documents, shown apart so a slow citizen does not make an office look slow. */
  pausedWorkingDays: number;
}

export interface AgentFigures {
  agent: string;
  officeId: string;
  tasksCompleted: number;
  taskWorkingDays: Summary;
}

export interface WatchItem {
  trackingNumber: string;
  procedureId: string;
  officeId: string;
  dueAt: string;
}

export interface Statistics {
  period: { from: string; to: string };
  total: GroupFigures;
  byProcedure: GroupFigures[];
  byOffice: GroupFigures[];
  byAgent: AgentFigures[];
  overdue: WatchItem[];
  atRisk: WatchItem[];
}

/**
 * The outcomes that answer the application, for deadline compliance: granted, granted in part, refused,
 * or sent on to the competent body. A withdrawal or a closure without a decision answers nothing.
 */
const DECIDED = new Set(['approved', 'partiallyGranted', 'rejected', 'forwarded']);

export function summarise(values: number[]): Summary {
  if (!values.length) return { mean: null, median: null, p90: null };
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => {
    // Nearest rank: the smallest value with at least q of the values at or below it.
    const rank = Math.max(1, Math.ceil(q * sorted.length));
    return sorted[rank - 1]!;
  };
  const mean = sorted.reduce((s, v) => s + v, 0) / sorted.length;
  const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
  return { mean: Math.round(mean * 100) / 100, median, p90: at(0.9) };
}

/** Working days inside the paused spans (pause date through resume date) that fall in (from, to]. */
function pausedWorkingDays(app: ApplicationFacts, until: Date, calendar: Calendar): number {
  const zone = calendar.zone;
  const filed = localDateOf(app.filedAt.getTime(), zone);
  const end = localDateOf(until.getTime(), zone);
  const days = new Set<string>();
  let pausedFrom: string | undefined;
  for (const entry of app.ledger) {
    if (entry.type === 'paused') pausedFrom = localDateOf(Date.parse(entry.at), zone);
    if ((entry.type === 'resumed' || entry.type === 'restarted') && pausedFrom) {
      for (const d of datesFromTo(pausedFrom, localDateOf(Date.parse(entry.at), zone))) days.add(d);
      pausedFrom = undefined;
    }
  }
  if (pausedFrom && pausedFrom <= end) for (const d of datesFromTo(pausedFrom, end)) days.add(d);
  return [...days].filter((d) => d > filed && d <= end && isWorkingDay(d, calendar)).length;
}

function figures(apps: ApplicationFacts[], period: { from: Date; to: Date }, calendar: Calendar, key: { procedureId: string | null; officeId: string | null }): GroupFigures {
  const inPeriod = (d: Date | null) => d !== null && d >= period.from && d < period.to;
  const filed = apps.filter((a) => inPeriod(a.filedAt));
  const decided = apps.filter((a) => inPeriod(a.closedAt) && a.outcome !== null && DECIDED.has(a.outcome));
  const pending = apps.filter((a) => a.filedAt < period.to && (a.closedAt === null || a.closedAt >= period.to));
  const zone = calendar.zone;
  const processing = decided.map(
    (a) =>
      workingDaysBetween(localDateOf(a.filedAt.getTime(), zone), localDateOf(a.closedAt!.getTime(), zone), calendar) -
      pausedWorkingDays(a, a.closedAt!, calendar),
  );
  const within = decided.filter((a) => !a.grantedBySilence && a.dueAt !== null && a.closedAt! <= a.dueAt).length;
  const concerned = apps.filter((a) => inPeriod(a.filedAt) || inPeriod(a.closedAt));
  return {
    ...key,
    filed: filed.length,
    decided: decided.length,
    pending: pending.length,
    processingWorkingDays: summarise(processing),
    decidedWithinDeadline: within,
    shareWithinDeadline: decided.length ? Math.round((within / decided.length) * 1000) / 1000 : null,
    grantedBySilence: decided.filter((a) => a.grantedBySilence).length,
    escalations: concerned.reduce((sum, a) => sum + a.escalations, 0),
    pausedWorkingDays: concerned.reduce((sum, a) => sum + pausedWorkingDays(a, a.closedAt ?? period.to, calendar), 0),
  };
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return new Map([...groups.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

/** Working days before its due date from which an open application counts as at risk. */
const AT_RISK_WORKING_DAYS = 2;

/**
 * Whether a deadline not yet passed falls due within the next `workingDays` working days (local dates):
 * the same rule for the dashboard's figures and the inbox's colours.
 */
export function atRisk(dueAt: Date, now: Date, calendar: Calendar, workingDays = AT_RISK_WORKING_DAYS): boolean {
  if (dueAt < now) return false;
  const limit = addWorkingDays(localDateOf(now.getTime(), calendar.zone), workingDays, calendar);
  return localDateOf(dueAt.getTime(), calendar.zone) <= limit;
}

export function computeStatistics(
  apps: ApplicationFacts[],
  tasks: TaskFacts[],
  period: { from: Date; to: Date },
  now: Date,
  calendar: Calendar,
  atRiskWorkingDays = AT_RISK_WORKING_DAYS,
): Statistics {
  const zone = calendar.zone;
  const watch = (a: ApplicationFacts): WatchItem => ({ trackingNumber: a.trackingNumber, procedureId: a.procedureId, officeId: a.officeId, dueAt: a.dueAt!.toISOString() });
  const open = apps.filter((a) => a.status === 'open' && a.dueAt !== null && !a.paused);
  const completed = tasks.filter((t) => t.completedBy && t.completedAt && t.completedAt >= period.from && t.completedAt < period.to);
  return {
    period: { from: period.from.toISOString(), to: period.to.toISOString() },
    total: figures(apps, period, calendar, { procedureId: null, officeId: null }),
    byProcedure: [...groupBy(apps, (a) => a.procedureId)].map(([procedureId, group]) => figures(group, period, calendar, { procedureId, officeId: null })),
    byOffice: [...groupBy(apps, (a) => a.officeId)].map(([officeId, group]) => figures(group, period, calendar, { procedureId: null, officeId })),
    byAgent: [...groupBy(completed, (t) => `${t.officeId}\u0000${t.completedBy}`)].map(([, group]) => ({
      agent: group[0]!.completedBy!,
      officeId: group[0]!.officeId,
      tasksCompleted: group.length,
      taskWorkingDays: summarise(
        group.map((t) => workingDaysBetween(localDateOf(t.createdAt.getTime(), zone), localDateOf(t.completedAt!.getTime(), zone), calendar)),
      ),
    })),
    overdue: open.filter((a) => a.dueAt! < now).sort((a, b) => a.dueAt!.getTime() - b.dueAt!.getTime()).map(watch),
    atRisk: open
      .filter((a) => atRisk(a.dueAt!, now, calendar, atRiskWorkingDays))
      .sort((a, b) => a.dueAt!.getTime() - b.dueAt!.getTime())
      .map(watch),
  };
}

const CSV_COLUMNS = [
  'procedureId',
  'officeId',
  'filed',
  'decided',
  'pending',
  'processingWorkingDaysMean',
  'processingWorkingDaysMedian',
  'processingWorkingDaysP90',
  'decidedWithinDeadline',
  'shareWithinDeadline',
  'grantedBySilence',
  'escalations',
  'pausedWorkingDays',
] as const;

function cell(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One row per procedure and per office, then the total: no tracking number, no person. */
export function statisticsCsv(stats: Statistics): string {
  const rows = [...stats.byProcedure, ...stats.byOffice, stats.total].map((g) => [
    g.procedureId ?? (g.officeId ? '' : 'all'),
    g.officeId ?? (g.procedureId ? '' : 'all'),
    g.filed,
    g.decided,
    g.pending,
    g.processingWorkingDays.mean,
    g.processingWorkingDays.median,
    g.processingWorkingDays.p90,
    g.decidedWithinDeadline,
    g.shareWithinDeadline,
    g.grantedBySilence,
    g.escalations,
    g.pausedWorkingDays,
  ]);
  return [CSV_COLUMNS.join(','), ...rows.map((r) => r.map(cell).join(','))].join('\n') + '\n';
}
