/**
 * What a JSON Schema cannot check: references between steps, reachability, roles, activities,
 * expressions and deadlines. Each problem names the JSON pointer a designer must fix.
 */
import type {
  Budget,
  Expiry,
  LegalDeadline,
  ProcedureDefinition,
  ServiceLevel,
  Step,
  WarningRung,
} from './definition.generated.js';
import { checkConditions } from './condition-checks.js';
import { parseIsoDuration } from './deadline/duration.js';
import { checkClocks, gotoTargets } from './clock-checks.js';
import { checkExpression } from './expression.js';
import { eachSubschema, pointerSegment } from './form-schema.js';
import { CURRENT_LANGUAGE_VERSION, type LanguageVersion } from './language.js';
import { isServiceActivity, SERVICE_ACTIVITIES } from './service-activities.js';

export interface DefinitionProblem {
  /** JSON pointer into the definition. */
  pointer: string;
  message: string;
  /** A warning is reported and never refuses the definition (a rule newer than its language). */
  severity?: 'warning';
}

const has = (object: object, key: string) => Object.prototype.hasOwnProperty.call(object, key);

/** An edge of the step graph, with the pointer of the reference that makes it. */
interface Edge {
  to: string;
  pointer: string;
}

function expiryEdges(expiry: Expiry | undefined, pointer: string): Edge[] {
  if (expiry && (expiry.action === 'autoApprove' || expiry.action === 'autoReject')) {
    return [{ to: expiry.end, pointer: `${pointer}/end` }];
  }
  if (expiry?.action === 'goto') return [{ to: expiry.step, pointer: `${pointer}/step` }];
  return [];
}

/** Where a step can lead. A join leads where its parallel step goes on. */
export function stepEdges(definition: ProcedureDefinition, stepId: string, step: Step): Edge[] {
  const at = `/steps/${stepId}`;
  switch (step.type) {
    case 'userTask':
      return [
        ...Object.entries(step.outcomes).map(([o, t]) => ({ to: t.next, pointer: `${at}/outcomes/${o}/next` })),
        ...expiryEdges(step.serviceLevel?.onExpiry, `${at}/serviceLevel/onExpiry`),
      ];
    case 'serviceTask':
      return [
        { to: step.next, pointer: `${at}/next` },
        ...(step.onFailure ? [{ to: step.onFailure, pointer: `${at}/onFailure` }] : []),
      ];
    case 'decision':
      return [
        ...step.cases.map((c, i) => ({ to: c.next, pointer: `${at}/cases/${i}/next` })),
        { to: step.otherwise, pointer: `${at}/otherwise` },
      ];
    case 'parallel':
      return [
        ...Object.entries(step.branches).map(([b, branch]) => ({ to: branch.start, pointer: `${at}/branches/${b}/start` })),
        { to: step.next, pointer: `${at}/next` },
      ];
    case 'join': {
      const parallel = definition.steps[step.parallel];
      return parallel?.type === 'parallel' ? [{ to: parallel.next, pointer: `${at}/parallel` }] : [];
    }
    case 'requestComplement':
      return [
        { to: step.next, pointer: `${at}/next` },
        { to: step.onTimeout, pointer: `${at}/onTimeout` },
        ...(step.ifAlreadyRequested ? [{ to: step.ifAlreadyRequested, pointer: `${at}/ifAlreadyRequested` }] : []),
      ];
    case 'wait':
    case 'notify':
      return [{ to: step.next, pointer: `${at}/next` }];
    case 'end':
      return [];
  }
}

function reachableFrom(starts: string[], next: (id: string) => string[]): Set<string> {
  const seen = new Set<string>();
  const queue = [...starts];
  while (queue.length) {
    const id = queue.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    queue.push(...next(id));
  }
  return seen;
}

/** Comparable size of a budget, when two budgets share a unit. */
function budgetSize(budget: Budget): { unit: string; size: number } {
  if ('workingDays' in budget) return { unit: 'workingDays', size: budget.workingDays };
  if ('calendarDays' in budget) return { unit: 'calendarDays', size: budget.calendarDays };
  return { unit: 'duration', size: parseIsoDuration(budget.duration) ?? 0 };
}

function budgetUnit(budget: Budget): 'workingDays' | 'calendarDays' | 'duration' {
  return budgetSize(budget).unit as 'workingDays' | 'calendarDays' | 'duration';
}

