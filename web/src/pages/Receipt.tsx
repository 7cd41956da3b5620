import type { Receipt } from '../../../api/receipt.js';
import { api } from '../api.js';
import { NotReady } from '../components/Problem.js';
import { calendarDate, dateTime } from '../format.js';
import { localized, t } from '../i18n.js';
import { navigate } from '../router.js';
import { signOut } from '../session.js';
import { useData } from '../use-data.js';
import { useOffices } from './Apply.js';
import { IssuedDocumentList, useIssuedDocuments } from '../components/IssuedDocuments.js';

/** The receipt (récépissé): what the citizen keeps, printable on one page. */
function ReceiptView({ receipt }: { receipt: Receipt }) {
  const offices = useOffices();
  const office = offices.data?.find((o) => o.id === receipt.officeId);
  return (
    <div class="receipt">
      <h2>{t('receiptTitle')}</h2>
      <dl class="facts">
        <dt>{t('procedure')}</dt>
        <dd>{localized(receipt.procedure.title)}</dd>
        <dt>{t('trackingNumber')}</dt>
        <dd class="tracking" dir="ltr">
          {receipt.trackingNumber}
        </dd>
        {receipt.pin !== null && (
          <>
            <dt>{t('pin')}</dt>
            <dd class="tracking" dir="ltr">
              {receipt.pin}
            </dd>
          </>
        )}
        <dt>{t('office')}</dt>
        <dd>{office ? localized(office.name) : receipt.officeId}</dd>
        <dt>{t('filedAt')}</dt>
        <dd>{dateTime(receipt.filedAt)}</dd>
        <dt>{t('legalDueDate')}</dt>
        <dd>
          <strong>{receipt.legalDeadline ? calendarDate(receipt.legalDeadline.dueDate) : t('noDeadline')}</strong>
        </dd>
      </dl>
      <h3>{t('documents')}</h3>
      {receipt.documents.length ? (
        <ul>
          {receipt.documents.map((d) => (
            <li key={d.sha256}>
              {d.label ? localized(d.label) : d.documentId} — <span dir="ltr">{d.fileName}</span> <span class="meta">(sha256 {d.sha256.slice(0, 12)}…)</span>
            </li>
          ))}
        </ul>
      ) : (
        <p>{t('none')}</p>
      )}
      {receipt.pin !== null && <p class="hint">{t('receiptKeep')}</p>}
    </div>
  );
}

export function ReceiptPage({ trackingNumber, base = '' }: { trackingNumber: string; base?: string }) {
  const receipt = useData(() => api<Receipt>('GET', `/applications/${trackingNumber}/receipt`), [trackingNumber]);
  const status = useData(() => api<{ status: string }>('GET', `/applications/${trackingNumber}`), [trackingNumber]);
  const issued = useIssuedDocuments(trackingNumber, status.data?.status);
  if (!receipt.data) return <NotReady error={receipt.error} />;
  return (
    <section>
      <h1 tabIndex={-1}>{t('filedTitle')}</h1>
      <ReceiptView receipt={receipt.data} />
      <div class="no-print">
        <IssuedDocumentList documents={issued.data ?? []} />
      </div>
      <p class="no-print actions">
        <button type="button" class="primary big" onClick={() => window.print()}>
          {t('print')}
        </button>{' '}
        {base ? (
          // At the kiosk the next person must not find this one signed in.
          <button type="button" class="big" onClick={() => { signOut(); navigate(base); }}>
            {t('finish')}
          </button>
        ) : (
          <a class="button big" href={`#/applications/${trackingNumber}`}>
            {t('follow')}
          </a>
        )}
      </p>
    </section>
  );
}
