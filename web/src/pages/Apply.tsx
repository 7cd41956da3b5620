import { useEffect, useMemo, useState } from 'preact/hooks';
import type { ProcedureDefinition, UserTaskStep } from '../../../engine/definition.generated.js';
import { api, ApiError } from '../api.js';
import { FilePicker } from '../components/FilePicker.js';
import { NotReady, ProblemMessage } from '../components/Problem.js';
import { errorsByPointer, fieldIdOf, fieldLabelAt, SchemaForm, type FieldSchema, type FormValue } from '../components/SchemaForm.js';
import { checkForm } from '../form-rules.js';
import { fieldMessage, localized, t, useLanguage, type LocalizedText } from '../i18n.js';
import { navigate } from '../router.js';
import { session } from '../session.js';
import { useData } from '../use-data.js';

export interface Office {
  id: string;
  kind: string;
  name: LocalizedText;
}

/** A published definition, typed from the definition language's own schema. */
export type Definition = ProcedureDefinition;
export type DocumentSpec = ProcedureDefinition['documents'][number];

/** The agent's task step of that id, if it is one. */
export function userTaskStep(definition: Definition | undefined, stepId: string): UserTaskStep | undefined {
  const step = definition?.steps[stepId];
  return step?.type === 'userTask' ? step : undefined;
}

/** A form of the definition (citizen's or task's), as the form generator reads it. */
export const formSchema = (form: Record<string, unknown>) => form as FieldSchema;

export function usePublished(id: string, version?: number) {
  return useData(
    () => (id ? api<{ definition: Definition }>('GET', `/procedures/${id}${version ? `?version=${version}` : ''}`).then((p) => p.definition) : Promise.resolve(undefined)),
    [id, version],
  );
}

export function useOffices() {
  return useData(() => api<{ offices: Office[] }>('GET', '/offices').then((o) => o.offices), []);
}

const MEDIA: Record<string, string> = { pdf: 'application/pdf', jpeg: 'image/jpeg', png: 'image/png' };

/** Uploads one document; its problem (format, size) comes back as the field's error. */
export async function upload(trackingNumber: string, documentId: string, file: File): Promise<void> {
  const form = new FormData();
  form.append('file', file, file.name);
  await api('POST', `/applications/${trackingNumber}/documents/${documentId}`, { form });
}