class Checker {
  readonly problems: DefinitionProblem[] = [];
  private readonly roles: Set<string>;

  constructor(private readonly definition: ProcedureDefinition) {
    this.roles = new Set(definition.roles);
  }

  add(pointer: string, message: string): void {
    this.problems.push({ pointer, message });
  }

  stepExists(id: string): boolean {
    return has(this.definition.steps, id);
  }

  run(): DefinitionProblem[] {
    const { definition } = this;
    if (!this.stepExists(definition.start)) this.add('/start', `start step "${definition.start}" does not exist`);
    this.checkLegalBasis(definition.legalBasis, '/legalBasis');
    this.checkDocuments();
    this.checkEnumLabels(definition.form, '/form');
    for (const [stepId, step] of Object.entries(definition.steps)) this.checkStep(stepId, step);
    this.checkGraph();
    this.checkDeadline(definition.deadline, '/deadline');
    return this.problems;
  }

  private checkLegalBasis(basis: ProcedureDefinition['legalBasis'] | undefined, pointer: string): void {
    if (basis && !basis.confirmed && !/unconfirmed/i.test(basis.note)) {
      this.add(`${pointer}/note`, 'an unconfirmed legal basis must say "unconfirmed" in its note');
    }
  }

  private checkDocuments(): void {
    const seen = new Set<string>();
    this.definition.documents.forEach((doc, i) => {
      if (seen.has(doc.id)) this.add(`/documents/${i}/id`, `document id "${doc.id}" is used twice`);
      seen.add(doc.id);
    });
  }

  /** A label for a value the enum beside it does not accept would label nothing a person can choose. */
  private checkEnumLabels(form: Record<string, unknown>, pointer: string): void {
    eachSubschema(form, pointer, (schema, at) => {
      const labels = schema.enumLabels;
      // A malformed value is the meta-schema's to report.
      if (labels === null || typeof labels !== 'object' || Array.isArray(labels)) return;
      if (!Array.isArray(schema.enum)) {
        this.add(`${at}/enumLabels`, 'enumLabels names the values of an enum, and this schema has no enum');
        return;
      }
      // Object keys are strings: a number, boolean or null value is labelled under its JSON text.
      const values = schema.enum.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
      for (const key of Object.keys(labels)) {
        if (!values.includes(key)) this.add(`${at}/enumLabels/${pointerSegment(key)}`, `"${key}" is not a value of the enum (${values.join(', ')})`);
      }
    });
  }

  private checkRole(role: string, pointer: string): void {
    if (!this.roles.has(role)) this.add(pointer, `role "${role}" is not declared in /roles`);
  }

  private checkRecipients(recipients: string[] | undefined, pointer: string): void {
    (recipients ?? []).forEach((r, i) => {
      if (r !== 'citizen' && r !== 'assignee' && !this.roles.has(r)) {
        this.add(`${pointer}/${i}`, `recipient "${r}" is neither citizen, assignee nor a role declared in /roles`);
      }
    });
  }

  /** Names what a variable path refers to, or why it refers to nothing. */
  private variableProblem = (path: string): string | undefined => {
    const [root, first, second] = path.split('.');
    if (root === 'data') {
      if (!first) return undefined;
      const properties = (this.definition.form as { properties?: Record<string, unknown> }).properties ?? {};
      return has(properties, first) ? undefined : `"${path}" is not a field of the form (/form/properties)`;
    }
    if (root === 'steps') {
      if (!first || !this.stepExists(first)) return `"${path}" names no step`;
      if (second && !['outcome', 'data', 'result'].includes(second)) {
        return `"${path}": a step has outcome, data and result`;
      }
      return undefined;
    }
    if (root === 'branches') {
      const parallel = first ? this.definition.steps[first] : undefined;
      if (parallel?.type !== 'parallel') return `"${path}" names no parallel step`;
      if (second && !has(parallel.branches, second)) return `"${path}" names no branch of "${first}"`;
      return undefined;
    }
    if (root === 'complement') return undefined;
    return `"${path}" is not a variable: use data.<field>, steps.<step>.outcome|data|result, branches.<parallel>.<branch> or complement.requested`;
  };

  private checkExpression(expression: unknown, pointer: string): void {
    for (const p of checkExpression(expression, this.variableProblem, pointer)) this.add(p.pointer, p.message);
  }

