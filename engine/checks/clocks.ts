/**
 * The checker's rules for named clocks, waits until a date and `goto` expiries (language 2): the steps
 * they name exist, their recipients and roles are declared, their dates come from date fields, and a
 * definition written in language 1 does not use them. Each problem names the JSON pointer to fix.
 */
import type { Budget, Clock, Expiry, ProcedureDefinition, WarningRung } from '../definition.generated.js';
import { checkExpression } from '../expression.js';
import { dateOf } from '../expressions/dates.js';
import { operationOf, SHELL_READ_OPERATORS } from '../expressions/operators.js';
import { pointerSegment, readsAsFields } from '../form-schema.js';
import { warningTooEarly } from './deadlines.js';
import { branchOnlySteps } from './graph.js';
import type { Problems } from './problems.js';
import { checkRecipients, checkRole } from './references.js';
import { checkLegalBasis } from './texts.js';

const has = (object: object, key: string) => Object.prototype.hasOwnProperty.call(object, key);
type Schema = { type?: unknown; format?: unknown; properties?: Record<string, Schema> };

/** The first operator of the expression that reads what the shell reads for an event (today, the working-day calendar). */
function readsToday(expression: unknown): string | undefined {
  if (Array.isArray(expression)) return expression.map(readsToday).find(Boolean);
  const operation = operationOf(expression);
  if (!operation) return undefined;
  return SHELL_READ_OPERATORS.has(operation.op) ? operation.op : operation.args.map(readsToday).find(Boolean);
}

class ClockChecker {
  private readonly branchOnly: Map<string, string>;

  constructor(
    private readonly definition: ProcedureDefinition,
    private readonly problems: Problems,
  ) {
    this.branchOnly = branchOnlySteps(definition);
  }

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
      // Filing enters the start step: a clock started at filing that stops there is met before it counts.
      if (clock.startsOn === 'filing' && stepId === this.definition.start) {
        this.add(`${at}/stopsOn/${i}`, `"${stepId}" is the start step, which every application enters as it is filed: a clock started at filing would be met at once`);
      }
    });
    if (clock.from) this.date(clock.from.date, `${at}/from/date`);
    this.warnings(clock.warnings, clock.budget, `${at}/warnings`);
    this.expiry(clock.onExpiry, `${at}/onExpiry`);
    checkLegalBasis(this.problems, clock.legalBasis, `${at}/legalBasis`);
  }

  private warnings(warnings: WarningRung[] | undefined, budget: Budget | undefined, pointer: string): void {
    (warnings ?? []).forEach((rung, i) => {
      this.recipients(rung.notify, `${pointer}/${i}/notify`);
      const tooEarly = budget && warningTooEarly(rung.before, budget, 'clock');
      if (tooEarly) this.add(`${pointer}/${i}/before`, tooEarly);
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
    // A goto cancels every branch: a step that only a branch leads to would run without its parallel step.
    const target = has(this.definition.steps, expiry.step) ? this.definition.steps[expiry.step] : undefined;
    if (target?.type === 'join') {
      this.add(`${pointer}/step`, `"${expiry.step}" is a join: a goto cancels the branches it would wait for; go to the step after it`);
    } else if (target && this.branchOnly.has(expiry.step)) {
      this.add(`${pointer}/step`, `"${expiry.step}" runs only inside a branch of "${this.branchOnly.get(expiry.step)}", and a goto cancels the branches: go to a step outside the parallel step`);
    }
  }

  /**
   * A date comes from the data: a `var` must name a field the form declares as a string with format
   * date or date-time; any other expression reads only such fields, or is a constant date.
   */
  private date(expression: unknown, pointer: string): void {
    const problems = checkExpression(expression, (path) => this.dateField(path), pointer);
    for (const p of problems) this.add(p.pointer, p.message);
    // The date is recorded once the data gives it: it must not depend on the day or the calendar it is read with.
    const shellRead = readsToday(expression);
    if (shellRead) this.add(pointer, `a date to count from comes from the data alone: "${shellRead}" cannot be used here`);
    // One line per mistake: what gives no date is said only of an expression that reads nothing wrong.
    else if (!problems.length) this.dateResults(expression, pointer);
  }

  /**
   * What the expression gives must be a date: a field (checked above), a constant date, or an `if`
   * choosing among them. Anything else gives no date, and the clock or the wait would never count.
   */
  private dateResults(expression: unknown, pointer: string): void {
    if (expression === null || typeof expression !== 'object') {
      if (dateOf(expression) === undefined) this.add(pointer, `${JSON.stringify(expression)} is not a date: write "YYYY-MM-DD" or read a date field`);
      return;
    }
    const operation = operationOf(expression);
    if (!operation) {
      this.add(pointer, 'gives no date: a date is a date field ({"var": …}), a constant "YYYY-MM-DD", or an "if" choosing among them');
      return;
    }
    const { op, args, listed } = operation;
    const at = `${pointer}/${pointerSegment(op)}`;
    if (op === 'var') return;
    if (op !== 'if') {
      this.add(at, `"${op}" gives no date: a date is a date field ({"var": …}), a constant "YYYY-MM-DD", or an "if" choosing among them`);
      return;
    }
    // if: condition, result, condition, result…, else.
    args.forEach((arg, i) => {
      if (i % 2 === 1 || i === args.length - 1) this.dateResults(arg, listed ? `${at}/${i}` : at);
    });
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
      const step = has(this.definition.steps, stepId) ? this.definition.steps[stepId] : undefined;
      if (!step) return `"${path}" names no step`;
      if (step.type !== 'userTask' || !step.form) return `"${path}": step "${stepId}" has no form to read a date from`;
      schema = step.form as Schema;
      fields = rest.slice(2);
      where = `/steps/${stepId}/form`;
    } else {
      return `"${path}" is not a date field: a date comes from the form (data.<field>) or a task's form (steps.<step>.data.<field>)`;
    }
    if (!fields.length) return `"${path}" names a whole form, not a date field`;
    if (!readsAsFields(schema)) return undefined;
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
