/**
 * What a definition names outside its steps: roles, recipients, message templates, service activities and
 * their parameters, the guide's documents, and the variables its expressions read.
 */
import type { ProcedureDefinition, RequestComplementStep, ServiceTaskStep } from '../definition.generated.js';
import { checkExpression } from '../expression.js';
import { readsAsFields } from '../form-schema.js';
import { isServiceActivity, SERVICE_ACTIVITIES } from '../service-activities.js';
import type { Problems } from './problems.js';

const has = (object: object, key: string) => Object.prototype.hasOwnProperty.call(object, key);

/** Recipient words that are never roles: the applicant, and whoever holds the task. */
const NOT_ROLES: Record<string, string> = {
  citizen: 'always means the applicant, who is no agent',
  assignee: 'always means whoever holds the task',
};

/** Roles are declared once; "citizen" and "assignee" have their meaning already and cannot be declared. */
export function checkDeclaredRoles(definition: ProcedureDefinition, problems: Problems): void {
  definition.roles.forEach((role, i) => {
    const meaning = NOT_ROLES[role];
    if (meaning) problems.refuseFromVersion2(`/roles/${i}`, `"${role}" ${meaning}: it cannot be declared as a role`);
  });
}

/**
 * A role that holds tasks or receives escalations. The citizen is not one: the error once invited
 * declaring it, which made an inbox task for "citizen" that no agent holds.
 */
export function checkRole(definition: ProcedureDefinition, problems: Problems, role: string, pointer: string, holds: 'task' | 'escalation'): void {
  const declared = definition.roles.includes(role);
  if (role === 'citizen') {
    const instead =
      holds === 'task'
        ? 'a task is for an agent; to ask the citizen for documents use a requestComplement step'
        : 'a deadline escalates to an agent role; to tell the citizen add "citizen" to notify';
    const message = `"citizen" is the applicant, not an agent role: ${instead}`;
    // Undeclared, it was refused before too; declared, version 1 accepted it.
    if (declared) problems.refuseFromVersion2(pointer, message);
    else problems.refuse(pointer, message);
    return;
  }
  if (!declared) problems.refuse(pointer, `role "${role}" is not declared in /roles`);
}

export function checkRecipients(definition: ProcedureDefinition, problems: Problems, recipients: string[] | undefined, pointer: string): void {
  (recipients ?? []).forEach((r, i) => {
    if (r !== 'citizen' && r !== 'assignee' && !definition.roles.includes(r)) {
      problems.refuse(`${pointer}/${i}`, `recipient "${r}" is neither citizen, assignee nor a role declared in /roles`);
    }
  });
}

/** A notify step's message must be worded (in three languages, in the definition or by Mohla) before a definition may name it. */
export function checkTemplate(definition: ProcedureDefinition, problems: Problems, templates: ReadonlySet<string>, template: string, pointer: string): void {
  const worded = Object.keys(definition.messages ?? {});
  if (templates.has(template) || worded.includes(template)) return;
  const own = [...worded, ...[...templates].filter((t) => t.startsWith(`${definition.id}.`))].sort();
  const known = own.length
    ? `this procedure's messages are ${own.join(', ')}`
    : 'word it in /messages (Arabic, French and English)';
  problems.refuseFromVersion2(pointer, `no message template "${template}": ${known}`);
}

export function checkServiceTask(problems: Problems, step: ServiceTaskStep, at: string, checkExpressionAt: (expression: unknown, pointer: string) => void): void {
  if (!isServiceActivity(step.activity)) {
    problems.refuse(`${at}/activity`, `no service activity "${step.activity}"; known: ${Object.keys(SERVICE_ACTIVITIES).join(', ')}`);
    return;
  }
  const params: Record<string, boolean> = SERVICE_ACTIVITIES[step.activity].params;
  for (const [name, expression] of Object.entries(step.input ?? {})) {
    if (!has(params, name)) problems.refuse(`${at}/input/${name}`, `"${step.activity}" takes no parameter "${name}"`);
    else checkExpressionAt(expression, `${at}/input/${name}`);
  }
  for (const [name, required] of Object.entries(params)) {
    if (required && !has(step.input ?? {}, name)) problems.refuse(`${at}/input`, `"${step.activity}" needs parameter "${name}"`);
  }
}

