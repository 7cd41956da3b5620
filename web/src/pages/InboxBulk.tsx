import { useState } from 'preact/hooks';
import type { InboxTaskView } from '../../../api/answers.js';
import { api, ApiError } from '../api.js';
import { ProblemMessage } from '../components/Problem.js';
import { localized, outcomeText, t } from '../i18n.js';
import { navigate } from '../router.js';
import type { Person } from '../session.js';
import { usePublished } from './Apply.js';

interface BulkResult {
  taskId: string;
  result: 'done' | 'refused';
  code?: string;
  reason?: string;
}

/**
 * The inbox's keyboard: ↑/↓ move between the rows' checkboxes, Space (the checkbox's own key) selects,
 * Enter opens the task, Ctrl+A selects every task shown. The list of shortcuts is on the page.
 */
export function onInboxKey(e: KeyboardEvent, tasks: InboxTaskView[], selectAll: () => void): void {
  const target = e.target as HTMLElement;
  const row = target.closest('tr');
  if (!row || !(target instanceof HTMLInputElement) || !target.classList.contains('pick')) return;
  if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
    e.preventDefault();
    const sibling = (e.key === 'ArrowDown' ? row.nextElementSibling : row.previousElementSibling) as HTMLElement | null;
    sibling?.querySelector<HTMLInputElement>('input.pick')?.focus();
  } else if (e.key === 'Enter') {
    e.preventDefault();
    const task = tasks.find((x) => x.id === target.value);
    if (task) navigate(`/inbox/${encodeURIComponent(task.id)}`);
  } else if (e.key === 'a' && (e.ctrlKey || e.metaKey)) {
    e.preventDefault();
    selectAll();
  }
}

export function KeyboardHelp() {
  return (
    <details class="keyboard-help">
      <summary>{t('keyboardHelp')}</summary>
      <ul>
        <li>{t('keyboardMove')}</li>
        <li>{t('keyboardSelect')}</li>
        <li>{t('keyboardOpen')}</li>
        <li>{t('keyboardAll')}</li>
      </ul>
    </details>
  );
}

/** Completing in bulk: offered when every selected task is at the same step, and that step allows it. */
function BulkComplete({ tasks, disabled, onSend }: { tasks: InboxTaskView[]; disabled: boolean; onSend(outcome: string): void }) {
  const first = tasks[0]!;
  const sameStep = tasks.every((x) => x.procedureId === first.procedureId && x.stepId === first.stepId);
  const definition = usePublished(sameStep ? first.procedureId : '');
  const [outcome, setOutcome] = useState('');
  const step = definition.data?.steps[first.stepId];
  if (!sameStep || !step || step.type !== 'userTask') return null;
  if (!step.bulkComplete) return <p class="hint">{t('oneByOne')}</p>;
  return (
    <div class="bulk-row">
      <div class="field">
        <label for="bulk-outcome">{t('completeWith')}</label>
        <select id="bulk-outcome" value={outcome} onChange={(e) => setOutcome((e.currentTarget as HTMLSelectElement).value)}>
          <option value="">{t('choose')}</option>
          {Object.entries(step.outcomes).map(([id, o]) => (
            <option key={id} value={id}>
              {o.label ? localized(o.label) : outcomeText(id)}
            </option>
          ))}
        </select>
      </div>
      <button type="button" disabled={disabled || !outcome} onClick={() => onSend(outcome)}>
        {t('completeSelected')}
      </button>
    </div>
  );
}

