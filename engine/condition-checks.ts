/**
 * What the checker says about a definition's conditions beyond operators and variable roots
 * (checkExpression): the fields of task forms they read, values an enum or a task's outcomes cannot
 * take, dates that are no dates, and operators the definition's language does not have.
 *
 * A rule that language 2 added is a warning for a language-1 definition, never a refusal: those were
 * published before the rule existed, and their applications run as they were written.
 */
import type { ProcedureDefinition, Step } from './definition.generated.js';
import { dateOf } from './expressions/dates.js';
import { expressionsOf } from './expressions/in-definition.js';
import { looseEquals } from './expressions/json-logic.js';
import { looseEqualsLanguage1 } from './expressions/language-1.js';
import { DATE_OPERATORS, ITEM_SCOPED, operationOf, operatorSpec } from './expressions/operators.js';
import { pointerSegment, readsAsFields } from './form-schema.js';
import type { LanguageVersion } from './language.js';

export interface ConditionProblem {
  pointer: string;
  message: string;
  /** A warning is reported and never refuses the definition. */
  severity?: 'warning';
}

type Schema = Record<string, unknown>;
const isSchema = (value: unknown): value is Schema => value !== null && typeof value === 'object' && !Array.isArray(value);
const own = (object: object, key: string) => Object.prototype.hasOwnProperty.call(object, key);
const isConstant = (node: unknown) => node === null || ['string', 'number', 'boolean'].includes(typeof node);

/** What a variable reads, as far as the definition tells. */
type Target =
  | { kind: 'field'; path: string; schema: Schema }
  | { kind: 'outcome'; path: string; stepId: string; outcomes: string[] }
  | { kind: 'unknown' };

const UNKNOWN: Target = { kind: 'unknown' };

/**
 * Follows a path into a form's schema, a field at a time: through `properties`, and through `items`
 * for an index. Undefined where the schema says no more (a field of free shape).
 */
function fieldSchema(form: unknown, fields: string[]): { schema?: Schema; missing?: { at: number; listed: string } } {
  let schema: unknown = form;
  for (let i = 0; i < fields.length; i++) {
    if (!isSchema(schema)) return {};
    const field = fields[i]!;
    const properties = schema.properties;
    if (isSchema(properties)) {
      if (!own(properties, field)) return { missing: { at: i, listed: Object.keys(properties).join(', ') } };
      schema = properties[field];
    } else if (isSchema(schema.items) && /^\d+$/.test(field)) {
      schema = schema.items;
    } else {
      return {};
    }
  }
  return isSchema(schema) ? { schema } : {};
}

/** The values a schema allows, when it lists them (enum or const). */
function listedValues(schema: Schema): unknown[] | undefined {
  if (Array.isArray(schema.enum)) return schema.enum;
  return own(schema, 'const') ? [schema.const] : undefined;
}

const show = (value: unknown) => JSON.stringify(value);

class ConditionChecker {
  readonly problems: ConditionProblem[] = [];

  constructor(
    private readonly definition: ProcedureDefinition,
    private readonly language: LanguageVersion,
  ) {}

  /** A refusal; for a rule language 2 added, a warning in a language-1 definition. */
  private report(pointer: string, message: string, addedInLanguage2 = true): void {
    const warning = addedInLanguage2 && this.language < 2;
    this.problems.push({ pointer, message, ...(warning ? { severity: 'warning' as const } : {}) });
  }

  run(): ConditionProblem[] {
    for (const { expression, pointer } of expressionsOf(this.definition)) this.visit(expression, pointer, false);
    return this.problems;
  }

