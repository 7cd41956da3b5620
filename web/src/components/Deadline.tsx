import type { LegalDeadlineView } from '../../../api/answers.js';
import type { LedgerEntry } from '../../../engine/deadline/ledger.js';
import { calendarDate, dateTime, longDate } from '../format.js';
import { t } from '../i18n.js';

/**
 * The legal due date and why it is that date: each event of the deadline's ledger in the reader's
 * language, and the engine's own day-by-day reasoning (in English) for whoever wants the detail.
 */
export function DeadlineExplained({ deadline, budget }: { deadline: LegalDeadlineView | null | undefined; budget?: string }) {
  if (!deadline) return <p>{t('noDeadline')}</p>;
  return (
    <div class="deadline">
      <p class="due-date">
        {t('legalDueDate')}: <strong>{deadline.dueDate ? calendarDate(deadline.dueDate) : longDate(deadline.dueAt)}</strong>
        {deadline.paused && !deadline.met && <span class="badge paused"> {t('clockStopped')}</span>}
        {deadline.expired && !deadline.met && <span class="badge overdue"> {t('expired')}</span>}
        {deadline.met && <span class={`badge ${deadline.met.late ? 'overdue' : 'met'}`}> {t(deadline.met.late ? 'clockSt_metLate' : 'clockSt_met')}</span>}
      </p>
      {budget && <p>{t('budgetIs')} {budget}.</p>}
      {(deadline.ledger ?? []).length > 0 && (
        <ul class="ledger">
          {(deadline.ledger ?? []).map((entry, i) => (
            <li key={i}>
              {dateTime(entry.at)} — {ledgerText(entry)}
            </li>
          ))}
        </ul>
      )}
      {(deadline.explanation ?? []).length > 0 && (
        <details>
          <summary>{t('howComputed')}</summary>
          <ul lang="en" dir="ltr">
            {(deadline.explanation ?? []).map((line, i) => (
              <li key={i}>{line}</li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}

/** One event of a deadline's or a clock's ledger, in the reader's language. */
export function ledgerText(entry: LedgerEntry): string {
  switch (entry.type) {
    case 'started':
      return t('ledgerStarted');
    case 'paused':
      return t('ledgerPaused');
    case 'resumed':
      return t('ledgerResumed');
    case 'restarted':
      return t('ledgerRestarted');
    case 'extended':
      return `${t('ledgerExtended')} (+${entry.units}): ${entry.reason}`;
    case 'warned':
      return t('ledgerWarned');
    case 'expired':
      return t('ledgerExpired');
    case 'dated':
      return entry.previousDate ? `${t('ledgerDateChanged')}: ${calendarDate(entry.previousDate.slice(0, 10))} → ${calendarDate(entry.date.slice(0, 10))}` : `${t('ledgerDated')} ${calendarDate(entry.date.slice(0, 10))}`;
    case 'met':
      return entry.late ? t('ledgerMetLate') : t('ledgerMet');
    case 'reprojected':
      return `${t('ledgerReprojected')} ${dateTime(entry.previousDueAt)} → ${dateTime(entry.newDueAt)}`;
  }
}