export function ApplyPage({ id, base = '' }: { id: string; base?: string }) {
  const definition = usePublished(id);
  const offices = useOffices();
  const person = session.get();
  const staff = person?.role === 'agent' || person?.role === 'supervisor';
  const [officeId, setOfficeId] = useState(staff ? (person?.offices[0] ?? '') : '');
  const [citizen, setCitizen] = useState('');
  const [data, setData] = useState<FormValue>({});
  const lang = useLanguage();
  // Forms that ask for the citizen's language get the portal's: notifications will be sent in it.
  useEffect(() => {
    const field = definition.data && formSchema(definition.data.form).properties?.language;
    if (field?.enum?.includes(lang)) setData((d) => (d.language ? d : { ...d, language: lang }));
  }, [definition.data, lang]);
  const [files, setFiles] = useState<Record<string, File>>({});
  const [error, setError] = useState<ApiError>();
  const [fileErrors, setFileErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  // Once the person has tried to file, the form is checked in the browser as they correct it.
  const [checked, setChecked] = useState(false);
  const [filed, setFiled] = useState<string>();
  // One key per form: pressing "file" twice, or again after a lost answer, files one application.
  const idempotencyKey = useMemo(() => crypto.randomUUID(), []);

  if (!definition.data || !offices.data) return <NotReady error={definition.error ?? offices.error} />;
  const d = definition.data;
  // An internal procedure has no citizen: staff file it for the office itself.
  const internal = (d.channels as readonly string[]).includes('internal');
  const choices = offices.data.filter((o) => (d.offices as readonly string[]).includes(o.kind) && (!staff || person!.offices.includes(o.id)));
  const handedIn = d.documents.filter((doc) => !doc.fetchedByAdministration);
  // The same schema the server checks with, read here without a round trip (see form-rules.ts).
  const problems = () => [...(officeId ? [] : [{ pointer: '/officeId', message: t('err_required') }]), ...checkForm(formSchema(d.form), data)];
  const local = checked && !filed ? problems() : [];
  const shown = local.length ? new ApiError(400, 'invalid-form', '', local) : error;
  const errors = errorsByPointer(shown?.errors ?? []);
  const fieldId = (pointer: string) => (pointer === '/officeId' ? 'office' : pointer === '/citizen' ? 'citizen' : fieldIdOf(pointer, 'form'));
  const fieldLabel = (pointer: string) => (pointer === '/officeId' ? t('office') : pointer === '/citizen' ? t('citizenId') : fieldLabelAt(formSchema(d.form), pointer));

  async function submit(e: Event) {
    e.preventDefault();
    setChecked(true);
    setError(undefined);
    if (!filed && problems().length) {
      window.scrollTo(0, 0);
      return;
    }
    setBusy(true);
    setFileErrors({});
    try {
      let trackingNumber = filed;
      if (!trackingNumber) {
        const answer = await api<{ trackingNumber: string }>('POST', '/applications', {
          body: { procedureId: d.id, procedureVersion: d.version, data, ...(officeId ? { officeId } : {}), ...(staff && !internal && citizen.trim() ? { citizen: citizen.trim() } : {}) },
          headers: { 'idempotency-key': idempotencyKey },
        });
        trackingNumber = answer.trackingNumber;
        setFiled(trackingNumber);
      }
      const failed: Record<string, string> = {};
      for (const doc of handedIn) {
        const file = files[doc.id];
        if (!file) continue;
        try {
          await upload(trackingNumber, doc.id, file);
        } catch (err) {
          failed[doc.id] = err instanceof ApiError ? err.errors[0]?.message ?? err.detail : String(err);
        }
      }
      setFileErrors(failed);
      if (!Object.keys(failed).length) navigate(`${base}/applications/${trackingNumber}/receipt`);
    } catch (err) {
      setError(err as ApiError);
      window.scrollTo(0, 0);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section>
      <h1 tabIndex={-1}>
        {t('apply')}: {localized(d.title)}
      </h1>
      {filed && (
        <p class="notice" role="status">
          {t('filedButDocuments')} <strong dir="ltr">{filed}</strong>
        </p>
      )}
      <ProblemMessage error={shown} fieldIds={fieldId} fieldLabels={fieldLabel} />
      <form onSubmit={submit} noValidate>
        <fieldset disabled={Boolean(filed)}>
          <legend>{t('whereAndWho')}</legend>
          <div class={`field${errors.get('/officeId') ? ' has-error' : ''}`}>
            <label for="office">
              {t('office')} <span class="required">*</span>
            </label>
            <select id="office" value={officeId} onChange={(e) => setOfficeId((e.currentTarget as HTMLSelectElement).value)} aria-invalid={errors.get('/officeId') ? 'true' : undefined} aria-describedby={errors.get('/officeId') ? 'office-error' : undefined}>
              <option value="">{t('choose')}</option>
              {choices.map((o) => (
                <option key={o.id} value={o.id}>
                  {localized(o.name)}
                </option>
              ))}
            </select>
            {errors.get('/officeId') && (
              <p class="field-error" id="office-error">
                {fieldMessage(errors.get('/officeId')!)}
              </p>
            )}
          </div>
          {staff && !internal && (
            <div class={`field${errors.get('/citizen') ? ' has-error' : ''}`}>
              <label for="citizen">{t('citizenId')}</label>
              <input id="citizen" dir="ltr" value={citizen} onInput={(e) => setCitizen((e.currentTarget as HTMLInputElement).value)} />
              {errors.get('/citizen') && <p class="field-error">{fieldMessage(errors.get('/citizen')!)}</p>}
            </div>
          )}
        </fieldset>
        <fieldset disabled={Boolean(filed)}>
          <legend>{t('yourForm')}</legend>
          <SchemaForm schema={formSchema(d.form)} value={data} onChange={setData} errors={errors} pointer="/data" idPrefix="form" />
        </fieldset>
        {handedIn.length > 0 && (
          <fieldset>
            <legend>{t('documents')}</legend>
            {handedIn.map((doc) => (
              <div key={doc.id} class={`field${fileErrors[doc.id] ? ' has-error' : ''}`}>
                <label for={`doc-${doc.id}`}>
                  {localized(doc.label)} {doc.optional && <span class="optional">({t('optional')})</span>}
                </label>
                <p class="hint" id={`doc-${doc.id}-hint`}>
                  {doc.formats.join(', ')} · ≤ {doc.maxSizeMb} MB
                </p>
                <FilePicker
                  id={`doc-${doc.id}`}
                  accept={doc.formats.map((f) => MEDIA[f] ?? `.${f}`).join(',')}
                  file={files[doc.id]}
                  describedBy={`doc-${doc.id}-hint${fileErrors[doc.id] ? ` doc-${doc.id}-error` : ''}`}
                  invalid={Boolean(fileErrors[doc.id])}
                  onPick={(file) =>
                    setFiles((f) => {
                      const next = { ...f };
                      if (file) next[doc.id] = file;
                      else delete next[doc.id];
                      return next;
                    })
                  }
                />
                {fileErrors[doc.id] && (
                  <p class="field-error" id={`doc-${doc.id}-error`}>
                    {fieldMessage(fileErrors[doc.id]!)}
                  </p>
                )}
              </div>
            ))}
          </fieldset>
        )}
        <button type="submit" class="primary big" disabled={busy}>
          {busy ? t('sending') : filed ? t('sendDocuments') : t('fileApplication')}
        </button>
      </form>
    </section>
  );
}