  private visit(node: unknown, at: string, itemScope: boolean): void {
    if (Array.isArray(node)) {
      node.forEach((child, i) => this.visit(child, `${at}/${i}`, itemScope));
      return;
    }
    const operation = operationOf(node);
    const spec = operation && operatorSpec(operation.op);
    // Malformed operations, unknown operators and wrong numbers of arguments are checkExpression's to report.
    if (!operation || !spec || operation.args.length < spec.arity[0] || operation.args.length > spec.arity[1]) return;
    const { op, args, listed } = operation;
    const here = `${at}/${pointerSegment(op)}`;
    const argAt = (i: number) => (listed ? `${here}/${i}` : here);
    if (DATE_OPERATORS.has(op) && this.language < 2) {
      this.report(here, `"${op}" counts days, which language 1 cannot: a definition using it declares "languageVersion": 2`, false);
      return;
    }
    if (op === 'var') {
      if (!itemScope && typeof args[0] === 'string') this.target(args[0], here);
      // A number names a position in a list item; the application's data has none.
      if (!itemScope && typeof args[0] === 'number') this.report(here, `${args[0]} names nothing here: outside some, all, none and count a variable is a path such as data.<field>`);
      return;
    }
    if (['==', '!=', '===', '!=='].includes(op)) this.checkComparison(op, args, argAt, itemScope);
    if (['<', '<=', '>', '>='].includes(op)) this.checkOrder(args, argAt, itemScope);
    if (ITEM_SCOPED.has(op)) this.checkItems(args[0], argAt(0), itemScope);
    if (op === 'in') this.checkMembership(args, argAt, itemScope);
    if (DATE_OPERATORS.has(op)) args.forEach((arg, i) => this.checkDate(arg, argAt(i), itemScope));
    if (ITEM_SCOPED.has(op)) {
      this.visit(args[0], argAt(0), itemScope);
      this.visit(args[1], `${here}/1`, true);
      return;
    }
    args.forEach((arg, i) => this.visit(arg, argAt(i), itemScope));
  }

  /** The variable a node reads, when it is a plain `var` of the application (not of a list item). */
  private variableOf(node: unknown, itemScope: boolean): string | undefined {
    const operation = operationOf(node);
    if (itemScope || operation?.op !== 'var') return undefined;
    const path = operation.args[0];
    return typeof path === 'string' ? path : undefined;
  }

  /**
   * What a variable reads; reports, at `pointer`, a task-form field that does not exist and a step part
   * that is never set. Unknown roots, steps and citizen-form fields are checkExpression's to report.
   */
  private target(path: string, pointer?: string): Target {
    const report = (message: string) => {
      if (pointer) this.report(pointer, message);
      return UNKNOWN;
    };
    const [root, stepId, part, ...fields] = path.split('.');
    if (root === 'data') {
      if (!readsAsFields(this.definition.form)) return UNKNOWN;
      const nested = path.split('.').slice(1);
      const found = fieldSchema(this.definition.form, nested);
      // A field the form lacks at the top is already refused, in every language.
      if (found.missing && found.missing.at > 0) {
        const parent = ['data', ...nested.slice(0, found.missing.at)].join('.');
        return report(`"${path}" is not a field of ${parent} (${found.missing.listed})`);
      }
      return found.schema ? { kind: 'field', path, schema: found.schema } : UNKNOWN;
    }
    if (root !== 'steps' || !stepId || !part || !own(this.definition.steps, stepId)) return UNKNOWN;
    const step = this.definition.steps[stepId]!;
    if (part === 'outcome') {
      if (step.type !== 'userTask') return report(`"${path}": step "${stepId}" is a ${step.type}, and only a task has an outcome`);
      return { kind: 'outcome', path, stepId, outcomes: Object.keys(step.outcomes) };
    }
    if (part === 'result') {
      if (step.type !== 'serviceTask' || !step.resultAs) return report(`"${path}": step "${stepId}" keeps no result (a service task with "resultAs": true does)`);
      return UNKNOWN;
    }
    if (part === 'data') return this.taskField(path, stepId, step, fields, report);
    return UNKNOWN;
  }

