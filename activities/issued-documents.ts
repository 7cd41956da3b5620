/**
 * The activity that issues a decision's document (or the refusal letter a citizen window issues as it
 * opens): it gathers what the document prints from the ledger
 * (the application's row: its form, filing and closing instants; the office directory) and issues it
 * through documents/issue.ts, which makes a retry find the document already issued. What it returns
 * goes into the workflow's history: the code, kind and hash, never what the document says.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { MikroORM } from '@mikro-orm/postgresql';
import { findApplication } from '../db/applications.js';
import type { DocumentIssueRequest } from '../engine/interpreter/issued-documents.js';
import { decisionDocumentData } from '../documents/decision-data.js';
import { DocumentDataError } from '../documents/document-data.js';
import { issueDocument } from '../documents/issue.js';
import { whileHeartbeating } from './heartbeat.js';
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

export function createDocumentActivities(deps: DocumentActivityDependencies) {
  return {
    issueDecisionDocument(request: DocumentIssueRequest): Promise<IssuedDocumentSummary> {
      return whileHeartbeating(() => issueDecisionDocument(deps, request));
    },
  };
}

async function issueDecisionDocument(deps: DocumentActivityDependencies, request: DocumentIssueRequest): Promise<IssuedDocumentSummary> {
  if (!deps.storage) throw ApplicationFailure.nonRetryable('this worker has no document storage to keep issued documents in', 'no_document_storage');
  const found = await findApplication(deps.orm, request.trackingNumber);
  // The decision's projection is written before the workflow asks for its document: until it shows, retry.
  // A window's letter is asked for while the application is open: its row is enough (the form, the filing).
  if (!found || (!request.window && found.application.status !== 'closed')) {
    throw new Error(`application ${request.trackingNumber} is not ${request.window ? 'in' : 'closed in'} the read model yet`);
  }
  try {
    const issued = await issueDocument(
      { orm: deps.orm, storage: deps.storage, publicUrl: deps.publicUrl ?? 'http://localhost:3000', ...(deps.pades ? { pades: deps.pades } : {}) },
      {
        trackingNumber: request.trackingNumber,
        officeId: request.officeId,
        procedureId: request.procedureId,
        document: request.document,
        kind: request.declaration.template,
        data: decisionDocumentData(request, { form: found.application.data ?? {}, filedAt: found.application.filedAt }, deps.offices ?? []),
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
}
