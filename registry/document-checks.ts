/**
 * The checks of the documents a definition issues (`issuedDocuments`): every document an end step, a
 * refusal, a citizen window's `letter` or a silence-means-consent expiry names is declared, with the template that fits; the form
 * fields a document prints exist; and each template gets the texts it cannot print without. A
 * definition that declares no documents is checked as before: its document names are names only, and
 * nothing is issued for it.
 */
import type { DocumentText, IssuedDocument, ProcedureDefinition } from '../engine/definition.generated.js';
import type { LanguageVersion } from '../engine/language.js';
import type { FieldError } from './definition-schema.js';
import { pointerSegment } from '../engine/form-schema.js';

type Template = IssuedDocument['template'];

/** Where a document is named, what names it, and the templates that fit there. */
interface Use {
  pointer: string;
  name: string;
  fits: readonly Template[];
  /** Why only these templates fit, for the error. */
  because: string;
  /** The refusal letter's motivation, from the end step that refuses. */
  motivation?: DocumentText;
  /** A letter on an end that does not refuse. */
  misplaced?: string;
  /** A citizen window's letter: its motivation is required in every language version (windows are language 2). */
  window?: true;
}

/** An approving end prints a certificate; the end a silence-means-consent expiry closes on may print the attestation. */
const APPROVED: readonly Template[] = ['certificate', 'attestation'];

function usesOf(definition: ProcedureDefinition): Use[] {
  const uses: Use[] = [];
  for (const [id, step] of Object.entries(definition.steps)) {
    const at = `/steps/${pointerSegment(id)}`;
    if (step.type === 'citizenWindow' && step.letter !== undefined) {
      uses.push({ pointer: `${at}/letter`, name: step.letter, fits: ['refusal-letter'], because: 'the letter a window issues is a refusal letter', motivation: step.motivation, window: true });
    }
    if (step.type !== 'end') continue;
    if (step.document !== undefined) {
      const approving = step.outcome === 'approved' || step.outcome === 'partiallyGranted';
      uses.push({
        pointer: `${at}/document`,
        name: step.document,
        fits: approving ? APPROVED : ['certificate'],
        because: approving ? 'an approving end issues a certificate or an attestation' : `an end with outcome ${step.outcome} issues a certificate; a refusal's letter is its "letter"`,
      });
    }
    if (step.letter !== undefined) {
      uses.push({
        pointer: `${at}/letter`,
        name: step.letter,
        fits: ['refusal-letter'],
        because: 'a letter is a refusal letter',
        motivation: step.motivation,
        ...(step.outcome !== 'rejected' ? { misplaced: `a refusal letter goes with outcome rejected; this end's outcome is ${step.outcome}` } : {}),
      });
    }
  }
  walkExpiries(definition, (expiry, pointer) => {
    uses.push({ pointer: `${pointer}/attestation`, name: expiry.attestation, fits: ['attestation'], because: 'consent by silence issues an attestation' });
  });
  return uses;
}

/** Every silence-means-consent expiry, wherever the definition holds one (legal deadline, clocks, service levels). */
function walkExpiries(definition: ProcedureDefinition, visit: (expiry: { attestation: string }, pointer: string) => void): void {
  const walk = (node: unknown, pointer: string): void => {
    if (Array.isArray(node)) {
      node.forEach((item, i) => walk(item, `${pointer}/${i}`));
    } else if (node !== null && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if (record.action === 'autoApprove' && typeof record.attestation === 'string') visit(record as { attestation: string }, pointer);
      for (const [key, value] of Object.entries(record)) if (key !== 'form') walk(value, `${pointer}/${pointerSegment(key)}`);
    }
  };
  walk(definition.deadline, '/deadline');
  walk(definition.clocks, '/clocks');
  walk(definition.steps, '/steps');
}

/** Whether `data.a.b` names a field the form declares (through its nested objects' properties). */
function formHas(form: unknown, path: string): boolean {
  let schema: unknown = form;
  for (const segment of path.split('.').slice(1)) {
    const properties = (schema as { properties?: Record<string, unknown> } | undefined)?.properties;
    if (!properties || typeof properties !== 'object' || !Object.prototype.hasOwnProperty.call(properties, segment)) return false;
    schema = properties[segment];
  }
  return true;
}

