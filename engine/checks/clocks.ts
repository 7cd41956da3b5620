/**
 * The checker's rules for named clocks, waits until a date and `goto` expiries (language 2): the steps
 * they name exist, their recipients and roles are declared, their dates come from date fields, and a
 * definition written in language 1 does not use them. Each problem names the JSON pointer to fix.
 */
import type { Budget, Clock, Expiry, ProcedureDefinition, WarningRung } from '../definition.generated.js';
import { parseIsoDuration } from '../deadline/duration.js';
import { checkExpression } from '../expression.js';
import { operationOf, SHELL_READ_OPERATORS } from '../expressions/operators.js';
import { pointerSegment } from '../form-schema.js';
import type { Problems } from './problems.js';
import { checkRecipients, checkRole } from './references.js';
import { checkLegalBasis } from './texts.js';

const has = (object: object, key: string) => Object.prototype.hasOwnProperty.call(object, key);
type Schema = { type?: unknown; format?: unknown; properties?: Record<string, Schema> };

function unitAndSize(budget: Budget): [string, number] {
  if ('workingDays' in budget) return ['workingDays', budget.workingDays];
  if ('calendarDays' in budget) return ['calendarDays', budget.calendarDays];
  if ('months' in budget) return ['months', budget.months];
  return ['duration', parseIsoDuration(budget.duration) ?? 0];
}

/** The first operator of the expression that reads what the shell reads for an event (today, the working-day calendar). */
function readsToday(expression: unknown): string | undefined {
  if (Array.isArray(expression)) return expression.map(readsToday).find(Boolean);
  const operation = operationOf(expression);
  if (!operation) return undefined;
  return SHELL_READ_OPERATORS.has(operation.op) ? operation.op : operation.args.map(readsToday).find(Boolean);
}

class ClockChecker {
  constructor(
    private readonly definition: ProcedureDefinition,
    private readonly problems: Problems,
  ) {}

  /** Every rule here is about constructs only language 2 has: each refuses. */
  private add(pointer: string, message: string): void {
    this.problems.refuse(pointer, message);
  }

  private step(id: string, pointer: string): void {
    if (!has(this.definition.steps, id)) this.add(pointer, `step "${id}" does not exist`);
  }

  private recipients(list: string[] | undefined, pointer: string): void {
    checkRecipients(this.definition, this.problems, list, pointer);
  }

  run(): void {
    const { definition } = this;
    const languageOne = this.problems.language < 2;
    const clocks = Object.entries(definition.clocks ?? {});
    if (languageOne && definition.clocks) this.add('/clocks', 'clocks need language 2: this definition is read in language 1');
    for (const [id, clock] of clocks) this.clock(clock, `/clocks/${id}`);
    const legal = definition.deadline.onExpiry;
    if (legal.action === 'goto') {
      if (languageOne) this.add('/deadline/onExpiry/action', '"goto" needs language 2: this definition is read in language 1');
      this.goto(legal, '/deadline/onExpiry');
    }
    for (const [stepId, step] of Object.entries(definition.steps)) {
      const at = `/steps/${stepId}`;
      if (step.type === 'userTask' && step.serviceLevel?.onExpiry?.action === 'goto') {
        this.add(`${at}/serviceLevel/onExpiry/action`, 'a service level may escalate or notify; only the legal deadline and clocks move the application');
      }
      if (step.type !== 'wait') continue;
      if (step.for && step.until !== undefined) this.add(`${at}/until`, 'a wait has either "for" or "until", not both');
      else if (!step.for && step.until === undefined) this.add(`${at}/for`, 'a wait needs "for" (how long) or "until" (a date in the data)');
      else if (step.until !== undefined) {
        if (languageOne) this.add(`${at}/until`, '"until" needs language 2: this definition is read in language 1');
        this.date(step.until, `${at}/until`);
      }
    }
  }

  private clock(clock: Clock, at: string): void {
    if (clock.budget && clock.from) this.add(`${at}/from`, 'a clock counts either its "budget" from its start or "from" a date in the data, not both');
    if (!clock.budget && !clock.from) this.add(`${at}/budget`, 'a clock needs a "budget" (counted from its start) or "from" (counted from a date in the data)');
    if (clock.startsOn === 'stepEntry') {
      if (!clock.step) this.add(`${at}/step`, 'a clock that starts on entering a step must name the step');
      else this.step(clock.step, `${at}/step`);
    } else if (clock.step) {
      this.add(`${at}/step`, `"step" only goes with startsOn "stepEntry", not "${clock.startsOn}"`);
    }
    clock.stopsOn.forEach((stepId, i) => {
      this.step(stepId, `${at}/stopsOn/${i}`);
      if (clock.startsOn === 'stepEntry' && clock.step === stepId) this.add(`${at}/stopsOn/${i}`, `the clock starts on entering "${stepId}": it cannot stop there too`);
    });
    if (clock.from) this.date(clock.from.date, `${at}/from/date`);
    this.warnings(clock.warnings, clock.budget, `${at}/warnings`);
    this.expiry(clock.onExpiry, `${at}/onExpiry`);
    checkLegalBasis(this.problems, clock.legalBasis, `${at}/legalBasis`);
  }