  private checkStep(stepId: string, step: Step): void {
    const at = `/steps/${stepId}`;
    for (const edge of stepEdges(this.definition, stepId, step)) {
      if (!this.stepExists(edge.to)) this.add(edge.pointer, `step "${edge.to}" does not exist`);
    }
    switch (step.type) {
      case 'userTask':
        this.checkRole(step.role, `${at}/role`);
        if (step.form) this.checkEnumLabels(step.form, `${at}/form`);
        if (step.serviceLevel) this.checkServiceLevel(step.serviceLevel, `${at}/serviceLevel`);
        break;
      case 'serviceTask': {
        if (!isServiceActivity(step.activity)) {
          this.add(`${at}/activity`, `no service activity "${step.activity}"; known: ${Object.keys(SERVICE_ACTIVITIES).join(', ')}`);
          break;
        }
        const params: Record<string, boolean> = SERVICE_ACTIVITIES[step.activity].params;
        for (const [name, expression] of Object.entries(step.input ?? {})) {
          if (!has(params, name)) this.add(`${at}/input/${name}`, `"${step.activity}" takes no parameter "${name}"`);
          else this.checkExpression(expression, `${at}/input/${name}`);
        }
        for (const [name, required] of Object.entries(params)) {
          if (required && !has(step.input ?? {}, name)) this.add(`${at}/input`, `"${step.activity}" needs parameter "${name}"`);
        }
        break;
      }
      case 'decision':
        step.cases.forEach((c, i) => this.checkExpression(c.when, `${at}/cases/${i}/when`));
        break;
      case 'parallel': {
        const count = Object.keys(step.branches).length;
        if (step.completion.mode === 'nOfM' && step.completion.n > count) {
          this.add(`${at}/completion/n`, `${step.completion.n} of ${count} branches can never complete`);
        }
        break;
      }
      case 'join': {
        const parallel = this.definition.steps[step.parallel];
        if (parallel && parallel.type !== 'parallel') this.add(`${at}/parallel`, `step "${step.parallel}" is not a parallel step`);
        else if (!parallel) this.add(`${at}/parallel`, `step "${step.parallel}" does not exist`);
        break;
      }
      case 'requestComplement': {
        const published = new Map(this.definition.documents.map((d) => [d.id, d]));
        step.documents.forEach((id, i) => {
          const doc = published.get(id);
          if (!doc) this.add(`${at}/documents/${i}`, `document "${id}" is not in the procedure's guide (/documents)`);
          else if (doc.fetchedByAdministration) {
            this.add(`${at}/documents/${i}`, `document "${id}" is fetched by the administration: it cannot be asked of the citizen`);
          }
        });
        break;
      }
      case 'notify':
        this.checkRecipients(step.notify, `${at}/notify`);
        break;
      case 'wait':
      case 'end':
        break;
    }
  }

  private checkGraph(): void {
    const { definition } = this;
    const steps = definition.steps;
    // Without a start every step would be reported unreachable: the one real error is enough.
    if (!this.stepExists(definition.start)) return;
    const next = (id: string) => {
      const step = steps[id];
      return step ? stepEdges(definition, id, step).map((e) => e.to).filter((to) => has(steps, to)) : [];
    };
    const expiryTargets = [
      ...expiryEdges(definition.deadline.onExpiry, '/deadline/onExpiry').map((e) => e.to),
      ...gotoTargets(definition),
    ].filter((to) => has(steps, to));
    const reachable = reachableFrom([definition.start, ...expiryTargets].filter((s) => has(steps, s)), next);
    for (const id of Object.keys(steps)) {
      if (!reachable.has(id)) this.add(`/steps/${id}`, `step "${id}" cannot be reached from the start`);
    }
    const predecessors = new Map<string, string[]>();
    for (const id of Object.keys(steps)) for (const to of next(id)) predecessors.set(to, [...(predecessors.get(to) ?? []), id]);
    const ends = Object.entries(steps).filter(([, s]) => s.type === 'end').map(([id]) => id);
    const canEnd = reachableFrom(ends, (id) => predecessors.get(id) ?? []);
    for (const id of Object.keys(steps)) {
      if (reachable.has(id) && !canEnd.has(id)) this.add(`/steps/${id}`, `no end can be reached from step "${id}"`);
    }
    for (const [id, step] of Object.entries(steps)) {
      if (step.type === 'parallel') {
        for (const [branchId, branch] of Object.entries(step.branches)) {
          const inBranch = reachableFrom(has(steps, branch.start) ? [branch.start] : [], (s) => (steps[s]?.type === 'join' ? [] : next(s)));
          const joins = [...inBranch].some((s) => {
            const candidate = steps[s];
            return candidate?.type === 'join' && candidate.parallel === id;
          });
          if (!joins) this.add(`/steps/${id}/branches/${branchId}`, `branch "${branchId}" never reaches a join of "${id}"`);
        }
      }
      if (step.type === 'requestComplement' && step.onlyOnce && !step.ifAlreadyRequested) {
        const again = reachableFrom(next(id), next).has(id);
        if (again) {
          this.add(`/steps/${id}/ifAlreadyRequested`, `step "${id}" can be entered again but a complement may be asked only once: say where to go then`);
        }
      }
    }
  }

