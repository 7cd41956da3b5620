/**
 * The calendar's horizon seen from the procedures: a procedure whose longest budget, counted from
 * today, runs past the last date the calendar covers would get due dates that ignore Islamic holidays
 * not yet in it. Start-up and `mohla validate` warn about it; nothing is refused.
 */
import type { Budget, ProcedureDefinition } from '../definition.generated.js';
import { calendarHorizon, formatInstant, formatLocalDate, startOfLocalDay, type Calendar, type LocalDate } from '../calendar.js';
import { computeDeadline } from './computation.js';
import type { LedgerEntry } from './ledger.js';

export interface HorizonWarning {
  /** The procedure, as its definition names it. */
  id: string;
  version: number;
  pointer: string;
  message: string;
  severity: 'warning';
}

interface PlacedBudget {
  pointer: string;
  budget: Budget;
  /** Units every allowed extension adds together: the longest the budget can run. */
  extensionUnits: number;
}

const pointerPart = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

/** Every budget that counts forward from some moment: the legal deadline (and its variants), service levels, complement answers, waits and clocks. */
function budgetsOf(definition: ProcedureDefinition): PlacedBudget[] {
  const legal = definition.deadline;
  const extensionUnits = legal.extension ? legal.extension.maxCount * legal.extension.units : 0;
  const placed: PlacedBudget[] = [
    { pointer: '/deadline/budget', budget: legal.budget, extensionUnits },
    ...(legal.variants ?? []).map((v, i) => ({ pointer: `/deadline/variants/${i}/budget`, budget: v.budget, extensionUnits })),
  ];
  for (const [id, step] of Object.entries(definition.steps)) {
    const at = `/steps/${pointerPart(id)}`;
    if ('serviceLevel' in step && step.serviceLevel) placed.push({ pointer: `${at}/serviceLevel/budget`, budget: step.serviceLevel.budget, extensionUnits: 0 });
    if (step.type === 'requestComplement') placed.push({ pointer: `${at}/answerWithin`, budget: step.answerWithin, extensionUnits: 0 });
    if (step.type === 'wait' && step.for) placed.push({ pointer: `${at}/for`, budget: step.for, extensionUnits: 0 });
  }
  // A clock counted from a date in the data has no "today" to count from; one counted from its start has.
  for (const [id, clock] of Object.entries(definition.clocks ?? {})) {
    if (clock.budget) placed.push({ pointer: `/clocks/${pointerPart(id)}/budget`, budget: clock.budget, extensionUnits: 0 });
  }
  return placed;
}

/** The due date of a budget started at the beginning of `today`, with every extension taken. */
function dueFromToday(placed: PlacedBudget, calendar: Calendar, today: LocalDate) {
  const at = formatInstant(startOfLocalDay(today, calendar.zone), calendar.zone);
  const ledger: LedgerEntry[] = [{ type: 'started', at }];
  if (placed.extensionUnits > 0) ledger.push({ type: 'extended', at, units: placed.extensionUnits, reason: '' });
  try {
    return computeDeadline(placed.budget, ledger, calendar);
  } catch {
    // A budget the checker refuses is reported there; it has no due date to compare.
    return undefined;
  }
}

/**
 * One warning per procedure whose longest budget, counted from `today` (a local date of the calendar's
 * zone), would end past the calendar's horizon; it points at that budget. None when the calendar states
 * no horizon.
 */
export function horizonWarnings(definitions: ProcedureDefinition[], calendar: Calendar, today: LocalDate): HorizonWarning[] {
  const horizon = calendarHorizon(calendar);
  if (horizon === undefined) return [];
  const warnings: HorizonWarning[] = [];
  for (const definition of definitions) {
    let longest: { pointer: string; dueDate: LocalDate; dueMs: number } | undefined;
    for (const placed of budgetsOf(definition)) {
      const due = dueFromToday(placed, calendar, today);
      if (due?.beyondHorizon && (!longest || due.dueInstantMs > longest.dueMs)) {
        longest = { pointer: placed.pointer, dueDate: due.dueDate, dueMs: due.dueInstantMs };
      }
    }
    if (!longest) continue;
    warnings.push({
      id: definition.id,
      version: definition.version,
      pointer: longest.pointer,
      message:
        `counted from today (${formatLocalDate(today)}), this budget can end on ${formatLocalDate(longest.dueDate)}, ` +
        `past the horizon of calendar ${calendar.id} (${formatLocalDate(horizon)}): Islamic holidays after it are not known, ` +
        'so due dates there may come too early; extend the calendar with `mohla calendar provisional --through <year>`',
      severity: 'warning',
    });
  }
  return warnings;
}
