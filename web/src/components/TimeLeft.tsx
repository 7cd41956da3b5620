import type { TimeLeftView } from '../../../api/answers.js';
import { dateTime, relative } from '../format.js';
import { t } from '../i18n.js';

type Clock = TimeLeftView & { paused?: boolean };

/** Time left on a legal deadline: words and a colour (the colour is never the only signal). */
export function TimeLeft({ clock }: { clock: Clock | null | undefined }) {
  if (!clock) return <span class="time-left none">{t('noDeadline')}</span>;
  const state = clock.paused ? 'paused' : clock.overdue ? 'overdue' : clock.atRisk ? 'at-risk' : 'on-time';
  const word = { paused: t('paused'), overdue: t('overdue'), 'at-risk': t('atRisk'), 'on-time': t('onTime') }[state];
  return (
    <span class={`time-left ${state}`}>
      <strong>{word}</strong> · {clock.paused ? t('clockStopped') : relative(clock.msLeft)}
      <span class="due"> ({dateTime(clock.dueAt)})</span>
    </span>
  );
}