  private checkExpiry(expiry: Expiry, pointer: string): void {
    switch (expiry.action) {
      case 'escalate':
        this.checkRole(expiry.toRole, `${pointer}/toRole`);
        this.checkRecipients(expiry.notify, `${pointer}/notify`);
        break;
      case 'notify':
        this.checkRecipients(expiry.notify, `${pointer}/notify`);
        break;
      case 'autoApprove':
      case 'autoReject': {
        const want = expiry.action === 'autoApprove' ? 'approved' : 'rejected';
        const end = this.definition.steps[expiry.end];
        if (!end) this.add(`${pointer}/end`, `step "${expiry.end}" does not exist`);
        else if (end.type !== 'end' || end.outcome !== want) {
          this.add(`${pointer}/end`, `${expiry.action} needs an end step whose outcome is ${want}; "${expiry.end}" is not`);
        }
        break;
      }
    }
  }

  private checkWarnings(warnings: WarningRung[] | undefined, budget: Budget, pointer: string): void {
    const total = budgetSize(budget);
    (warnings ?? []).forEach((rung, i) => {
      this.checkRecipients(rung.notify, `${pointer}/${i}/notify`);
      const before = budgetSize(rung.before);
      if (before.unit === total.unit && before.size >= total.size) {
        this.add(`${pointer}/${i}/before`, `a warning ${before.size} ${before.unit} before a ${total.size} ${total.unit} deadline would fire at once`);
      }
    });
  }

  private checkServiceLevel(level: ServiceLevel, pointer: string): void {
    this.checkWarnings(level.warnings, level.budget, `${pointer}/warnings`);
    if (level.onExpiry) {
      if (level.onExpiry.action === 'autoApprove' || level.onExpiry.action === 'autoReject') {
        this.add(`${pointer}/onExpiry/action`, 'a service level may escalate or notify; only the legal deadline decides by silence');
      }
      this.checkExpiry(level.onExpiry, `${pointer}/onExpiry`);
    }
  }

  private checkDeadline(deadline: LegalDeadline, pointer: string): void {
    this.checkLegalBasis(deadline.legalBasis, `${pointer}/legalBasis`);
    if (deadline.startsOn === 'stepEntry') {
      if (!deadline.step) this.add(`${pointer}/step`, 'a deadline that starts on entering a step must name the step');
      else if (!this.stepExists(deadline.step)) this.add(`${pointer}/step`, `step "${deadline.step}" does not exist`);
    } else if (deadline.step) {
      this.add(`${pointer}/step`, `"step" only goes with startsOn "stepEntry", not "${deadline.startsOn}"`);
    }
    (deadline.variants ?? []).forEach((variant, i) => {
      this.checkExpression(variant.when, `${pointer}/variants/${i}/when`);
      if (budgetUnit(variant.budget) !== budgetUnit(deadline.budget) && deadline.extension) {
        this.add(`${pointer}/variants/${i}/budget`, 'a variant must count in the same unit as the budget its extensions add to');
      }
    });
    this.checkWarnings(deadline.warnings, deadline.budget, `${pointer}/warnings`);
    this.checkExpiry(deadline.onExpiry, `${pointer}/onExpiry`);
  }
}

/** Every problem of the definition, read in `language` (the one it is or would be published under). */
export function checkDefinition(definition: ProcedureDefinition, language: LanguageVersion = definition.languageVersion ?? CURRENT_LANGUAGE_VERSION): DefinitionProblem[] {
  return [...new Checker(definition).run(), ...checkConditions(definition, language), ...checkClocks(definition, language)];
}
