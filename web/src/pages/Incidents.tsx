import { useRef, useState } from 'preact/hooks';
import { api, ApiError, query } from '../api.js';
import { NotReady, ProblemMessage } from '../components/Problem.js';
import { ListTable } from '../components/ListTable.js';
import { dateTime, number } from '../format.js';
import { t, type MessageKey } from '../i18n.js';
import { session } from '../session.js';
import { useStore } from '../store.js';
import { useData } from '../use-data.js';
import { ApplicationLink } from '../components/ApplicationLink.js';

/** An incident as GET /incidents answers it (api/routes/incidents.ts). */
interface Incident {
  id: string;
  kind: 'workflow-task-failure' | 'activity-retrying' | 'service-down' | 'projection-refused';
  status: 'open' | 'resolved';
  trackingNumber: string;
  code: string;
  reason: string;
  count: number;
  firstSeenAt: string;
  links: { timeline: string; auditHistory: string; temporalHistory: string };
}

const KINDS = ['workflow-task-failure', 'activity-retrying', 'service-down', 'projection-refused'] as const;
const kindLabel = (kind: Incident['kind']) => t(`ik_${kind.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase())}` as MessageKey);

/** Applications whose workflow is failing or stuck, and what an operator can do about each. */
export function IncidentsPage({ params }: { params: URLSearchParams }) {
  const status = params.get('status') === 'resolved' ? 'resolved' : 'open';
  const kind = KINDS.find((k) => k === params.get('kind'));
  const [round, setRound] = useState(0);
  const list = useData(() => api<{ incidents: Incident[] }>('GET', `/incidents${query({ status, kind, limit: 100 })}`), [status, kind, round]);
  const [notice, setNotice] = useState('');
  const refresh = (message = '') => {
    setNotice(message);
    setRound((r) => r + 1);
  };

  return (
    <section>
      <h1 tabIndex={-1}>{t('incidents')}</h1>
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          const data = new FormData(e.currentTarget as HTMLFormElement);
          window.location.hash = `/incidents${query({ status: String(data.get('status')), kind: String(data.get('kind') ?? '') })}`;
        }}
      >
        <div class="field">
          <label for="incident-status">{t('status')}</label>
          <select id="incident-status" name="status" value={status}>
            <option value="open">{t('incidentOpen')}</option>
            <option value="resolved">{t('incidentResolved')}</option>
          </select>
        </div>
        <div class="field">
          <label for="incident-kind">{t('incidentKind')}</label>
          <select id="incident-kind" name="kind" value={kind ?? ''}>
            <option value="">{t('all')}</option>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {kindLabel(k)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">{t('show')}</button>
        <button type="button" onClick={() => refresh()}>
          {t('refresh')}
        </button>
      </form>
      <p role="status" class={notice ? 'notice' : undefined}>
        {notice}
      </p>
      {!list.data ? (
        <NotReady error={list.error} />
      ) : list.data.incidents.length === 0 ? (
        <p data-testid="no-incidents">{t('noIncidents')}</p>
      ) : (
        <ListTable class="incidents" caption={t('incidents')} columns={[t('incidentKind'), t('application'), t('since'), t('occurrences'), t('error'), t('actions')]}>
          {list.data.incidents.map((incident) => (
            <IncidentRow key={incident.id} incident={incident} onDone={refresh} />
          ))}
        </ListTable>
      )}
    </section>
  );
}

function IncidentRow({ incident, onDone }: { incident: Incident; onDone(message: string): void }) {
  const person = useStore(session);
  const [error, setError] = useState<ApiError>();
  const [terminating, setTerminating] = useState(false);
  async function retry() {
    setError(undefined);
    try {
      const answer = await api<{ outcome: 'resolved' | 'activity-retried' | 'still-failing' }>('POST', `/incidents/${incident.id}/retry`);
      onDone(`${incident.trackingNumber}: ${t(`retry_${answer.outcome.replace('-', '_')}` as MessageKey)}`);
    } catch (err) {
      setError(err as ApiError);
    }
  }
  return (
    <tr data-incident={incident.id} data-kind={incident.kind}>
      <td>{kindLabel(incident.kind)}</td>
      <td>
        <ApplicationLink trackingNumber={incident.trackingNumber} />
      </td>
      <td>{dateTime(incident.firstSeenAt)}</td>
      <td>{number(incident.count, 0)}</td>
      <td>
        <code dir="ltr">{incident.code}</code> <span dir="ltr">{incident.reason.split('\n')[0]}</span>
      </td>
      <td class="actions">
        {incident.status === 'open' && incident.kind !== 'projection-refused' && (
          <button type="button" class="retry" onClick={retry} aria-label={`${t('retryNow')} (${incident.trackingNumber})`}>
            {t('retryNow')}
          </button>
        )}{' '}
        <a href={`#/applications/${incident.trackingNumber}`} aria-label={`${t('history')} (${incident.trackingNumber})`}>
          {t('history')}
        </a>{' '}
        {person?.role === 'admin' && incident.status === 'open' && (
          <button type="button" class="terminate" onClick={() => setTerminating(true)} aria-label={`${t('terminate')} (${incident.trackingNumber})`}>
            {t('terminate')}
          </button>
        )}
        {terminating && <TerminateDialog incident={incident} onClose={() => setTerminating(false)} onDone={onDone} />}
        {error && <ProblemMessage error={error} />}
      </td>
    </tr>
  );
}

/** Terminating needs a reason, written in a dialog that keeps the focus until it is sent or cancelled. */
function TerminateDialog({ incident, onClose, onDone }: { incident: Incident; onClose(): void; onDone(message: string): void }) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<ApiError>();
  const dialog = useRef<HTMLDialogElement>(null);
  const id = `terminate-reason-${incident.id}`;
  async function send(e: Event) {
    e.preventDefault();
    setError(undefined);
    try {
      await api('POST', `/applications/${incident.trackingNumber}/terminate`, { body: { reason: reason.trim() } });
      onClose();
      onDone(`${incident.trackingNumber}: ${t('terminated')}`);
    } catch (err) {
      setError(err as ApiError);
    }
  }
  return (
    <dialog
      open
      ref={dialog}
      aria-modal="true"
      aria-labelledby={`${id}-title`}
      class="terminate-dialog"
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose();
      }}
    >
      <form onSubmit={send} noValidate>
        <h2 id={`${id}-title`}>
          {t('terminate')} <span dir="ltr">{incident.trackingNumber}</span>
        </h2>
        <p>{t('terminateWarning')}</p>
        <label for={id}>{t('reason')}</label>
        <textarea id={id} rows={3} maxLength={500} required value={reason} autoFocus onInput={(e) => setReason((e.currentTarget as HTMLTextAreaElement).value)} />
        {error && <ProblemMessage error={error} />}
        <div class="buttons">
          <button type="submit" class="danger">
            {t('terminate')}
          </button>
          <button type="button" onClick={onClose}>
            {t('cancel')}
          </button>
        </div>
      </form>
    </dialog>
  );
}
