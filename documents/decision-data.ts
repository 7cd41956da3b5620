/**
 * What a decision's document prints, gathered from the application (its form, its filing instant), the
 * decision (its day, the legal deadline's day, the refusal's reasons), the procedure's declaration and
 * the office directory. The issuing activity and the designer's preview both use it, so a preview shows
 * what a real document would.
 */
import type { DocumentText } from '../engine/definition.generated.js';
import type { DocumentIssueRequest } from '../engine/interpreter/issued-documents.js';
import type { Office } from '../registry/offices.js';
import { DocumentDataError, type DocumentData } from './document-data.js';

/** Dates on documents are Moroccan calendar days. */
const MOROCCAN_DAY = new Intl.DateTimeFormat('en-CA', { timeZone: 'Africa/Casablanca', year: 'numeric', month: '2-digit', day: '2-digit' });
const day = (instant: Date | string): string => MOROCCAN_DAY.format(new Date(instant));

/** The value a `data.a.b` path names in the form; only text and numbers are printed. */
export function formValue(data: Record<string, unknown>, path: string): string | undefined {
  let value: unknown = data;
  for (const segment of path.split('.').slice(1)) {
    value = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>)[segment] : undefined;
  }
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** A text with the languages the document is printed in, English only when it is. */
function printed(text: DocumentText | { ar: string; fr: string; en?: string }, english: boolean): { ar: string; fr: string; en?: string } {
  return english && text.en ? { ar: text.ar, fr: text.fr, en: text.en } : { ar: text.ar, fr: text.fr };
}

/** Everything the template prints but the verification block. Refuses (naming the field) what the form lacks. */
export function decisionDocumentData(request: DocumentIssueRequest, application: { form: Record<string, unknown>; filedAt: Date | string }, offices: readonly Office[]): Omit<DocumentData, 'verification'> {
  const { declaration } = request;
  const english = declaration.title.en !== undefined;
  const form = application.form;
  const holder = formValue(form, declaration.holder.var);
  if (holder === undefined) throw new DocumentDataError('/holder/name', `is empty: the form has no value at ${declaration.holder.var}`);
  const office = offices.find((o) => o.id === request.officeId);
  const officeName = office ? office.name : { ar: request.officeId, fr: request.officeId, en: request.officeId };
  const fields = (declaration.fields ?? []).flatMap((field) => {
    const value = formValue(form, field.var);
    // A field left empty in the form (an optional one) is not printed rather than printed blank.
    return value === undefined ? [] : [{ label: printed(field.label, english), value }];
  });
  return {
    languages: english ? ['ar', 'fr', 'en'] : ['ar', 'fr'],
    office: { name: printed(officeName, english) },
    procedureTitle: printed(request.procedureTitle, english),
    title: printed(declaration.title, english),
    trackingNumber: request.trackingNumber,
    holder: { name: holder },
    filedOn: day(application.filedAt),
    ...(fields.length ? { fields } : {}),
    ...(declaration.template !== 'attestation' ? { decidedOn: day(request.decidedAt) } : {}),
    ...(declaration.template === 'attestation' ? { dueOn: request.dueOn ?? day(request.decidedAt) } : {}),
    ...(declaration.legalBasis ? { legalBasis: printed(declaration.legalBasis, english) } : {}),
    ...(declaration.template === 'refusal-letter' && request.motivation ? { motivation: printed(request.motivation, english) } : {}),
    ...(declaration.remedy ? { remedy: printed(declaration.remedy, english) } : {}),
    ...(declaration.template === 'refusal-letter' && request.contestBy ? { contestBy: request.contestBy } : {}),
  };
}

