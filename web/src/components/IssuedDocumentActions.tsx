import { useState } from 'preact/hooks';
import { api, ApiError } from '../api.js';
import { t, type MessageKey } from '../i18n.js';
import type { Role } from '../session.js';
import type { IssuedDocument } from './IssuedDocuments.js';
import { ProblemMessage } from './Problem.js';

type Action = 'reissue' | 'collected' | 'posted' | 'revoke';

/** Whether the person is of the office's staff who act on issued documents (an auditor or admin only reads). */
export function actionsPossible(role: Role): boolean {
  return role === 'agent' || role === 'supervisor';
}

/** Which of the office's actions fit a document as it stands; the routes check the same, this only hides dead buttons. */
function actionsFor(doc: IssuedDocument, role: Role): Action[] {
  if (!actionsPossible(role) || doc.status === 'revoked') return [];
  const actions: Action[] = [];
  if (doc.status === 'valid') {
    actions.push('reissue');
    if (doc.delivery === 'collection' && !doc.collectedAt) actions.push('collected');
    if (doc.delivery === 'post' && !doc.postedAt) actions.push('posted');
  }
  // A replaced copy may still need revoking (it was misused before it was replaced).
  if (role === 'supervisor') actions.push('revoke');
  return actions;
}

/** The field each action asks for, and the route's pointer for it: the refusal names the field on the page. */
const FIELD: Partial<Record<Action, { name: 'reason' | 'postalReference'; label: MessageKey; hint?: MessageKey }>> = {
  reissue: { name: 'reason', label: 'reissueReason' },
  revoke: { name: 'reason', label: 'revokeReason', hint: 'revokeReasonHint' },
  posted: { name: 'postalReference', label: 'postalReference', hint: 'postalReferenceHint' },
};

function newKey(): string {
  return crypto.randomUUID();
}

/**
 * The office's actions on one issued document, each a small form: re-issue a lost copy, record the
 * collection or the postal reference, revoke (supervisors). `onDone` reloads the list, where the old copy
 * then shows as replaced or revoked.
 */
export function IssuedDocumentActions({ trackingNumber, doc, role, onDone }: { trackingNumber: string; doc: IssuedDocument; role: Role; onDone(): void }) {
  const [open, setOpen] = useState<Action>();
  const [value, setValue] = useState('');
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  // What was done, said in the reader's language at each render (they may switch after acting).
  const [done, setDone] = useState<{ key: MessageKey; code?: string }>();
  // One key per form opened: a retry after a lost answer is the same re-issue, not a second copy.
  const [idempotencyKey, setIdempotencyKey] = useState(newKey);
  const actions = actionsFor(doc, role);
  if (!actions.length && !done) return null;
  const id = (part: string) => `doc-${doc.code}-${part}`;

  function choose(action: Action) {
    setOpen(action);
    setValue('');
    setError(undefined);
    setDone(undefined);
    setIdempotencyKey(newKey());
  }

  async function send(e: Event) {
    e.preventDefault();
    if (!open) return;
    setBusy(true);
    setError(undefined);
    const field = FIELD[open];
    const base = `/applications/${trackingNumber}/issued-documents/${doc.code}`;
    try {
      const answer = await api<IssuedDocument>('POST', `${base}/${open}`, {
        body: field ? { [field.name]: value.trim() } : {},
        ...(open === 'reissue' ? { headers: { 'idempotency-key': idempotencyKey } } : {}),
      });
      setDone(open === 'reissue' ? { key: 'reissued', code: answer.code } : { key: `done_${open}` as MessageKey });
      setOpen(undefined);
      onDone();
    } catch (err) {
      setError(err as ApiError);
    }
    setBusy(false);
  }

  const field = open && FIELD[open];
  const fieldRefused = Boolean(field && error?.errors.some((p) => p.pointer === `/${field.name}`));
  return (
    <div class="document-actions">
      {done && (
        <p class="notice success" role="status">
          {t(done.key)}
          {done.code && (
            <>
              {' '}
              <span dir="ltr">{done.code}</span>
            </>
          )}
        </p>
      )}
      {!open && actions.length > 0 && (
        <p class="actions">
          {actions.map((action) => (
            <button key={action} type="button" class={action === 'revoke' ? 'danger' : ''} onClick={() => choose(action)}>
              {t(`docAct_${action}` as MessageKey)} <span class="visually-hidden">{doc.code}</span>
            </button>
          ))}
        </p>
      )}
      {open && (
        <form class="panel" onSubmit={send} noValidate aria-labelledby={id('title')}>
          <h3 id={id('title')}>
            {t(`docAct_${open}` as MessageKey)} — <span dir="ltr">{doc.code}</span>
          </h3>
          <ProblemMessage
            error={error}
            fieldIds={(p) => (field && p === `/${field.name}` ? id(field.name) : undefined)}
            fieldLabels={(p) => (field && p === `/${field.name}` ? t(field.label) : p === 'params:/code' ? t('verificationCode') : undefined)}
          />
          {field && (
            <div class={`field${fieldRefused ? ' has-error' : ''}`}>
              <label for={id(field.name)}>{t(field.label)}</label>
              {field.hint && (
                <p class="hint" id={id(`${field.name}-hint`)}>
                  {t(field.hint)}
                </p>
              )}
              {field.name === 'postalReference' ? (
                <input
                  id={id(field.name)}
                  dir="ltr"
                  value={value}
                  aria-describedby={field.hint ? id(`${field.name}-hint`) : undefined}
                  aria-invalid={fieldRefused || undefined}
                  onInput={(e) => setValue((e.currentTarget as HTMLInputElement).value)}
                />
              ) : (
                <textarea
                  id={id(field.name)}
                  rows={2}
                  value={value}
                  aria-describedby={field.hint ? id(`${field.name}-hint`) : undefined}
                  aria-invalid={fieldRefused || undefined}
                  onInput={(e) => setValue((e.currentTarget as HTMLTextAreaElement).value)}
                />
              )}
            </div>
          )}
          {open === 'collected' && <p>{t('collectedConfirm')}</p>}
          <button type="submit" class={open === 'revoke' ? 'danger' : 'primary'} disabled={busy}>
            {t(`docConfirm_${open}` as MessageKey)}
          </button>{' '}
          <button type="button" onClick={() => setOpen(undefined)}>
            {t('cancel')}
          </button>
        </form>
      )}
    </div>
  );
}