  /** `steps.<task>.data.<field>…`: what an agent entered in the task's form, or the citizen in a window's. */
  private taskField(path: string, stepId: string, step: Step, fields: string[], report: (message: string) => Target): Target {
    if (step.type === 'citizenWindow') return this.formField(path, stepId, step.action.form, `/steps/${pointerSegment(stepId)}/action/form`, `window "${stepId}"`, fields, report);
    if (step.type !== 'userTask') return report(`"${path}": step "${stepId}" is a ${step.type}; only a task's form is entered as data`);
    return this.formField(path, stepId, step.form, `/steps/${pointerSegment(stepId)}/form`, `task "${stepId}"`, fields, report);
  }

  private formField(path: string, stepId: string, form: Schema | undefined, formAt: string, name: string, fields: string[], report: (message: string) => Target): Target {
    if (!form) return report(`"${path}": ${name} has no form (${formAt})`);
    if (!fields.length || !readsAsFields(form)) return UNKNOWN;
    const found = fieldSchema(form, fields);
    if (found.missing) {
      const parent = ['steps', stepId, 'data', ...fields.slice(0, found.missing.at)].join('.');
      const listed = found.missing.listed || 'none';
      return report(
        found.missing.at === 0
          ? `"${path}" is not a field of the form of ${name} (${formAt}/properties: ${listed})`
          : `"${path}" is not a field of ${parent} (${listed})`,
      );
    }
    return found.schema ? { kind: 'field', path, schema: found.schema } : UNKNOWN;
  }

  /** The values a variable can take, when the definition lists them, and how to name them. */
  private allowed(path: string): { values: unknown[]; name: string } | undefined {
    const target = this.target(path);
    if (target.kind === 'outcome') return { values: target.outcomes, name: `an outcome of task "${target.stepId}"` };
    if (target.kind !== 'field') return undefined;
    const values = listedValues(target.schema);
    return values && values.every(isConstant) ? { values, name: `a value of ${path}` } : undefined;
  }

  private refuseOutside(path: string, constant: unknown, pointer: string, matches: (value: unknown) => boolean): void {
    // Comparing with null asks whether the field was left empty: always meaningful.
    if (constant === null) return;
    const allowed = this.allowed(path);
    if (!allowed || allowed.values.some(matches)) return;
    this.report(pointer, `${show(constant)} is not ${allowed.name} (${allowed.values.map(show).join(', ')}): the comparison can never hold`);
  }

  /** `==`, `!=`, `===` and `!==` between a variable and a constant the variable can never equal. */
  private checkComparison(op: string, args: unknown[], argAt: (i: number) => string, itemScope: boolean): void {
    const loose = this.language < 2 ? looseEqualsLanguage1 : looseEquals;
    const equal = op === '==' || op === '!=' ? loose : (a: unknown, b: unknown) => a === b;
    for (const [variable, constant] of [[0, 1], [1, 0]] as const) {
      const path = this.variableOf(args[variable], itemScope);
      if (path && isConstant(args[constant])) this.refuseOutside(path, args[constant], argAt(constant), (v) => equal(v, args[constant]));
    }
  }

  /** The type names a field's schema declares, when it declares any. */
  private declaredTypes(node: unknown, itemScope: boolean): { path: string; types: string[]; format?: unknown } | undefined {
    const path = this.variableOf(node, itemScope);
    const target = path ? this.target(path) : UNKNOWN;
    if (target.kind !== 'field' || target.schema.type === undefined) return undefined;
    const types = (Array.isArray(target.schema.type) ? target.schema.type : [target.schema.type]).map(String);
    return { path: target.path, types, format: target.schema.format };
  }

