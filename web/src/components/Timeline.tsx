import { dateTime } from '../format.js';
import { t, timelineKind } from '../i18n.js';

export interface TimelineEntry {
  seq?: number;
  at: string;
  kind: string;
  actor?: string | null;
  stepId?: string | null;
  detail?: Record<string, unknown>;
}

/** What happened to an application, oldest first, in the reader's language. */
export function Timeline({ entries, stepTitle }: { entries: TimelineEntry[]; stepTitle?: (stepId: string) => string }) {
  if (!entries.length) return <p>{t('nothingYet')}</p>;
  return (
    <ol class="timeline">
      {entries.map((e, i) => (
        <li key={e.seq ?? i}>
          <time dateTime={e.at}>{dateTime(e.at)}</time>
          <span class="what">
            {timelineKind(e.kind)}
            {e.stepId ? ` — ${stepTitle?.(e.stepId) ?? e.stepId}` : ''}
          </span>
          {e.actor && <span class="who">{e.actor}</span>}
        </li>
      ))}
    </ol>
  );
}
