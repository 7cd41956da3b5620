/**
 * Deadlines: budgets the engine can count (more than nothing, no more than its maximum), warnings that
 * fire before the due date, variants and extensions that count in one unit, and what expiry does.
 */
import type { Budget, Expiry, Extension, LegalDeadline, ProcedureDefinition, ServiceLevel, WarningRung } from '../definition.generated.js';
import { DAY_MS, MAX_MONTHS, MAX_UNITS } from '../deadline/budget.js';
import { parseIsoDuration, smallestDurationUnit } from '../deadline/duration.js';
import type { Problems } from './problems.js';
import { checkRecipients, checkRole } from './references.js';

const has = (object: object, key: string) => Object.prototype.hasOwnProperty.call(object, key);

/** Comparable size of a budget, when two budgets share a unit. */
function budgetSize(budget: Budget): { unit: 'workingDays' | 'calendarDays' | 'months' | 'duration'; size: number } {
  if ('workingDays' in budget) return { unit: 'workingDays', size: budget.workingDays };
  if ('calendarDays' in budget) return { unit: 'calendarDays', size: budget.calendarDays };
  if ('months' in budget) return { unit: 'months', size: budget.months };
  return { unit: 'duration', size: parseIsoDuration(budget.duration) ?? 0 };
}

function describe(budget: Budget): string {
  if ('workingDays' in budget) return `${budget.workingDays} working days`;
  if ('calendarDays' in budget) return `${budget.calendarDays} calendar days`;
  if ('months' in budget) return `${budget.months} months`;
  return budget.duration;
}

/** Days of public holidays a year can hold, taken generously: what may stretch a count of working days. */
const HOLIDAY_DAYS_A_YEAR = 20;

/**
 * The fewest and most calendar days a budget can last, whatever the calendar: how budgets in different
 * units are compared. Working days skip weekends and holidays, calendar days and months may roll forward
 * to a working day, months are 28 to 31 days long; a duration is exact.
 */
function dayBounds(budget: Budget): { min: number; max: number } {
  if ('duration' in budget) {
    const days = (parseIsoDuration(budget.duration) ?? 0) / DAY_MS;
    return { min: days, max: days };
  }
  const rollForward = 'rollForward' in budget && budget.rollForward === false ? 0 : 7;
  if ('calendarDays' in budget) return { min: budget.calendarDays, max: budget.calendarDays + rollForward };
  if ('months' in budget) return { min: budget.months * 28, max: budget.months * 31 + rollForward };
  const weeks = Math.ceil(budget.workingDays / 5);
  return { min: budget.workingDays, max: weeks * 7 + Math.ceil((weeks * 7) / 365) * HOLIDAY_DAYS_A_YEAR };
}

/** Why a warning this long before the end of this budget would fire as soon as the budget starts, if it would. */
export function warningTooEarly(before: Budget, budget: Budget, counted: 'deadline' | 'clock'): string | undefined {
  const rung = budgetSize(before);
  const total = budgetSize(budget);
  // A rung past the engine's reach is reported once, as itself (checkBudgetSizes).
  if (dayBounds(before).min > MAX_UNITS) return undefined;
  if (rung.unit === total.unit) {
    return rung.size >= total.size ? `a warning ${rung.size} ${rung.unit} before a ${total.size} ${total.unit} ${counted} would fire at once` : undefined;
  }
  // In another unit, only when no calendar could make the budget outlast the warning.
  if (dayBounds(before).min < dayBounds(budget).max) return undefined;
  return `a warning ${describe(before)} before a ${describe(budget)} ${counted} would fire at once: ${describe(before)} are never shorter than ${describe(budget)}`;
}

/** In what an extension of this budget counts: its kind of days, or (language 2) a duration's smallest unit, in words. */
function extensionUnit(budget: Budget): string {
  return 'duration' in budget ? `${smallestDurationUnit(budget.duration)?.name}s` : budgetSize(budget).unit;
}