  /**
   * `<`, `<=`, `>` and `>=` between a field and a text constant: a number field against a text that is
   * no number is never ordered, and a date field against a text that is no date is ordered letter by
   * letter, not in date order.
   */
  private checkOrder(args: unknown[], argAt: (i: number) => string, itemScope: boolean): void {
    args.forEach((arg, i) => {
      if (typeof arg !== 'string') return;
      const neighbours = [args[i - 1], args[i + 1]].map((n) => this.declaredTypes(n, itemScope)).filter((f) => f !== undefined);
      for (const field of neighbours) {
        const numeric = field.types.every((t) => t === 'number' || t === 'integer' || t === 'null');
        if (numeric && (arg.trim() === '' || Number.isNaN(Number(arg)))) {
          this.report(argAt(i), `${show(arg)} is no number, and "${field.path}" is a ${field.types.join(' or ')} field: the comparison never holds`);
          return;
        }
        if ((field.format === 'date' || field.format === 'date-time') && dateOf(arg) === undefined) {
          this.report(argAt(i), `${show(arg)} is not a date, and "${field.path}" is a date field: dates compare in date order only with dates written "YYYY-MM-DD"`);
          return;
        }
      }
    });
  }

  /** `some`, `all`, `none` and `count` range over a list or an object's values: over anything else, over nothing. */
  private checkItems(arg: unknown, pointer: string, itemScope: boolean): void {
    const field = this.declaredTypes(arg, itemScope);
    if (field && !field.types.some((t) => t === 'array' || t === 'object')) {
      this.report(pointer, `"${field.path}" is a ${field.types.join(' or ')} field, not a list: there is nothing to range over`);
    }
  }

  /**
   * `in` with a variable and a list of constants: each must be a value the variable can take. Read the
   * other way round, `in` looks for a piece of text in the variable's text: some value must contain it.
   * And it looks only in a list or a text: in any other constant it never finds anything.
   */
  private checkMembership(args: unknown[], argAt: (i: number) => string, itemScope: boolean): void {
    const list = args[1];
    if (list === null || (typeof list !== 'string' && typeof list !== 'object')) {
      this.report(argAt(1), `"in" looks in a list or a text, and ${show(list)} is neither: it never holds`);
      return;
    }
    const haystack = this.variableOf(list, itemScope);
    if (haystack && typeof args[0] === 'string') {
      const allowed = this.allowed(haystack);
      if (allowed && allowed.values.every((v) => typeof v === 'string') && !allowed.values.some((v) => (v as string).includes(args[0] as string))) {
        this.report(argAt(0), `${show(args[0])} is in no ${allowed.name.replace(/^an? /, '')} (${allowed.values.map(show).join(', ')}): "in" looks for it in the variable's text, so it never holds; to test the value, write {"in": [{"var": "${haystack}"}, [${show(args[0])}]]}`);
      }
    }
    const path = this.variableOf(args[0], itemScope);
    if (!path || !Array.isArray(list)) return;
    list.forEach((constant, i) => {
      if (isConstant(constant)) this.refuseOutside(path, constant, `${argAt(1)}/${i}`, (v) => v === constant);
    });
  }

  /** A date operator's argument: a date written as one, or a field that can hold a date. */
  private checkDate(arg: unknown, pointer: string, itemScope: boolean): void {
    if (isConstant(arg)) {
      if (dateOf(arg) === undefined) this.report(pointer, `${show(arg)} is not a date: write it "YYYY-MM-DD", or as an ISO 8601 instant`);
      return;
    }
    const path = this.variableOf(arg, itemScope);
    const target = path ? this.target(path) : UNKNOWN;
    if (target.kind !== 'field' || target.schema.type === undefined) return;
    const types = Array.isArray(target.schema.type) ? target.schema.type : [target.schema.type];
    if (!types.includes('string')) this.report(pointer, `"${target.path}" is a ${types.join(' or ')} field and holds no date (a date is a string field with "format": "date")`);
  }
}

/** Every problem of the definition's conditions, each with its pointer; some are warnings in language 1. */
export function checkConditions(definition: ProcedureDefinition, language: LanguageVersion): ConditionProblem[] {
  return new ConditionChecker(definition, language).run();
}
