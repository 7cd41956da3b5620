import { useState } from 'preact/hooks';
import type { ApplicationView } from '../../../api/answers.js';
import { api, apiBlob, ApiError } from '../api.js';
import { DeadlineExplained } from '../components/Deadline.js';
import { ClockList } from '../components/Clocks.js';
import { Loading, NotReady, ProblemMessage } from '../components/Problem.js';
import { ListTable } from '../components/ListTable.js';
import { Timeline, type TimelineEntry } from '../components/Timeline.js';
import { dateTime } from '../format.js';
import { fieldMessage, localized, statusText, t, useLanguage, type LocalizedText } from '../i18n.js';
import { useData } from '../use-data.js';
import { formSchema, upload, usePublished, userTaskStep, type Definition } from './Apply.js';
import { errorsByPointer, fieldIdOf, fieldLabelAt, SchemaForm, type FieldSchema, type FormValue } from '../components/SchemaForm.js';
import { FilePicker } from '../components/FilePicker.js';
import type { GuideEntry } from '../../../registry/guide.js';
import { useGuide } from './Guide.js';
import { IssuedDocumentList, useIssuedDocuments, type IssuedDocument } from '../components/IssuedDocuments.js';
import { actionsPossible, IssuedDocumentActions } from '../components/IssuedDocumentActions.js';
import { session } from '../session.js';
import { useStore } from '../store.js';
import { ApplicationLink } from '../components/ApplicationLink.js';


interface Listed {
  trackingNumber: string;
  procedure: { id: string; version: number };
  status: string;
  outcome: string | null;
  filedAt: string;
  dueAt: string | null;
}

export function MyApplicationsPage() {
  const list = useData(() => api<{ applications: Listed[] }>('GET', '/applications?limit=100').then((a) => a.applications), []);
  const titles = useProcedureTitles();
  if (!list.data) return <NotReady error={list.error} />;
  return (
    <section>
      <h1 tabIndex={-1}>{t('myApplications')}</h1>
      <p>
        <a class="button" href="#/guide">
          {t('newApplication')}
        </a>
      </p>
      {list.data.length === 0 ? (
        <p>{t('noApplications')}</p>
      ) : (
        <ListTable caption={t('myApplications')} columns={[t('trackingNumber'), t('procedure'), t('filedAt'), t('status'), t('legalDueDate'), t('issuedDocuments')]}>
          {list.data.map((a) => (
            <tr key={a.trackingNumber}>
              <td>
                <ApplicationLink trackingNumber={a.trackingNumber} />
              </td>
              <td>{titles.get(a.procedure.id) ?? a.procedure.id}</td>
              <td>{dateTime(a.filedAt)}</td>
              <td>{statusText(a.status, a.outcome)}</td>
              <td>{a.status === 'open' ? dateTime(a.dueAt) : '—'}</td>
              <td>
                <RowDocuments trackingNumber={a.trackingNumber} closed={a.status === 'closed'} />
              </td>
            </tr>
          ))}
        </ListTable>
      )}
    </section>
  );
}

/** The documents issued for one application of the list, each with its download button. */
function RowDocuments({ trackingNumber, closed }: { trackingNumber: string; closed: boolean }) {
  // One request per closed row: a list of open applications asks for none (their page shows a window's letter).
  const issued = useIssuedDocuments(trackingNumber, closed ? 'closed' : undefined);
  if (!issued.data?.length) return <>—</>;
  return <IssuedDocumentList documents={issued.data} compact />;
}

/** Procedure titles in the reader's language, from the guide. */
export function useProcedureTitles(): Map<string, string> {
  return new Map((useGuide().data ?? []).map((p) => [p.id, p.title]));
}

/** What the office awaits: the documents and fields of the form of the last complement request not answered yet. */
function awaitedComplement(entries: TimelineEntry[]): { documents: string[]; fields: string[] } | undefined {
  let awaited: { documents: string[]; fields: string[] } | undefined;
  for (const e of entries) {
    if (e.kind === 'complementRequested') awaited = { documents: (e.detail?.documents as string[] | undefined) ?? [], fields: (e.detail?.fields as string[] | undefined) ?? [] };
    if (e.kind === 'complementProvided' || e.kind === 'closed' || e.kind === 'withdrawn' || e.kind === 'movedOnExpiry') awaited = undefined;
  }
  return awaited;
}