/** Every budget of a definition, with its pointer. */
function budgetsOf(definition: ProcedureDefinition): Array<[Budget, string]> {
  const found: Array<[Budget, string]> = [];
  const expiryNext = (expiry: Expiry | undefined, at: string) => {
    if (expiry?.action === 'escalate' && expiry.next) found.push([expiry.next, `${at}/next`]);
  };
  const ladder = (warnings: WarningRung[] | undefined, at: string) =>
    (warnings ?? []).forEach((w, i) => found.push([w.before, `${at}/${i}/before`]));
  const deadline = definition.deadline;
  found.push([deadline.budget, '/deadline/budget']);
  (deadline.variants ?? []).forEach((v, i) => found.push([v.budget, `/deadline/variants/${i}/budget`]));
  ladder(deadline.warnings, '/deadline/warnings');
  expiryNext(deadline.onExpiry, '/deadline/onExpiry');
  for (const [id, step] of Object.entries(definition.steps)) {
    const at = `/steps/${id}`;
    if (step.type === 'userTask' && step.serviceLevel) {
      found.push([step.serviceLevel.budget, `${at}/serviceLevel/budget`]);
      ladder(step.serviceLevel.warnings, `${at}/serviceLevel/warnings`);
      expiryNext(step.serviceLevel.onExpiry, `${at}/serviceLevel/onExpiry`);
    }
    if (step.type === 'requestComplement') found.push([step.answerWithin, `${at}/answerWithin`]);
    if (step.type === 'wait' && step.for) found.push([step.for, `${at}/for`]);
    if (step.type === 'citizenWindow') {
      found.push([step.within, `${at}/within`]);
      if (step.reviewWithin) found.push([step.reviewWithin, `${at}/reviewWithin`]);
    }
  }
  for (const [id, clock] of Object.entries(definition.clocks ?? {})) {
    const at = `/clocks/${id}`;
    if (clock.budget) found.push([clock.budget, `${at}/budget`]);
    if (clock.from) found.push('before' in clock.from ? [clock.from.before, `${at}/from/before`] : [clock.from.after, `${at}/from/after`]);
    ladder(clock.warnings, `${at}/warnings`);
    expiryNext(clock.onExpiry, `${at}/onExpiry`);
  }
  return found;
}

/** The schema refuses zero days; a duration of nothing, and a budget the engine will not count, are refused here. */
export function checkBudgetSizes(definition: ProcedureDefinition, problems: Problems): void {
  for (const [budget, pointer] of budgetsOf(definition)) {
    const { unit, size } = budgetSize(budget);
    if (unit === 'duration') {
      if (size === 0) problems.refuseFromVersion2(`${pointer}/duration`, `"${(budget as { duration: string }).duration}" is no time at all: a budget lasts at least a second`);
      else if (size > MAX_UNITS * DAY_MS) problems.refuseFromVersion2(`${pointer}/duration`, `"${(budget as { duration: string }).duration}" is more than the engine counts: at most ${MAX_UNITS} days`);
    } else if (unit === 'months') {
      // Months are bounded on their own (construct-checks.ts): 3,000 months stay within the engine's days.
    } else if (size > MAX_UNITS) {
      problems.refuseFromVersion2(`${pointer}/${unit}`, `${size} is more than the engine counts: at most ${MAX_UNITS} days`);
    }
  }
}

function checkExpiry(definition: ProcedureDefinition, problems: Problems, expiry: Expiry, pointer: string): void {
  switch (expiry.action) {
    case 'escalate':
      checkRole(definition, problems, expiry.toRole, `${pointer}/toRole`, 'escalation');
      checkRecipients(definition, problems, expiry.notify, `${pointer}/notify`);
      break;
    case 'notify':
    case 'goto':
      checkRecipients(definition, problems, expiry.notify, `${pointer}/notify`);
      break;
    case 'autoApprove':
    case 'autoReject': {
      const want = expiry.action === 'autoApprove' ? 'approved' : 'rejected';
      const end = definition.steps[expiry.end];
      if (!end) problems.refuse(`${pointer}/end`, `step "${expiry.end}" does not exist`);
      else if (end.type !== 'end' || end.outcome !== want) {
        problems.refuse(`${pointer}/end`, `${expiry.action} needs an end step whose outcome is ${want}; "${expiry.end}" is not`);
      }
      break;
    }
  }
}

function checkWarnings(definition: ProcedureDefinition, problems: Problems, warnings: WarningRung[] | undefined, budget: Budget, pointer: string): void {
  (warnings ?? []).forEach((rung, i) => {
    checkRecipients(definition, problems, rung.notify, `${pointer}/${i}/notify`);
    const tooEarly = warningTooEarly(rung.before, budget, 'deadline');
    if (!tooEarly) return;
    // Version 1 compared warnings with budgets of their own unit only.
    if (budgetSize(rung.before).unit === budgetSize(budget).unit) problems.refuse(`${pointer}/${i}/before`, tooEarly);
    else problems.refuseFromVersion2(`${pointer}/${i}/before`, tooEarly);
  });
}

export function checkServiceLevel(definition: ProcedureDefinition, problems: Problems, level: ServiceLevel, pointer: string): void {
  checkWarnings(definition, problems, level.warnings, level.budget, `${pointer}/warnings`);
  if (level.onExpiry && level.onExpiry.action !== 'goto') {
    if (level.onExpiry.action === 'autoApprove' || level.onExpiry.action === 'autoReject') {
      problems.refuse(`${pointer}/onExpiry/action`, 'a service level may escalate or notify; only the legal deadline decides by silence');
    }
    checkExpiry(definition, problems, level.onExpiry, `${pointer}/onExpiry`);
  }
}

