/**
 * The checker's rules for the citizen's turn (language 2): citizen windows, complements that ask for
 * fields of the form. A definition written in language 1 may not use them: those
 * constructs did not exist when it was published, so there is nothing to keep working for it.
 */
import type { ProcedureDefinition } from './definition.generated.js';
import { pointerSegment } from './form-schema.js';
import { isInternal } from './internal-procedures.js';
import type { LanguageVersion } from './language.js';

export interface CitizenProblem {
  pointer: string;
  message: string;
}


const needsLanguage2 = (what: string) => `${what} needs language 2: this definition declares "languageVersion": 1`;

export function checkCitizenConstructs(definition: ProcedureDefinition, language: LanguageVersion): CitizenProblem[] {
  const problems: CitizenProblem[] = [];
  const add = (pointer: string, message: string) => problems.push({ pointer, message });
  const languageOne = language < 2;
  const formFields = Object.keys((definition.form as { properties?: Record<string, unknown> }).properties ?? {});

  // `goto` expiries are checked with the clocks (checks/clocks.ts).
  for (const [stepId, step] of Object.entries(definition.steps)) {
    const at = `/steps/${pointerSegment(stepId)}`;
    if (step.type === 'citizenWindow') {
      if (languageOne) add(`${at}/type`, needsLanguage2('a citizen window'));
      if (isInternal(definition)) add(at, 'an internal procedure has no citizen to act: it cannot have a citizenWindow step');
      if (step.next === stepId) add(`${at}/next`, 'a window cannot lead back to itself once the citizen acts');
      if (step.reviewWithin && step.legalDeadline === 'pause') {
        add(`${at}/reviewWithin`, 'a window that pauses the legal deadline cannot also restart it: use "legalDeadline": "stop" with reviewWithin');
      }
    }
    if (step.type === 'requestComplement') {
      if (step.fields && languageOne) add(`${at}/fields`, needsLanguage2('asking for fields of the form'));
      (step.fields ?? []).forEach((field, i) => {
        if (!formFields.includes(field)) add(`${at}/fields/${i}`, `"${field}" is not a field of the form (/form/properties: ${formFields.join(', ') || 'none'})`);
      });
      if (step.documents.length === 0 && !step.fields?.length) add(`${at}/documents`, 'a complement asks for at least one document or one field');
    }
  }
  return problems;
}
