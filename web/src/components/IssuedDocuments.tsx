import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { api, apiBlob, ApiError } from '../api.js';
import { dateTime } from '../format.js';
import { localized, t, type LocalizedText, type MessageKey } from '../i18n.js';
import { useData } from '../use-data.js';
import { ProblemMessage } from './Problem.js';

/** An issued document as GET /applications/:tn/issued-documents lists it. */
export interface IssuedDocument {
  code: string;
  kind: 'certificate' | 'attestation' | 'refusal-letter';
  documentName: string;
  title: Partial<LocalizedText> | null;
  issuedAt: string;
  delivery: 'download' | 'collection' | 'post';
  status: 'valid' | 'revoked' | 'superseded';
  revocationReason: string | null;
  postalReference: string | null;
  collectedAt: string | null;
  postedAt: string | null;
  sha256: string;
  download: string | null;
}

/**
 * The documents issued for an application, asked for once its status is known and again when it changes
 * (closing issues the decision's document). An open application may already hold one: the refusal letter
 * a citizen window issued as it opened. No status: nothing asked for.
 */
export function useIssuedDocuments(trackingNumber: string, status: string | undefined) {
  return useData(
    () => (status ? api<{ documents: IssuedDocument[] }>('GET', `/applications/${trackingNumber}/issued-documents`).then((x) => x.documents) : Promise.resolve([])),
    [trackingNumber, status],
  );
}

export function documentName(doc: Pick<IssuedDocument, 'title' | 'kind'>): string {
  return doc.title ? localized(doc.title) : t(`doc_${doc.kind}` as MessageKey);
}

function save(blob: Blob, name: string): void {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
}

/**
 * The issued documents with what can be done with each: download (signed in), or print at a kiosk, where
 * the tracking number and PIN open it. The file is fetched with the caller's credentials and saved or
 * shown by the browser's PDF viewer, never as a page of Mohla's origin.
 */
export function IssuedDocumentList({
  documents,
  kiosk,
  compact,
  actions,
}: {
  documents: IssuedDocument[];
  kiosk?: { trackingNumber: string; pin: string };
  compact?: boolean;
  /** What the office may do with each document (re-issue, record its delivery, revoke), under its line. */
  actions?: (doc: IssuedDocument) => ComponentChildren;
}) {
  const [error, setError] = useState<ApiError>();
  if (!documents.length) return null;
  async function fetchPdf(doc: IssuedDocument): Promise<Blob | undefined> {
    setError(undefined);
    try {
      return kiosk ? await apiBlob(`/track/issued-documents/${doc.code}`, kiosk) : await apiBlob(doc.download!);
    } catch (err) {
      setError(err as ApiError);
      return undefined;
    }
  }
  async function download(doc: IssuedDocument) {
    const blob = await fetchPdf(doc);
    if (blob) save(new Blob([blob], { type: 'application/pdf' }), `${doc.documentName}-${doc.code}.pdf`);
  }
  async function print(doc: IssuedDocument) {
    const blob = await fetchPdf(doc);
    // The browser's own PDF viewer opens it, with its print button: the kiosk's printer prints the signed file as issued.
    if (blob) window.open(URL.createObjectURL(new Blob([blob], { type: 'application/pdf' })), '_blank', 'noopener');
  }
  return (
    <div class="issued-documents">
      {!compact && <h2>{t('issuedDocuments')}</h2>}
      <ProblemMessage error={error} />
      <ul class="documents">
        {documents.map((doc) => (
          <li key={doc.code}>
            <strong>{documentName(doc)}</strong> — {t('verificationCode')} <span dir="ltr" class="tracking">{doc.code}</span>{' '}
            <span class={`status ${doc.status}`}>({t(`docSt_${doc.status}` as MessageKey)})</span>
            <span class="meta"> — {dateTime(doc.issuedAt)}</span>
            {doc.postalReference && (
              <span class="meta">
                {' '}
                — {t('sentByPost')} <span dir="ltr">{doc.postalReference}</span>
              </span>
            )}
            {doc.collectedAt && <span class="meta"> — {t('collected')} {dateTime(doc.collectedAt)}</span>}
            {doc.status === 'revoked' && doc.revocationReason && (
              <span class="meta">
                {' '}
                — {t('reason')}: {doc.revocationReason}
              </span>
            )}{' '}
            {doc.download ? (
              kiosk ? (
                <button type="button" class="primary big" onClick={() => void print(doc)}>
                  {t('print')} <span class="visually-hidden">{documentName(doc)}</span>
                </button>
              ) : (
                <button type="button" class="link" onClick={() => void download(doc)}>
                  {t('download')} <span class="visually-hidden">{documentName(doc)}</span>
                </button>
              )
            ) : (
              <span class="meta">{t('documentErased')}</span>
            )}{' '}
            <a href={`#/verify/${doc.code}`}>{t('verifyDocument')}</a>
            {actions?.(doc)}
          </li>
        ))}
      </ul>
    </div>
  );
}
