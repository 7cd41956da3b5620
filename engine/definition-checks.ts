/**
 * What a JSON Schema cannot check: references between steps, reachability, loops, roles, templates,
 * activities, expressions and deadlines. Each problem names the JSON pointer a designer must fix; the
 * rules live in engine/checks/, one module per concern, and docs/procedure-language.md lists them.
 */
import type { ProcedureDefinition } from './definition.generated.js';
import { checkBulkComplete } from './checks/bulk.js';
import { checkCitizenConstructs } from './citizen-checks.js';
import { checkConditions } from './condition-checks.js';
import { checkClocks } from './checks/clocks.js';
import { checkConstructs } from './construct-checks.js';
import { checkBudgetSizes, checkDeadline, checkServiceLevel } from './checks/deadlines.js';
import { checkGraph, checkTransitions } from './checks/graph.js';
import { checkLoops } from './checks/loops.js';
import { Problems, type DefinitionProblem } from './checks/problems.js';
import {
  checkComplementDocuments,
  checkDeclaredRoles,
  checkDocumentIds,
  checkRecipients,
  checkRole,
  checkServiceTask,
  checkTemplate,
  expressionChecker,
} from './checks/references.js';
import { checkEnumLabels, checkLegalBasis, checkMotivations } from './checks/texts.js';
import type { LanguageVersion } from './language.js';

export type { DefinitionProblem } from './checks/problems.js';

export interface CheckContext {
  /** The language the definition is read in: version 2's new rules only warn about a version-1 definition. */
  language: LanguageVersion;
  /** The message templates a notify step may name (notifications/templates.ts), passed in to keep the engine pure. */
  templates: ReadonlySet<string>;
}

function checkSteps(definition: ProcedureDefinition, problems: Problems, context: CheckContext): void {
  const checkExpression = expressionChecker(definition, problems);
  for (const [stepId, step] of Object.entries(definition.steps)) {
    const at = `/steps/${stepId}`;
    switch (step.type) {
      case 'userTask':
        checkRole(definition, problems, step.role, `${at}/role`, 'task');
        if (step.form) checkEnumLabels(problems, step.form, `${at}/form`);
        if (step.serviceLevel) checkServiceLevel(definition, problems, step.serviceLevel, `${at}/serviceLevel`);
        checkBulkComplete(problems, step, at);
        break;
      case 'serviceTask':
        checkServiceTask(problems, step, at, checkExpression);
        break;
      case 'decision':
        step.cases.forEach((c, i) => checkExpression(c.when, `${at}/cases/${i}/when`));
        break;
      case 'parallel': {
        const count = Object.keys(step.branches).length;
        if (step.completion.mode === 'nOfM' && step.completion.n > count) {
          problems.refuse(`${at}/completion/n`, `${step.completion.n} of ${count} branches can never complete`);
        }
        break;
      }
      case 'join': {
        const parallel = Object.prototype.hasOwnProperty.call(definition.steps, step.parallel) ? definition.steps[step.parallel] : undefined;
        if (parallel && parallel.type !== 'parallel') problems.refuse(`${at}/parallel`, `step "${step.parallel}" is not a parallel step`);
        else if (!parallel) problems.refuse(`${at}/parallel`, `step "${step.parallel}" does not exist`);
        break;
      }
      case 'requestComplement':
        checkComplementDocuments(definition, problems, stepId, step);
        break;
      case 'notify':
        checkRecipients(definition, problems, step.notify, `${at}/notify`);
        checkTemplate(definition, problems, context.templates, step.template, `${at}/template`);
        break;
      case 'citizenWindow':
        checkRecipients(definition, problems, step.notify, `${at}/notify`);
        if (step.action.form) checkEnumLabels(problems, step.action.form, `${at}/action/form`);
        break;
      case 'wait':
      case 'end':
        break;
    }
  }
}

export function checkDefinition(definition: ProcedureDefinition, context: CheckContext): DefinitionProblem[] {
  const problems = new Problems(context.language);
  checkTransitions(definition, problems);
  checkLegalBasis(problems, definition.legalBasis, '/legalBasis');
  checkDocumentIds(definition, problems);
  checkDeclaredRoles(definition, problems);
  checkEnumLabels(problems, definition.form, '/form');
  checkSteps(definition, problems, context);
  checkMotivations(definition, problems);
  checkGraph(definition, problems);
  checkLoops(definition, problems);
  checkLegalBasis(problems, definition.deadline.legalBasis, '/deadline/legalBasis');
  checkDeadline(definition, problems, expressionChecker(definition, problems));
  checkClocks(definition, problems);
  checkBudgetSizes(definition, problems);
  return [...problems.list, ...checkCitizenConstructs(definition, context.language), ...checkConditions(definition, context.language), ...checkConstructs(definition, context.language)];
}
