/**
 * The activity that issues a decision's document: it gathers what the document prints from the ledger
 * (the application's row: its form, filing and closing instants; the office directory) and issues it
 * through documents/issue.ts, which makes a retry find the document already issued. What it returns
 * goes into the workflow's history: the code, kind and hash, never what the document says.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { MikroORM } from '@mikro-orm/postgresql';
import { findApplication } from '../db/applications.js';
import type { ApplicationRecord } from '../db/entities.js';
import type { DocumentText } from '../engine/definition.generated.js';
import type { DocumentIssueRequest } from '../engine/interpreter/issued-documents.js';
import { DocumentDataError, type DocumentData } from '../documents/document-data.js';
import { issueDocument } from '../documents/issue.js';
import type { PadesSigner } from '../documents/pades.js';
import type { DocumentStorage } from '../documents/storage.js';
import type { Office } from '../registry/offices.js';

/** What the workflow records of an issued document: no personal data. */
export interface IssuedDocumentSummary {
  code: string;
  kind: string;
  document: string;
  sha256: string;
  delivery: string;
}

export interface DocumentActivityDependencies {
  orm: MikroORM;
  storage?: DocumentStorage;
  offices?: readonly Office[];
  /** Where `/verify/<code>` is served (PUBLIC_URL). */
  publicUrl?: string;
  /** The PAdES signature's certificate (DOCUMENT_PADES_P12), when one is configured. */
  pades?: PadesSigner;
}

/** Dates on documents are Moroccan calendar days. */
const MOROCCAN_DAY = new Intl.DateTimeFormat('en-CA', { timeZone: 'Africa/Casablanca', year: 'numeric', month: '2-digit', day: '2-digit' });
const day = (instant: Date | string): string => MOROCCAN_DAY.format(new Date(instant));

/** The value a `data.a.b` path names in the form; only text and numbers are printed. */
function formValue(data: Record<string, unknown>, path: string): string | undefined {
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
export function decisionDocumentData(request: DocumentIssueRequest, application: ApplicationRecord, offices: readonly Office[]): Omit<DocumentData, 'verification'> {
  const { declaration } = request;
  const english = declaration.title.en !== undefined;
  const form = application.data ?? {};
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
  };
}

export function createDocumentActivities(deps: DocumentActivityDependencies) {
  return {
    async issueDecisionDocument(request: DocumentIssueRequest): Promise<IssuedDocumentSummary> {
      if (!deps.storage) throw ApplicationFailure.nonRetryable('this worker has no document storage to keep issued documents in', 'no_document_storage');
      const found = await findApplication(deps.orm, request.trackingNumber);
      // The decision's projection is written before the workflow asks for its document: until it shows, retry.
      if (!found || found.application.status !== 'closed') throw new Error(`application ${request.trackingNumber} is not closed in the read model yet`);
      try {
        const issued = await issueDocument(
          { orm: deps.orm, storage: deps.storage, publicUrl: deps.publicUrl ?? 'http://localhost:3000', ...(deps.pades ? { pades: deps.pades } : {}) },
          {
            trackingNumber: request.trackingNumber,
            officeId: request.officeId,
            procedureId: request.procedureId,
            document: request.document,
            kind: request.declaration.template,
            data: decisionDocumentData(request, found.application, deps.offices ?? []),
            issueKey: request.issueKey,
            delivery: request.declaration.delivery,
          },
        );
        return { code: issued.code, kind: issued.kind, document: issued.documentName, sha256: issued.sha256, delivery: issued.delivery };
      } catch (err) {
        // Data a template refuses stays refused: say which field, never its value, and stop retrying.
        if (err instanceof DocumentDataError) throw ApplicationFailure.nonRetryable(`${request.document}: ${err.message}`, 'document_data');
        throw err;
      }
    },
  };
}