export function checkDocumentIds(definition: ProcedureDefinition, problems: Problems): void {
  const seen = new Set<string>();
  definition.documents.forEach((doc, i) => {
    if (seen.has(doc.id)) problems.refuse(`/documents/${i}/id`, `document id "${doc.id}" is used twice`);
    seen.add(doc.id);
  });
}

/**
 * A complement asks only for the guide's documents, never one the administration fetches. Optional
 * documents are asked for only when an agent names them, so a step that lists nothing else must be
 * entered from a task, where an agent does.
 */
export function checkComplementDocuments(
  definition: ProcedureDefinition,
  problems: Problems,
  stepId: string,
  step: RequestComplementStep,
): void {
  const at = `/steps/${stepId}`;
  const published = new Map(definition.documents.map((d) => [d.id, d]));
  step.documents.forEach((id, i) => {
    const doc = published.get(id);
    if (!doc) problems.refuse(`${at}/documents/${i}`, `document "${id}" is not in the procedure's guide (/documents)`);
    else if (doc.fetchedByAdministration) {
      problems.refuse(`${at}/documents/${i}`, `document "${id}" is fetched by the administration: it cannot be asked of the citizen`);
    }
  });
  if (!step.documents.every((id) => published.get(id)?.optional)) return;
  const automatic = Object.entries(definition.steps).find(([, s]) => s.type !== 'userTask' && leadsTo(s, stepId));
  const fromStart = definition.start === stepId ? 'the start' : undefined;
  const from = fromStart ?? (automatic ? `step "${automatic[0]}"` : undefined);
  if (from) {
    problems.refuseFromVersion2(
      `${at}/documents`,
      `every document here is optional, and ${from} enters the step with no agent to choose among them: list a required document too, or reach the step only through a task's outcome`,
    );
  }
}

/** A step other than a task names this one as where it goes (a join leads nowhere by itself). */
function leadsTo(step: ProcedureDefinition['steps'][string], target: string): boolean {
  switch (step.type) {
    case 'serviceTask':
      return step.next === target || step.onFailure === target;
    case 'decision':
      return step.otherwise === target || step.cases.some((c) => c.next === target);
    case 'parallel':
      return step.next === target || Object.values(step.branches).some((b) => b.start === target);
    case 'requestComplement':
      return step.next === target || step.onTimeout === target || step.ifAlreadyRequested === target;
    case 'citizenWindow':
      return step.next === target || step.onExpiry === target;
    case 'wait':
    case 'notify':
      return step.next === target;
    case 'userTask':
    case 'join':
    case 'end':
      return false;
  }
}

/** Names what a variable path refers to, or why it refers to nothing. */
function variableProblem(definition: ProcedureDefinition): (path: string) => string | undefined {
  return (path) => {
    const [root, first, second] = path.split('.');
    if (root === 'data') {
      // A form whose properties are no object is refused on its own, in every language: said once.
      if (!first || !readsAsFields({ ...definition.form, type: 'object' })) return undefined;
      const properties = (definition.form as { properties?: Record<string, unknown> }).properties ?? {};
      return has(properties, first) ? undefined : `"${path}" is not a field of the form (/form/properties)`;
    }
    if (root === 'steps') {
      if (!first || !has(definition.steps, first)) return `"${path}" names no step`;
      if (second && !['outcome', 'data', 'result', 'visits'].includes(second)) {
        return `"${path}": a step has outcome, data, result and visits`;
      }
      return undefined;
    }
    if (root === 'branches') {
      const parallel = first ? definition.steps[first] : undefined;
      if (parallel?.type !== 'parallel') return `"${path}" names no parallel step`;
      if (second && !has(parallel.branches, second)) return `"${path}" names no branch of "${first}"`;
      return undefined;
    }
    if (root === 'complement') return undefined;
    return `"${path}" is not a variable: use data.<field>, steps.<step>.outcome|data|result|visits, branches.<parallel>.<branch> or complement.requested`;
  };
}

/** Known operators, the right number of arguments, and variables that exist. */
export function expressionChecker(definition: ProcedureDefinition, problems: Problems): (expression: unknown, pointer: string) => void {
  const variables = variableProblem(definition);
  return (expression, pointer) => {
    for (const p of checkExpression(expression, variables, pointer)) problems.refuse(p.pointer, p.message);
  };
}
