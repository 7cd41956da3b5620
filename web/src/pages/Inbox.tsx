import { useState } from 'preact/hooks';
import type { InboxTaskView } from '../../../api/answers.js';
import { api, ApiError, query } from '../api.js';
import { DeadlineExplained } from '../components/Deadline.js';
import { ClockList } from '../components/Clocks.js';
import { Loading, NotReady, ProblemMessage } from '../components/Problem.js';
import { errorsByPointer, fieldIdOf, fieldLabelAt, SchemaForm, type FormValue } from '../components/SchemaForm.js';
import { checkForm } from '../form-rules.js';
import { TimeLeft } from '../components/TimeLeft.js';
import { Timeline } from '../components/Timeline.js';
import { localized, outcomeText, statusText, t, type LocalizedText } from '../i18n.js';
import { navigate } from '../router.js';
import { session } from '../session.js';
import { useStore } from '../store.js';
import { useData } from '../use-data.js';
import { formSchema, usePublished, userTaskStep, type Definition, type DocumentSpec } from './Apply.js';
import type { ApplicationView } from '../../../api/answers.js';
import { DocumentList, stepTitleOf, useApplication, useProcedureTitles } from './Applications.js';
import { BulkBar, KeyboardHelp, onInboxKey, SavedFilters } from './InboxBulk.js';

/** The inbox with its filters; `round` only asks for a fresh read. */
export function useInbox({ round, ...filters }: Record<string, string>) {
  return useData(() => api<{ tasks: InboxTaskView[]; nextCursor: string | null }>('GET', `/tasks${query({ ...filters, limit: 100 })}`), [JSON.stringify(filters), round]);
}