export function useApplication(trackingNumber: string) {
  const view = useData(() => api<ApplicationView>('GET', `/applications/${trackingNumber}`), [trackingNumber]);
  const timeline = useData(() => api<{ entries: TimelineEntry[] }>('GET', `/applications/${trackingNumber}/timeline`).then((x) => x.entries), [trackingNumber]);
  const documents = useData(() => api<{ documents: HandedIn[] }>('GET', `/applications/${trackingNumber}/documents`).then((x) => x.documents), [trackingNumber]);
  return {
    view,
    timeline,
    documents,
    reload() {
      view.reload();
      timeline.reload();
      documents.reload();
    },
  };
}

export function stepTitleOf(definition: Definition | undefined) {
  return (stepId: string) => {
    const step = definition?.steps[stepId];
    // A citizen window is named by what the citizen may do there.
    const title = step?.type === 'citizenWindow' ? step.action.label : userTaskStep(definition, stepId)?.title;
    return title ? localized(title) : stepId;
  };
}

/** An application as its citizen follows it: status, the legal due date explained, timeline, actions. */
export function ApplicationPage({ trackingNumber }: { trackingNumber: string }) {
  const { view, timeline, documents, reload } = useApplication(trackingNumber);
  // Asked for again when the application's answer counts another document (a window's letter, then the decision's).
  const issued = useIssuedDocuments(trackingNumber, view.data && `${view.data.status}:${view.data.issuedDocuments.length}`);
  const definition = usePublished(view.data?.procedure.id ?? '', view.data?.procedure.version);
  const lang = useLanguage();
  const person = useStore(session);
  const guide = useData(() => (view.data ? api<GuideEntry>('GET', `/guide/${view.data.procedure.id}?lang=${lang}`) : Promise.resolve(undefined)), [view.data?.procedure.id, lang]);
  if (!view.data) return <NotReady error={view.error} />;
  const a = view.data;
  const d = view.data && definition.data?.id === a.procedure.id ? definition.data : undefined;
  const awaited = awaitedComplement(timeline.data ?? []);
  const windowStep = a.citizenTurn && d?.steps[a.citizenTurn.stepId];
  return (
    <article>
      <h1 tabIndex={-1}>
        {d ? localized(d.title) : a.procedure.id} — <span dir="ltr">{a.trackingNumber}</span>
      </h1>
      <dl class="facts">
        <dt>{t('status')}</dt>
        <dd class={`status ${a.status}`}>{statusText(a.status, a.outcome)}</dd>
        <dt>{t('filedAt')}</dt>
        <dd>{dateTime(a.filedAt)}</dd>
        {a.closedAt && (
          <>
            <dt>{t('closedAt')}</dt>
            <dd>{dateTime(a.closedAt)}</dd>
          </>
        )}
        {a.grantedBySilence && (
          <>
            <dt>{t('decision')}</dt>
            <dd>{t('grantedBySilence')}</dd>
          </>
        )}
        {a.forwardedTo && (
          <>
            <dt>{t('forwardedTo')}</dt>
            <dd>{localized(a.forwardedTo)}</dd>
          </>
        )}
        {a.motivation && (
          <>
            <dt>{t('motivation')}</dt>
            <dd>{a.motivation}</dd>
          </>
        )}
      </dl>
      <p>
        <a class="button" href={`#/applications/${a.trackingNumber}/receipt`}>
          {t('receipt')}
        </a>
      </p>
      <IssuedDocumentList
        documents={issued.data ?? []}
        {...(person && actionsPossible(person.role)
          ? {
              actions: (doc: IssuedDocument) => (
                <IssuedDocumentActions
                  trackingNumber={a.trackingNumber}
                  doc={doc}
                  role={person.role}
                  onDone={() => {
                    issued.reload();
                    timeline.reload();
                  }}
                />
              ),
            }
          : {})}
      />
      {a.status === 'open' && a.citizenTurn && windowStep?.type === 'citizenWindow' && (
        <WindowAction application={a} stepId={a.citizenTurn.stepId} dueAt={a.citizenTurn.dueAt} step={windowStep} onDone={reload} />
      )}
      {a.status === 'open' && awaited && d && <ComplementAnswer application={a} definition={d} awaited={awaited.documents} fields={awaited.fields} onDone={reload} />}
      <h2>{t('legalDeadline')}</h2>
      <DeadlineExplained deadline={a.deadline} {...(guide.data ? { budget: `${guide.data.legalDeadline.budget} ${guide.data.legalDeadline.startsOn}` } : {})} />
      <ClockList clocks={a.clocks} />
      <h2>{t('timeline')}</h2>
      {timeline.data ? <Timeline entries={timeline.data} stepTitle={stepTitleOf(d)} /> : <Loading />}
      <h2>{t('documents')}</h2>
      <DocumentList trackingNumber={a.trackingNumber} documents={documents.data ?? []} />
      {a.status === 'open' && <Withdraw trackingNumber={a.trackingNumber} onDone={reload} />}
    </article>
  );
}

