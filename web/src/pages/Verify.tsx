import { useState } from 'preact/hooks';
import { api, ApiError } from '../api.js';
import { NotReady, ProblemMessage } from '../components/Problem.js';
import { documentName } from '../components/IssuedDocuments.js';
import { dateTime } from '../format.js';
import { localized, t, type LocalizedText, type MessageKey } from '../i18n.js';
import { navigate } from '../router.js';
import { useData } from '../use-data.js';

/** What GET /verify/:code answers (and POST /verify, with `presented`). */
interface Verification {
  code: string;
  authentic: boolean;
  problem?: string;
  status: 'valid' | 'revoked' | 'superseded';
  revokedAt: string | null;
  revocationReason: string | null;
  supersededAt: string | null;
  document: { kind: 'certificate' | 'attestation' | 'refusal-letter'; name: string; title: Partial<LocalizedText> | null };
  procedure: { id: string; title: Partial<LocalizedText> | null };
  office: { id: string; name: Partial<LocalizedText> | null };
  issuedAt: string;
  sha256: string;
  keyId: string;
  presented?: { authentic: boolean; sha256: string; reason?: string };
}

/** Where a code is typed in, when the page is opened without one. */
export function VerifyHome() {
  const [code, setCode] = useState('');
  return (
    <section>
      <h1 tabIndex={-1}>{t('verifyTitle')}</h1>
      <p>{t('verifyIntro')}</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (code.trim()) navigate(`/verify/${encodeURIComponent(code.trim())}`);
        }}
      >
        <div class="field">
          <label for="verify-code">{t('verificationCode')}</label>
          <input id="verify-code" dir="ltr" autocomplete="off" value={code} onInput={(e) => setCode((e.currentTarget as HTMLInputElement).value)} />
        </div>
        <button type="submit" class="primary">
          {t('verifyDocument')}
        </button>
      </form>
    </section>
  );
}

/**
 * The page a document's QR code opens: whether Mohla issued it and whether it still stands, and a place
 * to drop the PDF to check that its bytes are the ones issued. Nothing personal is shown: the holder's
 * paper says who it is for.
 */
export function VerifyPage({ code }: { code: string }) {
  const found = useData(() => api<Verification>('GET', `/verify/${encodeURIComponent(code)}`), [code]);
  const [checked, setChecked] = useState<Verification['presented']>();
  const [error, setError] = useState<ApiError>();
  const [dragging, setDragging] = useState(false);
  if (!found.data) {
    return (
      <section>
        <h1 tabIndex={-1}>{t('verifyTitle')}</h1>
        <NotReady error={found.error} />
        <p>
          <a href="#/verify">{t('verifyAnother')}</a>
        </p>
      </section>
    );
  }
  const v = found.data;

  async function check(file: File | undefined) {
    if (!file) return;
    setError(undefined);
    setChecked(undefined);
    const form = new FormData();
    form.append('code', v.code);
    form.append('file', file);
    try {
      setChecked((await api<Verification>('POST', '/verify', { form })).presented);
    } catch (err) {
      setError(err as ApiError);
    }
  }

  const standing: MessageKey = !v.authentic ? 'verifyNotAuthentic' : `verifySt_${v.status}`;
  return (
    <section class="verification">
      <h1 tabIndex={-1}>{t('verifyTitle')}</h1>
      <div class={`panel verdict ${v.authentic && v.status === 'valid' ? 'good' : 'attention'}`} role="status">
        <p class="verdict-line">
          <strong>{t(standing)}</strong>
        </p>
        {v.status === 'revoked' && (
          <p>
            {t('revokedOn')} {dateTime(v.revokedAt)} — {t('reason')}: {v.revocationReason}
          </p>
        )}
        {v.status === 'superseded' && (
          <p>
            {t('supersededOn')} {dateTime(v.supersededAt)}
          </p>
        )}
      </div>
      <dl class="facts">
        <dt>{t('verificationCode')}</dt>
        <dd dir="ltr" class="tracking">
          {v.code}
        </dd>
        <dt>{t('issuedDocument')}</dt>
        <dd>{documentName({ title: v.document.title, kind: v.document.kind })}</dd>
        <dt>{t('procedure')}</dt>
        <dd>{v.procedure.title ? localized(v.procedure.title) : v.procedure.id}</dd>
        <dt>{t('office')}</dt>
        <dd>{v.office.name ? localized(v.office.name) : v.office.id}</dd>
        <dt>{t('issuedOn')}</dt>
        <dd>{dateTime(v.issuedAt)}</dd>
        <dt>SHA-256</dt>
        <dd dir="ltr" class="hash">
          {v.sha256}
        </dd>
        <dt>{t('signingKey')}</dt>
        <dd dir="ltr" class="hash">
          {v.keyId}
        </dd>
      </dl>
      <h2>{t('verifyFileTitle')}</h2>
      <p>{t('verifyFileIntro')}</p>
      <div
        class={`drop-zone${dragging ? ' dragging' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => {
          e.preventDefault();
          setDragging(false);
          void check(e.dataTransfer?.files[0]);
        }}
      >
        <label for="verify-file">{t('verifyFileLabel')}</label>
        <input id="verify-file" type="file" accept="application/pdf,.pdf" onChange={(e) => void check((e.currentTarget as HTMLInputElement).files?.[0])} />
      </div>
      <ProblemMessage error={error} />
      {checked && (
        <div class={`panel verdict ${checked.authentic ? 'good' : 'attention'}`} role="status" aria-live="polite">
          <p class="verdict-line">
            <strong>{t(checked.authentic ? 'fileAuthentic' : 'fileNotAuthentic')}</strong>
          </p>
          {checked.reason && <p>{t('fileNotAuthenticWhy')}</p>}
          <p class="meta">
            SHA-256 <span dir="ltr" class="hash">{checked.sha256}</span>
          </p>
        </div>
      )}
      <p>
        <a href="#/verify">{t('verifyAnother')}</a> · <a href="/.well-known/mohla-document-keys.json">{t('publishedKeys')}</a>
      </p>
    </section>
  );
}
