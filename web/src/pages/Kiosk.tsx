import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import type { ClockView } from '../../../api/answers.js';
import { api, ApiError } from '../api.js';
import { Loading, ProblemMessage } from '../components/Problem.js';
import { IssuedDocumentList, type IssuedDocument } from '../components/IssuedDocuments.js';
import { errorsByPointer } from '../components/SchemaForm.js';
import { calendarDate, dateTime, longDate } from '../format.js';
import { fieldMessage, localized, statusText, t, type LocalizedText } from '../i18n.js';
import { navigate } from '../router.js';
import { session, signOut } from '../session.js';
import { useStore } from '../store.js';
import { useProcedureTitles } from './Applications.js';
import { GuidePage } from './Guide.js';
import { SignInPage } from './SignIn.js';

export function KioskHome() {
  return (
    <section class="kiosk-home">
      <h1 tabIndex={-1}>{t('kioskWelcome')}</h1>
      <ul class="kiosk-choices">
        <li>
          <a class="button primary huge" href="#/kiosk/track">
            {t('kioskTrack')}
          </a>
        </li>
        <li>
          <a class="button huge" href="#/kiosk/file">
            {t('kioskFile')}
          </a>
        </li>
      </ul>
    </section>
  );
}

/** Filing at the kiosk: the citizen identifies first (a card reader in a real annex), then picks a certificate. */
export function KioskFile() {
  const person = useStore(session);
  if (!person || person.role !== 'citizen') return <SignInPage next="/kiosk/file" kiosk />;
  return (
    <>
      <p class="no-print">
        <button type="button" class="big" onClick={() => { signOut(); navigate('/kiosk'); }}>
          {t('finish')}
        </button>
      </p>
      <GuidePage channel="kiosk" base="/kiosk" />
    </>
  );
}

interface Tracked {
  trackingNumber: string;
  procedure: { id: string; version: number };
  status: string;
  outcome: string | null;
  grantedBySilence: boolean;
  forwardedTo: LocalizedText | null;
  filedAt: string;
  closedAt: string | null;
  deadline: { dueAt: string; paused: boolean; met?: { at: string; late: boolean } } | null;
  clocks: Array<{ label: LocalizedText; status: ClockView['status']; dueAt: string | null; dueDate: string | null }>;
  citizenWindow: { action: LocalizedText; dueAt: string; dueDate: string } | null;
  steps: Array<{ stepId: string; status: string; createdAt: string; completedAt: string | null }>;
}

export function KioskTrack() {
  const [trackingNumber, setTrackingNumber] = useState('');
  const [pin, setPin] = useState('');
  const [error, setError] = useState<ApiError>();
  const [found, setFound] = useState<Tracked>();
  const [issued, setIssued] = useState<IssuedDocument[]>([]);
  const [busy, setBusy] = useState(false);
  const titles = useProcedureTitles();
  const errors = errorsByPointer(error?.errors ?? []);

  async function track(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const unlock = { trackingNumber: trackingNumber.trim(), pin: pin.trim() };
      const tracked = await api<Tracked>('POST', '/track', { body: unlock });
      setFound(tracked);
      // An open application may hold a refusal letter its citizen window issued: always asked for.
      setIssued((await api<{ documents: IssuedDocument[] }>('POST', '/track/issued-documents', { body: unlock })).documents);
    } catch (err) {
      setFound(undefined);
      setIssued([]);
      setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section>
      <h1 tabIndex={-1}>{t('kioskTrack')}</h1>
      <form onSubmit={track} noValidate class="kiosk-form">
        <ProblemMessage error={error} />
        <div class={`field${errors.get('/trackingNumber') ? ' has-error' : ''}`}>
          <label for="track-number">{t('trackingNumber')}</label>
          <input id="track-number" dir="ltr" autocomplete="off" value={trackingNumber} onInput={(e) => setTrackingNumber((e.currentTarget as HTMLInputElement).value)} aria-invalid={errors.get('/trackingNumber') ? 'true' : undefined} />
          {errors.get('/trackingNumber') && <p class="field-error">{fieldMessage(errors.get('/trackingNumber')!)}</p>}
        </div>
        <div class={`field${errors.get('/pin') ? ' has-error' : ''}`}>
          <label for="track-pin">{t('pin')}</label>
          <input id="track-pin" dir="ltr" inputMode="numeric" autocomplete="off" maxLength={6} value={pin} onInput={(e) => setPin((e.currentTarget as HTMLInputElement).value)} aria-invalid={errors.get('/pin') ? 'true' : undefined} />
          {errors.get('/pin') && <p class="field-error">{fieldMessage(errors.get('/pin')!)}</p>}
        </div>
        <button type="submit" class="primary huge" disabled={busy}>
          {t('follow')}
        </button>
      </form>
      {busy && <Loading />}
      {found && (
        <div class="panel" role="status">
          <h2>
            {titles.get(found.procedure.id) ?? found.procedure.id} — <span dir="ltr">{found.trackingNumber}</span>
          </h2>
          {found.citizenWindow && <OpenWindow window={found.citizenWindow} />}
          <dl class="facts">
            <dt>{t('status')}</dt>
            <dd class={`status ${found.status}`}>{statusText(found.status, found.outcome)}</dd>
            <dt>{t('filedAt')}</dt>
            <dd>{dateTime(found.filedAt)}</dd>
            <dt>{t('legalDueDate')}</dt>
            <dd>
              {found.deadline
                ? found.deadline.met
                  ? `${t(found.deadline.met.late ? 'clockSt_metLate' : 'clockSt_met')} — ${longDate(found.deadline.met.at)}`
                  : `${longDate(found.deadline.dueAt)}${found.deadline.paused ? ` — ${t('clockStopped')}` : ''}`
                : '—'}
            </dd>
            {found.clocks.map((clock, i) => (
              <Fragment key={i}>
                <dt>{localized(clock.label)}</dt>
                <dd>
                  {clock.dueDate ? calendarDate(clock.dueDate) : '—'} — {t(`clockSt_${clock.status}`)}
                </dd>
              </Fragment>
            ))}
            {found.grantedBySilence && (
              <>
                <dt>{t('decision')}</dt>
                <dd>{t('grantedBySilence')}</dd>
              </>
            )}
            {found.forwardedTo && (
              <>
                <dt>{t('forwardedTo')}</dt>
                <dd>{localized(found.forwardedTo)}</dd>
              </>
            )}
          </dl>
          <p class="no-print">
            <button type="button" class="big" onClick={() => window.print()}>
              {t('print')}
            </button>
          </p>
          <div class="no-print">
            <IssuedDocumentList documents={issued} kiosk={{ trackingNumber: found.trackingNumber, pin: pin.trim() }} />
          </div>
        </div>
      )}
    </section>
  );
}

/**
 * The window the procedure opened for the citizen. The kiosk only says it: acting needs the citizen
 * signed in (the act is theirs alone), which the portal's application page does.
 */
function OpenWindow({ window }: { window: NonNullable<Tracked['citizenWindow']> }) {
  return (
    <div class="panel attention kiosk-window">
      <h3>{localized(window.action)}</h3>
      <p>
        {t('windowUntil')} <strong>{longDate(window.dueAt)}</strong>.
      </p>
      <p>{t('kioskWindowWhere')}</p>
    </div>
  );
}