/** The texts a document prints in each of its languages, for the English check. */
function textsOf(document: IssuedDocument, at: string): Array<[string, DocumentText | undefined]> {
  return [
    [`${at}/legalBasis`, document.legalBasis],
    [`${at}/remedy`, document.remedy],
    ...(document.fields ?? []).map((field, i): [string, DocumentText] => [`${at}/fields/${i}/label`, field.label]),
  ];
}

function declarationProblems(definition: ProcedureDefinition, name: string, document: IssuedDocument): FieldError[] {
  const at = `/issuedDocuments/${pointerSegment(name)}`;
  const problems: FieldError[] = [];
  const fieldProblem = (pointer: string, path: string) => {
    if (!formHas(definition.form, path)) problems.push({ pointer, message: `${path} is not a field of the form` });
  };
  fieldProblem(`${at}/holder/var`, document.holder.var);
  (document.fields ?? []).forEach((field, i) => fieldProblem(`${at}/fields/${i}/var`, field.var));
  if (document.template === 'attestation' && !document.legalBasis) {
    problems.push({ pointer: `${at}/legalBasis`, message: 'is required by the attestation template: the text that makes silence worth consent' });
  }
  if (document.template === 'refusal-letter' && !document.remedy) {
    problems.push({ pointer: `${at}/remedy`, message: 'is required by the refusal-letter template: how and by when the refusal can be contested' });
  }
  if (document.template !== 'attestation' && document.legalBasis) {
    problems.push({ pointer: `${at}/legalBasis`, message: `is printed only by the attestation template, not by ${document.template}`, severity: 'warning' });
  }
  if (document.template !== 'refusal-letter' && document.remedy) {
    problems.push({ pointer: `${at}/remedy`, message: `is printed only by the refusal-letter template, not by ${document.template}`, severity: 'warning' });
  }
  if (document.title.en !== undefined) {
    for (const [pointer, text] of textsOf(document, at)) {
      if (text && text.en === undefined) problems.push({ pointer: `${pointer}/en`, message: 'is required: the title has English, so the document is printed in English too' });
    }
  }
  return problems;
}

/** `language`: language 2 already refuses an unmotivated refusal, so only language 1 hears it from here. */
export function documentProblems(definition: ProcedureDefinition, language: LanguageVersion): FieldError[] {
  const declared = definition.issuedDocuments;
  // A window's letter is new with windows: unlike an end's document names, it is never a name only.
  if (!declared) {
    return usesOf(definition)
      .filter((use) => use.window)
      .map((use) => ({ pointer: use.pointer, message: `"${use.name}" is not declared: the definition declares no issuedDocuments, and a window's letter must be a declared refusal letter` }));
  }
  const problems: FieldError[] = [];
  for (const [name, document] of Object.entries(declared)) problems.push(...declarationProblems(definition, name, document));
  const issued = new Set<string>();
  for (const use of usesOf(definition)) {
    const document = Object.prototype.hasOwnProperty.call(declared, use.name) ? declared[use.name] : undefined;
    if (!document) {
      const known = Object.keys(declared);
      problems.push({ pointer: use.pointer, message: `"${use.name}" is not declared in issuedDocuments${known.length ? ` (declared: ${known.join(', ')})` : ''}` });
      continue;
    }
    issued.add(use.name);
    if (use.misplaced) {
      problems.push({ pointer: use.pointer, message: use.misplaced });
      continue;
    }
    if (!use.fits.includes(document.template)) {
      problems.push({ pointer: use.pointer, message: `"${use.name}" is printed with the ${document.template} template; ${use.because}` });
      continue;
    }
    if (document.template === 'refusal-letter') {
      if (!use.motivation) {
        if (language >= 2 && !use.window) continue;
        problems.push({ pointer: use.pointer.replace(/\/letter$/, '/motivation'), message: `is required: the refusal letter "${use.name}" prints the reasons for the refusal` });
      } else if (document.title.en !== undefined && use.motivation.en === undefined) {
        problems.push({ pointer: use.pointer.replace(/\/letter$/, '/motivation/en'), message: `is required: the refusal letter "${use.name}" is printed in English too` });
      }
    }
  }
  for (const name of Object.keys(declared)) {
    if (!issued.has(name)) problems.push({ pointer: `/issuedDocuments/${pointerSegment(name)}`, message: `no end step or expiry issues "${name}"`, severity: 'warning' });
  }
  return problems;
}
