import { useEffect, useState } from 'preact/hooks';
import { apiBlob, ApiError } from '../api.js';
import { t } from '../i18n.js';
import { ProblemMessage } from './Problem.js';
import { HintedField } from './HintedField.js';

interface Declared {
  key: string;
  title?: { ar?: string; fr?: string; en?: string };
}

/** The documents a definition declares (`issuedDocuments`), in the order it gives them. */
export function declaredDocuments(value: unknown): Declared[] {
  const declared = (value as { issuedDocuments?: unknown } | null)?.issuedDocuments;
  if (!declared || typeof declared !== 'object' || Array.isArray(declared)) return [];
  return Object.entries(declared as Record<string, { title?: Declared['title'] }>).map(([key, d]) => ({ key, ...(d?.title ? { title: d.title } : {}) }));
}

interface Shown {
  url: string;
  name: string;
  size: number;
}

const FIELD_IDS: Record<string, string> = { '/document': 'preview-document', '/data': 'preview-data' };

/**
 * A draft's issued document printed with sample values by the API (POST /procedures/documents/preview).
 * The page's content security policy frames nothing and embeds no object, and a PDF opened as a page of
 * Mohla's origin could run its scripts there: so the PDF is offered as a link the browser's own viewer
 * opens in a new tab, and as a download, both from a blob the page holds.
 */
export function DocumentPreview({ definition }: { definition: unknown }) {
  const documents = declaredDocuments(definition);
  const [chosen, setChosen] = useState(documents[0]?.key ?? '');
  const [sample, setSample] = useState('');
  const [sampleError, setSampleError] = useState<string>();
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const [shown, setShown] = useState<Shown>();

  // The blob lives as long as the preview is shown: a new preview or leaving the page lets it go.
  useEffect(() => () => shown && URL.revokeObjectURL(shown.url), [shown]);
  const selected = documents.some((d) => d.key === chosen) ? chosen : (documents[0]?.key ?? '');

  async function preview() {
    setError(undefined);
    setSampleError(undefined);
    let data: unknown;
    if (sample.trim()) {
      try {
        data = JSON.parse(sample);
      } catch {
        data = undefined;
      }
      if (!data || typeof data !== 'object' || Array.isArray(data)) {
        setSampleError(t('sampleDataNotJson'));
        return;
      }
    }
    setBusy(true);
    try {
      const blob = await apiBlob('/procedures/documents/preview', { definition, document: selected, ...(data ? { data } : {}) });
      const pdf = new Blob([blob], { type: 'application/pdf' });
      setShown({ url: URL.createObjectURL(pdf), name: `${selected}-preview.pdf`, size: pdf.size });
    } catch (err) {
      setShown(undefined);
      setError(err as ApiError);
    }
    setBusy(false);
  }

  const fieldError = (pointer: string) => error?.errors.some((e) => e.pointer === pointer || e.pointer?.startsWith(`${pointer}/`));
  return (
    <>
      <h2>{t('documentPreview')}</h2>
      <p class="hint" id="preview-hint">
        {t('documentPreviewHint')}
      </p>
      <div class="filters">
        <div class={`field${fieldError('/document') ? ' has-error' : ''}`}>
          <label for="preview-document">{t('previewDocumentKey')}</label>
          <select id="preview-document" value={selected} onChange={(e) => setChosen((e.currentTarget as HTMLSelectElement).value)}>
            {documents.map((d) => (
              <option key={d.key} value={d.key}>
                {d.key}
              </option>
            ))}
          </select>
        </div>
      </div>
      <HintedField
        id="preview-data"
        label={t('previewSampleData')}
        optional
        hint={t('previewSampleDataHint')}
        problem={sampleError}
        invalid={Boolean(sampleError || fieldError('/data'))}
        control={(described) => (
          <textarea id="preview-data" class="code" dir="ltr" spellcheck={false} rows={4} {...described} value={sample} onInput={(e) => setSample((e.currentTarget as HTMLTextAreaElement).value)} />
        )}
      />
      <p>
        <button type="button" onClick={() => void preview()} disabled={busy || !selected} aria-describedby="preview-hint">
          {t('previewDocumentButton')}
        </button>
      </p>
      <ProblemMessage
        error={error}
        fieldIds={(p) => FIELD_IDS[p]}
        fieldLabels={(p) => (p === '/document' ? t('previewDocumentKey') : p === '/data' ? t('previewSampleData') : undefined)}
      />
      {shown && (
        <div class="panel document-preview" role="status">
          <p>
            {t('previewReady')} <span dir="ltr">{Math.max(1, Math.round(shown.size / 1024))}</span> {t('kilobytes')}
          </p>
          <p class="actions">
            <a class="button" href={shown.url} target="_blank" rel="noopener">
              {t('openPdf')} <span class="visually-hidden">{shown.name}</span>
            </a>
            <a class="button" href={shown.url} download={shown.name}>
              {t('downloadPdf')} <span class="visually-hidden">{shown.name}</span>
            </a>
          </p>
        </div>
      )}
    </>
  );
}