interface HandedIn {
  documentId: string;
  label: LocalizedText | null;
  fileName: string;
  sha256: string;
  uploadedAt: string;
}

export function DocumentList({ trackingNumber, documents }: { trackingNumber: string; documents: HandedIn[] }) {
  const [error, setError] = useState<ApiError>();
  if (!documents.length) return <p>{t('none')}</p>;
  // The file needs the bearer token, so it is fetched here; it is saved, never opened as a page of Mohla's
  // origin, where a PDF's scripts or a crafted image would run with the agent's session.
  async function download(doc: HandedIn) {
    setError(undefined);
    try {
      const blob = await apiBlob(`/applications/${trackingNumber}/documents/${doc.documentId}/${doc.sha256}`);
      const link = document.createElement('a');
      link.href = URL.createObjectURL(blob);
      link.download = doc.fileName;
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
    } catch (err) {
      setError(err as ApiError);
    }
  }
  return (
    <>
      <ProblemMessage error={error} />
      <ul class="documents">
        {documents.map((doc) => (
          <li key={doc.sha256}>
            {doc.label ? localized(doc.label) : doc.documentId}: <span dir="ltr">{doc.fileName}</span> <span class="meta">({dateTime(doc.uploadedAt)}, sha256 {doc.sha256.slice(0, 12)}…)</span>{' '}
            <button type="button" class="link" onClick={() => void download(doc)}>
              {t('download')} <span class="visually-hidden">{doc.fileName}</span>
            </button>
          </li>
        ))}
      </ul>
    </>
  );
}

/** The window the procedure opened for the citizen: what they may do, until when, and its form. */
function WindowAction({ application, stepId, dueAt, step, onDone }: { application: ApplicationView; stepId: string; dueAt: string; step: Extract<Definition['steps'][string], { type: 'citizenWindow' }>; onDone(): void }) {
  const [data, setData] = useState<FormValue>({});
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  async function send(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await api('POST', `/applications/${application.trackingNumber}/act`, { body: { stepId, data } });
      onDone();
    } catch (err) {
      setError(err as ApiError);
    }
    setBusy(false);
  }
  return (
    <form class="panel attention" onSubmit={send} noValidate>
      <h2>{localized(step.action.label)}</h2>
      <p>
        {t('windowUntil')} <strong>{dateTime(dueAt)}</strong>
      </p>
      {step.action.instructions && <p class="notice">{localized(step.action.instructions)}</p>}
      <ProblemMessage error={error} fieldIds={(p) => fieldIdOf(p, 'window')} fieldLabels={(p) => (step.action.form ? fieldLabelAt(formSchema(step.action.form), p) : undefined)} />
      {step.action.form && <SchemaForm schema={formSchema(step.action.form)} value={data} onChange={setData} errors={errorsByPointer(error?.errors ?? [])} pointer="/data" idPrefix="window" />}
      <button type="submit" class="primary" disabled={busy}>
        {t('windowSend')}
      </button>
    </form>
  );
}