export function InboxPage({ params }: { params: URLSearchParams }) {
  const titles = useProcedureTitles();
  const filters = { status: params.get('status') ?? '', assignee: params.get('assignee') ?? '', procedureId: params.get('procedureId') ?? '', officeId: params.get('officeId') ?? '' };
  const [round, setRound] = useState(0);
  const inbox = useInbox({ ...filters, round: String(round) });
  const person = useStore(session);
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const shown = inbox.data?.tasks ?? [];
  // Only tasks still listed stay selected: after a refresh, a task that left the list cannot be acted on.
  const selection = shown.filter((x) => picked.has(x.id));
  const toggle = (id: string, on: boolean) =>
    setPicked((p) => {
      const next = new Set(p);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  const selectAll = () => setPicked(new Set(shown.map((x) => x.id)));
  const setFilter = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    navigate(`/inbox${next.toString() ? `?${next}` : ''}`);
  };
  return (
    <section>
      <h1 tabIndex={-1}>{t('inbox')}</h1>
      <div class="filters" role="group" aria-label={t('filters')}>
        <div class="field">
          <label for="filter-status">{t('status')}</label>
          <select id="filter-status" value={filters.status} onChange={(e) => setFilter('status', (e.currentTarget as HTMLSelectElement).value)}>
            <option value="">{t('toDo')}</option>
            <option value="open">{t('task_open')}</option>
            <option value="claimed">{t('task_claimed')}</option>
            <option value="completed">{t('task_completed')}</option>
          </select>
        </div>
        <div class="field">
          <label for="filter-assignee">{t('assignee')}</label>
          <select id="filter-assignee" value={filters.assignee} onChange={(e) => setFilter('assignee', (e.currentTarget as HTMLSelectElement).value)}>
            <option value="">{t('everyone')}</option>
            <option value="me">{t('me')}</option>
          </select>
        </div>
        <div class="field">
          <label for="filter-procedure">{t('procedure')}</label>
          <select id="filter-procedure" value={filters.procedureId} onChange={(e) => setFilter('procedureId', (e.currentTarget as HTMLSelectElement).value)}>
            <option value="">{t('all')}</option>
            {[...titles].map(([id, title]) => (
              <option key={id} value={id}>
                {title}
              </option>
            ))}
          </select>
        </div>
        {(person?.offices.length ?? 0) > 1 && (
          <div class="field">
            <label for="filter-office">{t('office')}</label>
            <select id="filter-office" value={filters.officeId} onChange={(e) => setFilter('officeId', (e.currentTarget as HTMLSelectElement).value)}>
              <option value="">{t('all')}</option>
              {person!.offices.map((o) => (
                <option key={o} value={o}>
                  {o}
                </option>
              ))}
            </select>
          </div>
        )}
        <button type="button" onClick={inbox.reload}>
          {t('refresh')}
        </button>
      </div>
      <SavedFilters params={params} person={person} />
      <KeyboardHelp />
      {(selection.length > 0 || round > 0) && (
        <BulkBar
          tasks={selection}
          person={person}
          onDone={(results) => {
            // What was done leaves the selection; what was refused stays, to be seen and dealt with.
            setPicked(new Set(results.filter((r) => r.result === 'refused').map((r) => r.taskId)));
            setRound((r) => r + 1);
          }}
        />
      )}
      {!inbox.data ? (
        <NotReady error={inbox.error} />
      ) : inbox.data.tasks.length === 0 ? (
        <p role="status">{t('inboxEmpty')}</p>
      ) : (
        <table class="list inbox">
          <caption class="visually-hidden">{t('inboxCaption')}</caption>
          <thead>
            <tr>
              <th scope="col">
                <input
                  type="checkbox"
                  aria-label={t('selectAll')}
                  checked={selection.length === shown.length}
                  onChange={(e) => ((e.currentTarget as HTMLInputElement).checked ? selectAll() : setPicked(new Set()))}
                />
              </th>
              <th scope="col">{t('timeLeft')}</th>
              <th scope="col">{t('task')}</th>
              <th scope="col">{t('trackingNumber')}</th>
              <th scope="col">{t('status')}</th>
              <th scope="col">{t('assignee')}</th>
            </tr>
          </thead>
          <tbody onKeyDown={(e) => onInboxKey(e, shown, selectAll)}>
            {inbox.data.tasks.map((task) => (
              <tr key={task.id} class={task.legalDeadline?.overdue ? 'row-overdue' : task.legalDeadline?.atRisk ? 'row-at-risk' : ''}>
                <td>
                  <input
                    type="checkbox"
                    class="pick"
                    value={task.id}
                    aria-label={`${t('selectTask')} ${task.trackingNumber}`}
                    checked={picked.has(task.id)}
                    onChange={(e) => toggle(task.id, (e.currentTarget as HTMLInputElement).checked)}
                  />
                </td>
                <td>
                  <TimeLeft clock={task.legalDeadline} />
                  {task.clock && (
                    <div class="other-clock">
                      {localized(task.clock.label)}: <TimeLeft clock={task.clock} />
                    </div>
                  )}
                </td>
                <td>
                  <a href={`#/inbox/${encodeURIComponent(task.id)}`}>{titles.get(task.procedureId) ?? task.procedureId}</a>
                  <span class="meta"> · {task.stepId}{task.visit && task.visit > 1 ? ` (${t('visitNumber')} ${task.visit})` : ''}</span>
                  {task.escalated && <span class="badge overdue"> {t('escalated')}</span>}
                </td>
                <td dir="ltr">{task.trackingNumber}</td>
                <td>{t(`task_${task.status as 'open'}`)}</td>
                <td>{task.assignee ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** One task with everything an agent needs to decide: the application, its timeline and documents. */
export function TaskPage({ taskId }: { taskId: string }) {
  const trackingNumber = taskId.split('.')[0] ?? '';
  const { view, timeline, documents, reload } = useApplication(trackingNumber);
  const definition = usePublished(view.data?.procedure.id ?? '', view.data?.procedure.version);
  const person = useStore(session);
  if (!view.data) return <NotReady error={view.error} />;
  const a = view.data;
  const task = a.tasks.find((x) => x.id === taskId);
  const d = definition.data?.id === a.procedure.id ? definition.data : undefined;
  if (!task || !d) return <Loading />;
  const step = userTaskStep(d, task.stepId);
  const mine = task.assignee === person?.sub;
  return (
    <article>
      <p class="no-print">
        <a href="#/inbox">← {t('inbox')}</a>
      </p>
      <h1 tabIndex={-1}>
        {step?.title ? localized(step.title) : task.stepId} — <span dir="ltr">{a.trackingNumber}</span>
      </h1>
      <dl class="facts">
        <dt>{t('procedure')}</dt>
        <dd>{localized(d.title)}</dd>
        <dt>{t('status')}</dt>
        <dd>
          {t(`task_${task.status as 'open'}`)} {task.assignee && `(${task.assignee})`}
        </dd>
        {task.visit && task.visit > 1 && (
          <>
            <dt>{t('visitNumber')}</dt>
            <dd>{task.visit}</dd>
          </>
        )}
        <dt>{t('application')}</dt>
        <dd>{statusText(a.status, a.outcome)}</dd>
        <dt>{t('citizen')}</dt>
        {a.citizen ? <dd dir="ltr">{a.citizen}</dd> : <dd>{t('internalFile')}</dd>}
      </dl>
      {a.status === 'open' && (task.status === 'open' || task.status === 'claimed') && (
        <TaskActions application={a} definition={d} task={task} mine={mine} onDone={reload} />
      )}
      <h2>{t('legalDeadline')}</h2>
      <DeadlineExplained deadline={a.deadline} />
      <ClockList clocks={a.clocks} />
      <h2>{t('timeline')}</h2>
      {timeline.data ? <Timeline entries={timeline.data} stepTitle={stepTitleOf(d)} /> : <Loading />}
      <h2>{t('documents')}</h2>
      <DocumentList trackingNumber={a.trackingNumber} documents={documents.data ?? []} />
    </article>
  );
}

function TaskActions({ application, definition, task, mine, onDone }: { application: ApplicationView; definition: Definition; task: ApplicationView['tasks'][number]; mine: boolean; onDone(): void }) {
  const [error, setError] = useState<ApiError>();
  const [data, setData] = useState<FormValue>({});
  const [busy, setBusy] = useState(false);
  const step = userTaskStep(definition, task.stepId);
  const act = async (path: string, body?: unknown) => {
    setBusy(true);
    setError(undefined);
    try {
      await api('POST', path, body === undefined ? {} : { body });
      onDone();
      return true;
    } catch (err) {
      setError(err as ApiError);
      return false;
    } finally {
      setBusy(false);
    }
  };
  // The task's form is checked in the browser with the schema the server uses before any outcome is sent.
  const [checked, setChecked] = useState(false);
  const local = checked && step?.form ? checkForm(formSchema(step.form), data) : [];
  const shown = local.length ? new ApiError(400, 'invalid-form', '', local) : error;
  const errors = errorsByPointer(shown?.errors ?? []);
  const decide = (outcome: string) => {
    setChecked(true);
    if (step?.form && checkForm(formSchema(step.form), data).length) return;
    void act(`/tasks/${task.id}/complete`, { outcome, data });
  };
  // The outcome that leads to a complement request is offered as the request itself (documents, note).
  const complement = Object.entries(step?.outcomes ?? {}).find(([, o]) => definition.steps[o.next]?.type === 'requestComplement');
  const request = complement && definition.steps[complement[1].next];
  const asked: string[] = request?.type === 'requestComplement' ? request.documents : [];
  const askable: string[] = request?.type === 'requestComplement' ? (request.fields ?? []) : [];
  // The variant chosen at filing may have its own extension (the deadline says so); else the procedure's.
  const extension = application.deadline?.extension ?? definition.deadline.extension;
  if (task.status === 'open') {
    return (
      <div class="panel">
        <ProblemMessage error={error} />
        <button type="button" class="primary big" disabled={busy} onClick={() => void act(`/tasks/${task.id}/claim`)}>
          {t('claim')}
        </button>
      </div>
    );
  }
  if (!mine) return <p class="notice">{t('claimedBySomeoneElse')}</p>;
  return (
    <div class="panel">
      <h2>{t('decide')}</h2>
      {step?.instructions && <p class="notice">{localized(step.instructions)}</p>}
      <ProblemMessage error={shown} fieldIds={(p) => fieldIdOf(p, 'task')} fieldLabels={(p) => (step?.form ? fieldLabelAt(formSchema(step.form), p) : undefined)} />
      <form onSubmit={(e) => e.preventDefault()} noValidate>
        {step?.form && <SchemaForm schema={formSchema(step.form)} value={data} onChange={setData} errors={errors} pointer="/data" idPrefix="task" />}
        <div class="actions">
          {Object.entries(step?.outcomes ?? {})
            .filter(([outcome]) => outcome !== complement?.[0])
            .map(([outcome, o]) => (
            <button key={outcome} type="button" class={`big ${outcomeClass(definition, o.next)}`} disabled={busy} onClick={() => decide(outcome)}>
              {o.label ? localized(o.label) : outcomeText(outcome)}
            </button>
          ))}
          <button type="button" disabled={busy} onClick={() => void act(`/tasks/${task.id}/release`)}>
            {t('release')}
          </button>
        </div>
      </form>
      {(asked.length > 0 || askable.length > 0) && (
        <ComplementRequest
          documents={definition.documents.filter((d) => asked.includes(d.id))}
          fields={askable.map((id) => ({ id, label: formSchema(definition.form).properties?.[id]?.label ?? { ar: id, fr: id, en: id } }))}
          disabled={busy}
          onSend={(documents, fields, note) => act(`/tasks/${task.id}/request-complement`, { documents, ...(fields.length ? { fields } : {}), ...(note ? { note } : {}) })}
        />
      )}
      {extension && application.deadline && (
        <Extension units={extension.units} onSend={(units, reason) => act(`/applications/${application.trackingNumber}/extension`, { units, reason })} />
      )}
    </div>
  );
}

/** An outcome that closes the file shows how: green to grant (wholly or in part), red to refuse; any other is neutral. */
function outcomeClass(definition: Definition, next: string): string {
  const target = definition.steps[next];
  if (target?.type !== 'end') return '';
  return target.outcome === 'approved' || target.outcome === 'partiallyGranted' ? 'primary' : target.outcome === 'rejected' ? 'danger' : '';
}

/** A field of the form an agent may ask the citizen to enter again (language 2). */
interface AskableField {
  id: string;
  label: LocalizedText;
}

function ComplementRequest({ documents, fields, disabled, onSend }: { documents: DocumentSpec[]; fields: AskableField[]; disabled: boolean; onSend(documents: string[], fields: string[], note: string): Promise<boolean> }) {
  const [chosen, setChosen] = useState<string[]>([]);
  const [chosenFields, setChosenFields] = useState<string[]>([]);
  const [note, setNote] = useState('');
  return (
    <details class="sub-panel">
      <summary>{t('requestComplement')}</summary>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void onSend(chosen, chosenFields, note.trim());
        }}
        noValidate
      >
        {fields.length > 0 && (
          <fieldset>
            <legend>{t('fieldsToAsk')}</legend>
            {fields.map((field) => (
              <div key={field.id} class="field checkbox">
                <input
                  id={`ask-field-${field.id}`}
                  type="checkbox"
                  checked={chosenFields.includes(field.id)}
                  onChange={(e) => setChosenFields((c) => ((e.currentTarget as HTMLInputElement).checked ? [...c, field.id] : c.filter((x) => x !== field.id)))}
                />
                <label for={`ask-field-${field.id}`}>{localized(field.label)}</label>
              </div>
            ))}
          </fieldset>
        )}
        <fieldset hidden={documents.length === 0}>
          <legend>{t('documentsToAsk')}</legend>
          {documents.map((doc) => (
            <div key={doc.id} class="field checkbox">
              <input
                id={`ask-${doc.id}`}
                type="checkbox"
                checked={chosen.includes(doc.id)}
                onChange={(e) => setChosen((c) => ((e.currentTarget as HTMLInputElement).checked ? [...c, doc.id] : c.filter((x) => x !== doc.id)))}
              />
              <label for={`ask-${doc.id}`}>{localized(doc.label)}</label>
            </div>
          ))}
        </fieldset>
        <div class="field">
          <label for="ask-note">{t('noteToCitizen')}</label>
          <textarea id="ask-note" rows={2} value={note} onInput={(e) => setNote((e.currentTarget as HTMLTextAreaElement).value)} />
        </div>
        <button type="submit" disabled={disabled}>
          {t('sendRequest')}
        </button>
      </form>
    </details>
  );
}

function Extension({ units, onSend }: { units: number; onSend(units: number, reason: string): Promise<boolean> }) {
  const [reason, setReason] = useState('');
  return (
    <details class="sub-panel">
      <summary>{t('proposeExtension')}</summary>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void onSend(units, reason.trim());
        }}
        noValidate
      >
        <p>
          {t('extensionBy')} {units}
        </p>
        <div class="field">
          <label for="extension-reason">{t('reason')}</label>
          <textarea id="extension-reason" rows={2} value={reason} onInput={(e) => setReason((e.currentTarget as HTMLTextAreaElement).value)} />
        </div>
        <button type="submit">{t('extend')}</button>
      </form>
    </details>
  );
}
