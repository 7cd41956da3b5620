import type { ClockView } from '../../../api/answers.js';
import type { Budget, ProcedureDefinition } from '../../../engine/definition.generated.js';
import { calendarDate, dateTime, relative } from '../format.js';
import { localized, t, type MessageKey } from '../i18n.js';
import { ledgerText } from './Deadline.js';

/** Where a clock stands, in words; running clocks say how long is left. */
function clockStatusText(clock: Pick<ClockView, 'status' | 'msLeft'>): string {
  const status = t(`clockSt_${clock.status}` as MessageKey);
  return clock.status === 'running' && clock.msLeft !== null ? `${status} · ${relative(clock.msLeft)}` : status;
}

/**
 * The application's named clocks (the summons before a session, the posting after it): each with its
 * due date, where it stands and its ledger, and the engine's reasoning for whoever wants the detail.
 */
export function ClockList({ clocks }: { clocks: ClockView[] }) {
  if (!clocks.length) return null;
  return (
    <>
      <h2>{t('clocks')}</h2>
      <ul class="clocks">
        {clocks.map((clock) => (
          <li key={clock.id} class={`clock ${clock.status}`}>
            <p>
              <strong>{localized(clock.label)}</strong> — {t('clockDue')}: {clock.dueDate ? calendarDate(clock.dueDate) : '—'}{' '}
              <span class={`badge ${clock.status === 'expired' || clock.status === 'metLate' ? 'overdue' : ''}`}>{clockStatusText(clock)}</span>
            </p>
            {clock.ledger.length > 0 && (
              <ul class="ledger">
                {clock.ledger.map((entry, i) => (
                  <li key={i}>
                    {dateTime(entry.at)} — {ledgerText(entry)}
                  </li>
                ))}
              </ul>
            )}
            {clock.explanation.length > 0 && (
              <details>
                <summary>{t('howComputed')}</summary>
                <ul lang="en" dir="ltr">
                  {clock.explanation.map((line, i) => (
                    <li key={i}>{line}</li>
                  ))}
                </ul>
              </details>
            )}
          </li>
        ))}
      </ul>
    </>
  );
}

export function budgetText(budget: Budget): string {
  if ('workingDays' in budget) return `${budget.workingDays} ${t('unitWorkingDays')}`;
  if ('calendarDays' in budget) return `${budget.calendarDays} ${t('unitCalendarDays')}`;
  if ('months' in budget) return `${budget.months} ${t('unitMonths')}`;
  return budget.duration;
}

/** The clocks that start on entering a step (the start step for those that start at filing): label and budget. */
export function clocksStartingAt(definition: ProcedureDefinition, stepId: string): string[] {
  return Object.values(definition.clocks ?? {})
    .filter((c) => (c.startsOn === 'filing' ? stepId === definition.start : c.step === stepId))
    .map((c) => {
      const counted = c.from ? ('before' in c.from ? `${budgetText(c.from.before)} ${t('clockBefore')}` : `${budgetText(c.from.after)} ${t('clockAfter')}`) : c.budget ? budgetText(c.budget) : '';
      return `${localized(c.label)}: ${counted}`;
    });
}