/** Variants replace the budget: each counts like it when it may be extended, and is rarely longer. */
function checkVariants(problems: Problems, deadline: LegalDeadline, pointer: string): void {
  const main = budgetSize(deadline.budget);
  (deadline.variants ?? []).forEach((variant, i) => {
    const at = `${pointer}/variants/${i}/budget`;
    const size = budgetSize(variant.budget);
    // A variant with an extension of its own extends in its own unit.
    if (size.unit !== main.unit && deadline.extension && !variant.extension) {
      problems.refuse(at, 'a variant must count in the same unit as the budget its extensions add to');
    } else if (deadline.extension && !variant.extension && problems.language >= 2 && extensionUnit(variant.budget) !== extensionUnit(deadline.budget)) {
      problems.refuse(
        at,
        `an extension counts in ${extensionUnit(deadline.budget)} for the budget (${describe(deadline.budget)}) but in ${extensionUnit(variant.budget)} for this variant (${describe(variant.budget)}): write both durations in the same smallest unit`,
      );
    }
    const longer = size.unit === main.unit ? size.size > main.size : dayBounds(variant.budget).min > dayBounds(deadline.budget).max;
    if (longer) {
      problems.warn(at, `this variant (${describe(variant.budget)}) is longer than the budget (${describe(deadline.budget)}): a variant usually shortens the deadline, as for an urgent request; check that it is meant`);
    }
  });
}

/** An extension the engine can count: every budget it extends stays within the engine's maximum. */
function checkExtension(problems: Problems, deadline: LegalDeadline, pointer: string): void {
  const extension = deadline.extension;
  const duration = [deadline.budget, ...(deadline.variants ?? []).filter((v) => !v.extension).map((v) => v.budget)].find((b): b is { duration: string } => 'duration' in b);
  if (extension && duration && problems.language < 2) {
    problems.warn(
      `${pointer}/extension/units`,
      `in language 1 each unit extends a duration budget by the whole budget (${extension.units} × ${duration.duration}); language 2 adds ${extension.units} ${smallestDurationUnit(duration.duration)?.name}s`,
    );
  }
  // A variant with an extension of its own is extended by it alone, and the others by the deadline's.
  const extended: Array<{ budget: Budget; extension: Extension; at: string }> = [];
  if (extension) extended.push({ budget: deadline.budget, extension, at: `${pointer}/extension/units` });
  (deadline.variants ?? []).forEach((variant, i) => {
    const own = variant.extension ?? extension;
    if (own) extended.push({ budget: variant.budget, extension: own, at: variant.extension ? `${pointer}/variants/${i}/extension/units` : `${pointer}/extension/units` });
  });
  const reported = new Set<string>();
  for (const { budget, extension: ext, at } of extended) {
    if (reported.has(at)) continue;
    const beyond = extensionBeyondEngine(budget, ext, problems.language);
    if (beyond) {
      reported.add(at);
      problems.refuseFromVersion2(at, beyond);
    }
  }
}

/** Why extending this budget as often as allowed would take it past what the engine counts, if it would. */
function extensionBeyondEngine(budget: Budget, extension: Extension, language: number): string | undefined {
  const added = extension.maxCount * extension.units;
  const { unit, size } = budgetSize(budget);
  // A budget already past the engine's reach is reported once, as itself (checkBudgetSizes, construct-checks.ts).
  if ((unit === 'months' && size > MAX_MONTHS) || (unit !== 'months' && unit !== 'duration' && size > MAX_UNITS)) return undefined;
  // Language 2 counts a duration's extension in its smallest unit; language 1's whole budgets are its own.
  const unitMs = 'duration' in budget ? smallestDurationUnit(budget.duration)?.ms : undefined;
  if ('duration' in budget && (language < 2 || unitMs === undefined)) return undefined;
  if ('months' in budget) {
    return size + added > MAX_MONTHS
      ? `${extension.maxCount} extension(s) of ${extension.units} would take ${describe(budget)} to ${size + added} months, more than the engine counts: at most ${MAX_MONTHS} months`
      : undefined;
  }
  const days = unitMs === undefined ? size + added : (size + added * unitMs) / DAY_MS;
  return days > MAX_UNITS
    ? `${extension.maxCount} extension(s) of ${extension.units} would take ${describe(budget)} to ${Math.ceil(days)} days, more than the engine counts: at most ${MAX_UNITS} days`
    : undefined;
}

export function checkDeadline(definition: ProcedureDefinition, problems: Problems, checkExpression: (expression: unknown, pointer: string) => void): void {
  const deadline = definition.deadline;
  const pointer = '/deadline';
  if (deadline.startsOn === 'stepEntry') {
    if (!deadline.step) problems.refuse(`${pointer}/step`, 'a deadline that starts on entering a step must name the step');
    else if (!has(definition.steps, deadline.step)) problems.refuse(`${pointer}/step`, `step "${deadline.step}" does not exist`);
  } else if (deadline.step) {
    problems.refuse(`${pointer}/step`, `"step" only goes with startsOn "stepEntry", not "${deadline.startsOn}"`);
  }
  (deadline.variants ?? []).forEach((variant, i) => checkExpression(variant.when, `${pointer}/variants/${i}/when`));
  checkVariants(problems, deadline, pointer);
  checkExtension(problems, deadline, pointer);
  checkWarnings(definition, problems, deadline.warnings, deadline.budget, `${pointer}/warnings`);
  checkExpiry(definition, problems, deadline.onExpiry, `${pointer}/onExpiry`);
}