/** The part of the application form a complement asks to enter again. */
function askedPart(form: Record<string, unknown>, fields: string[]): FieldSchema {
  const schema = formSchema(form);
  const properties = Object.fromEntries(fields.map((f) => [f, schema.properties?.[f] ?? {}]));
  return { type: 'object', properties, required: (schema.required ?? []).filter((f) => fields.includes(f)) };
}

function ComplementAnswer({ application, definition, awaited, fields, onDone }: { application: ApplicationView; definition: Definition; awaited: string[]; fields: string[]; onDone(): void }) {
  const [amended, setAmended] = useState<FormValue>({});
  const [files, setFiles] = useState<Record<string, File>>({});
  const [fileErrors, setFileErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  async function send(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    const failed: Record<string, string> = {};
    for (const id of awaited) {
      const file = files[id];
      if (!file) {
        failed[id] = 'is required';
        continue;
      }
      try {
        await upload(application.trackingNumber, id, file);
      } catch (err) {
        failed[id] = err instanceof ApiError ? err.errors[0]?.message ?? err.detail : String(err);
      }
    }
    setFileErrors(failed);
    if (!Object.keys(failed).length) {
      try {
        await api('POST', `/applications/${application.trackingNumber}/complement`, { body: { documents: awaited, ...(fields.length ? { data: amended } : {}) } });
        onDone();
      } catch (err) {
        setError(err as ApiError);
      }
    }
    setBusy(false);
  }
  return (
    <form class="panel attention" onSubmit={send} noValidate>
      <h2>{awaited.length ? t('complementAsked') : t('fieldsAsked')}</h2>
      <ProblemMessage error={error} fieldIds={(p) => fieldIdOf(p, 'amend')} fieldLabels={(p) => fieldLabelAt(definition.form as FieldSchema, p)} />
      {fields.length > 0 && (
        <SchemaForm schema={askedPart(definition.form, fields)} value={amended} onChange={setAmended} errors={errorsByPointer(error?.errors ?? [])} pointer="/data" idPrefix="amend" />
      )}
      {awaited.map((id) => {
        const spec = definition.documents.find((doc) => doc.id === id);
        return (
          <div key={id} class={`field${fileErrors[id] ? ' has-error' : ''}`}>
            <label for={`complement-${id}`}>{spec ? localized(spec.label) : id}</label>
            <FilePicker
              id={`complement-${id}`}
              file={files[id]}
              describedBy={fileErrors[id] ? `complement-${id}-error` : undefined}
              invalid={Boolean(fileErrors[id])}
              onPick={(file) => file && setFiles((f) => ({ ...f, [id]: file }))}
            />
            {fileErrors[id] && (
              <p class="field-error" id={`complement-${id}-error`}>
                {fieldMessage(fileErrors[id]!)}
              </p>
            )}
          </div>
        );
      })}
      <button type="submit" class="primary" disabled={busy}>
        {t('sendDocuments')}
      </button>
    </form>
  );
}

function Withdraw({ trackingNumber, onDone }: { trackingNumber: string; onDone(): void }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<ApiError>();
  if (!open) {
    return (
      <p>
        <button type="button" class="danger" onClick={() => setOpen(true)}>
          {t('withdraw')}
        </button>
      </p>
    );
  }
  async function confirm(e: Event) {
    e.preventDefault();
    try {
      await api('POST', `/applications/${trackingNumber}/withdraw`, { body: reason.trim() ? { reason: reason.trim() } : {} });
      setOpen(false);
      onDone();
    } catch (err) {
      setError(err as ApiError);
    }
  }
  return (
    <form class="panel" onSubmit={confirm} noValidate>
      <h2>{t('withdraw')}</h2>
      <p>{t('withdrawWarning')}</p>
      <ProblemMessage error={error} />
      <div class="field">
        <label for="withdraw-reason">
          {t('reason')} <span class="optional">({t('optional')})</span>
        </label>
        <textarea id="withdraw-reason" rows={2} value={reason} onInput={(e) => setReason((e.currentTarget as HTMLTextAreaElement).value)} />
      </div>
      <button type="submit" class="danger">
        {t('confirmWithdraw')}
      </button>{' '}
      <button type="button" onClick={() => setOpen(false)}>
        {t('cancel')}
      </button>
    </form>
  );
}
