/**
 * What people read in a definition: a legal basis that says when it is unconfirmed, labels that label
 * values a person can choose, and a refusal that gives its reasons.
 */
import type { LegalBasis, ProcedureDefinition } from '../definition.generated.js';
import { eachSubschema, pointerSegment } from '../form-schema.js';
import type { Problems } from './problems.js';

export function checkLegalBasis(problems: Problems, basis: LegalBasis | undefined, pointer: string): void {
  if (basis && !basis.confirmed && !/unconfirmed/i.test(basis.note)) {
    problems.refuse(`${pointer}/note`, 'an unconfirmed legal basis must say "unconfirmed" in its note');
  }
}

/** A label for a value the enum beside it does not accept would label nothing a person can choose. */
export function checkEnumLabels(problems: Problems, form: Record<string, unknown>, pointer: string): void {
  eachSubschema(form, pointer, (schema, at) => {
    const labels = schema.enumLabels;
    // A malformed value is the meta-schema's to report.
    if (labels === null || typeof labels !== 'object' || Array.isArray(labels)) return;
    if (!Array.isArray(schema.enum)) {
      problems.refuse(`${at}/enumLabels`, 'enumLabels names the values of an enum, and this schema has no enum');
      return;
    }
    // Object keys are strings: a number, boolean or null value is labelled under its JSON text.
    const values = schema.enum.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
    for (const key of Object.keys(labels)) {
      if (!values.includes(key)) problems.refuse(`${at}/enumLabels/${pointerSegment(key)}`, `"${key}" is not a value of the enum (${values.join(', ')})`);
    }
  });
}

/** A refusal is always motivated: the citizen reads why, in their language, with the decision. */
export function checkMotivations(definition: ProcedureDefinition, problems: Problems): void {
  for (const [id, step] of Object.entries(definition.steps)) {
    if (step.type !== 'end') continue;
    if (step.outcome === 'rejected' && !step.motivation) {
      problems.refuseFromVersion2(`/steps/${id}/motivation`, 'a refusal must be motivated: give the reason in Arabic, French and English');
    }
    // Blank text motivates nothing: the citizen would read an empty reason.
    if ((step.outcome === 'rejected' || step.outcome === 'partiallyGranted') && step.motivation) {
      for (const [language, text] of Object.entries(step.motivation)) {
        if (text.trim() === '') problems.refuseFromVersion2(`/steps/${id}/motivation/${language}`, 'a refusal must be motivated: this reason is blank');
      }
    }
  }
}