/** What an agent (or a supervisor) does to the selected tasks at once, with each task's result. */
export function BulkBar({ tasks, person, onDone }: { tasks: InboxTaskView[]; person: Person | undefined; onDone(results: BulkResult[]): void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const [results, setResults] = useState<BulkResult[]>();
  const [toAgent, setToAgent] = useState('');
  const send = async (body: Record<string, unknown>) => {
    setBusy(true);
    setError(undefined);
    try {
      const answer = await api<{ results: BulkResult[] }>('POST', '/tasks/bulk', { body: { ...body, taskIds: tasks.map((x) => x.id) } });
      setResults(answer.results);
      onDone(answer.results);
    } catch (err) {
      setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  };
  const tracking = (id: string) => id.split('.')[0];
  return (
    <div class="panel bulk" role="region" aria-label={t('bulkActions')}>
      {tasks.length > 0 && (
        <>
          <p>
            <strong>{t('selected')}</strong> <span class="selected-count">{tasks.length}</span>
          </p>
          <ProblemMessage error={error} />
          <div class="bulk-row">
            <button type="button" class="primary" disabled={busy} onClick={() => void send({ action: 'claim' })}>
              {t('claimSelected')}
            </button>
          </div>
          {person?.role === 'supervisor' && (
            <div class="bulk-row">
              <div class="field">
                <label for="bulk-agent">{t('bulkReassignTo')}</label>
                <input id="bulk-agent" dir="ltr" value={toAgent} onInput={(e) => setToAgent((e.currentTarget as HTMLInputElement).value)} />
              </div>
              <button type="button" disabled={busy || !toAgent.trim()} onClick={() => void send({ action: 'reassign', toAgent: toAgent.trim() })}>
                {t('reassignSelected')}
              </button>
            </div>
          )}
          <BulkComplete tasks={tasks} disabled={busy} onSend={(outcome) => void send({ action: 'complete', outcome })} />
        </>
      )}
      {results && (
        <div role="status">
          <h2>{t('bulkResults')}</h2>
          <ul class="bulk-results">
            {results.map((r) => (
              <li key={r.taskId} class={r.result}>
                <span dir="ltr">{tracking(r.taskId)}</span> — {r.result === 'done' ? t('bulkDone') : `${t('bulkRefused')}: ${r.reason ?? r.code}`}
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

interface SavedFilter {
  name: string;
  query: string;
}

/** Saved filters live in this browser only, per agent: they are a convenience, not shared office data. */
const savedKey = (person: Person) => `mohla.inbox.filters.${person.sub}`;

function readSaved(person: Person): SavedFilter[] {
  try {
    const list = JSON.parse(localStorage.getItem(savedKey(person)) ?? '[]') as unknown;
    return Array.isArray(list) ? list.filter((f): f is SavedFilter => typeof f?.name === 'string' && typeof f?.query === 'string') : [];
  } catch {
    return [];
  }
}

export function SavedFilters({ params, person }: { params: URLSearchParams; person: Person | undefined }) {
  const [saved, setSaved] = useState<SavedFilter[]>(() => (person ? readSaved(person) : []));
  const [name, setName] = useState('');
  if (!person) return null;
  const store = (list: SavedFilter[]) => {
    localStorage.setItem(savedKey(person), JSON.stringify(list));
    setSaved(list);
  };
  return (
    <details class="saved-filters">
      <summary>{t('savedFilters')}</summary>
      {saved.length > 0 && (
        <ul>
          {saved.map((f) => (
            <li key={f.name}>
              <a href={`#/inbox${f.query ? `?${f.query}` : ''}`}>{f.name}</a>{' '}
              <button type="button" class="link" onClick={() => store(saved.filter((x) => x.name !== f.name))}>
                {t('deleteFilter')} <span class="visually-hidden">{f.name}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <form
        class="inline"
        onSubmit={(e) => {
          e.preventDefault();
          const label = name.trim();
          if (!label) return;
          store([...saved.filter((x) => x.name !== label), { name: label, query: params.toString() }]);
          setName('');
        }}
      >
        <label for="filter-name" class="visually-hidden">
          {t('filterName')}
        </label>
        <input id="filter-name" placeholder={t('filterName')} value={name} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} />
        <button type="submit">{t('saveFilter')}</button>
      </form>
    </details>
  );
}