  private warnings(warnings: WarningRung[] | undefined, budget: Budget | undefined, pointer: string): void {
    (warnings ?? []).forEach((rung, i) => {
      this.recipients(rung.notify, `${pointer}/${i}/notify`);
      if (!budget) return;
      const [unit, size] = unitAndSize(budget);
      const [beforeUnit, before] = unitAndSize(rung.before);
      if (unit === beforeUnit && before >= size) {
        this.add(`${pointer}/${i}/before`, `a warning ${before} ${beforeUnit} before a ${size} ${unit} clock would fire at once`);
      }
    });
  }

  private expiry(expiry: Expiry, pointer: string): void {
    switch (expiry.action) {
      case 'autoApprove':
      case 'autoReject':
        this.add(`${pointer}/action`, 'a clock may notify, escalate or goto a step; only the legal deadline decides by silence');
        return;
      case 'escalate':
        checkRole(this.definition, this.problems, expiry.toRole, `${pointer}/toRole`, 'escalation');
        this.recipients(expiry.notify, `${pointer}/notify`);
        return;
      case 'notify':
        this.recipients(expiry.notify, `${pointer}/notify`);
        return;
      case 'goto':
        this.goto(expiry, pointer);
    }
  }

  private goto(expiry: Extract<Expiry, { action: 'goto' }>, pointer: string): void {
    this.step(expiry.step, `${pointer}/step`);
    this.recipients(expiry.notify, `${pointer}/notify`);
  }

  /**
   * A date comes from the data: a `var` must name a field the form declares as a string with format
   * date or date-time; any other expression reads only such fields, or is a constant date.
   */
  private date(expression: unknown, pointer: string): void {
    for (const p of checkExpression(expression, (path) => this.dateField(path), pointer)) this.add(p.pointer, p.message);
    // The date is recorded once the data gives it: it must not depend on the day or the calendar it is read with.
    const shellRead = readsToday(expression);
    if (shellRead) this.add(pointer, `a date to count from comes from the data alone: "${shellRead}" cannot be used here`);
    if (typeof expression === 'string' && !/^\d{4}-\d{2}-\d{2}/.test(expression)) {
      this.add(pointer, `"${expression}" is not a date (YYYY-MM-DD) nor an expression giving one`);
    }
  }

  /** Why `path` does not name a date field, or undefined when it does. */
  private dateField(path: string): string | undefined {
    const [root, ...rest] = path.split('.');
    let schema: Schema | undefined;
    let fields: string[];
    let where: string;
    if (root === 'data') {
      schema = this.definition.form as Schema;
      fields = rest;
      where = '/form';
    } else if (root === 'steps' && rest[1] === 'data') {
      const stepId = rest[0]!;
      const step = this.definition.steps[stepId];
      if (!step) return `"${path}" names no step`;
      if (step.type !== 'userTask' || !step.form) return `"${path}": step "${stepId}" has no form to read a date from`;
      schema = step.form as Schema;
      fields = rest.slice(2);
      where = `/steps/${stepId}/form`;
    } else {
      return `"${path}" is not a date field: a date comes from the form (data.<field>) or a task's form (steps.<step>.data.<field>)`;
    }
    if (!fields.length) return `"${path}" names a whole form, not a date field`;
    for (const field of fields) {
      const next: Schema | undefined = schema?.properties && has(schema.properties, field) ? schema.properties[field] : undefined;
      where = `${where}/properties/${pointerSegment(field)}`;
      if (!next) return `"${path}" is not a field of the form (${where})`;
      schema = next;
    }
    if (schema?.type !== 'string' || (schema.format !== 'date' && schema.format !== 'date-time')) {
      return `"${path}" is not a date field: give ${where} "type": "string" and "format": "date" (or "date-time")`;
    }
    return undefined;
  }
}

/** The rules of clocks, waits until a date and goto expiries, for a definition that passed the schema. */
export function checkClocks(definition: ProcedureDefinition, problems: Problems): void {
  new ClockChecker(definition, problems).run();
}
