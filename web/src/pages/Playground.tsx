import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, ApiError } from '../api.js';
import { ProblemMessage } from '../components/Problem.js';
import { ListTable } from '../components/ListTable.js';
import { declaredDocuments, DocumentPreview } from '../components/DocumentPreview.js';
import { StepDiagram } from '../components/StepDiagram.js';
import { StructuredEdits } from '../components/StructuredEdits.js';
import type { CheckerProblem, DefinitionEditor } from '../editor/definition-editor.js';
import { calendarDate, dateTime } from '../format.js';
import { DIRECTION, LANGUAGE_NAMES, LANGUAGES, t, useLanguage, type Language, type MessageKey } from '../i18n.js';
import { useData } from '../use-data.js';
import type { ProcedureDefinition } from '../../../engine/definition.generated.js';

interface Simulation {
  outcome: string | null;
  status: string;
  legalDeadline: { dueAt: string; dueDate: string; explanation: string[] } | null;
  clocks: Array<{ id: string; label: string; status: string; dueDate: string | null }>;
  trace: Array<{ at: string; kind: string; text: string }>;
  visited: string[];
}

type Parsed = { ok: true; value: unknown } | { ok: false; message: string };

function parse(text: string): Parsed {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, message: (err as Error).message };
  }
}

/** Enough of a definition to draw (the checker decides whether it is valid). */
function drawable(value: unknown): value is ProcedureDefinition {
  const d = value as Partial<ProcedureDefinition> | null;
  return Boolean(d && typeof d === 'object' && typeof d.start === 'string' && d.steps && typeof d.steps === 'object' && d.title);
}

/** A first scenario for a definition: filed now, its first task completed a day later with its first outcome. */
function starterScenario(definition: unknown): string {
  const d = drawable(definition) ? definition : undefined;
  const first = d?.steps[d.start];
  const events = first?.type === 'userTask' ? [{ after: 'P1D', action: 'complete', step: d!.start, outcome: Object.keys(first.outcomes)[0] }] : [];
  return JSON.stringify({ filedAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), data: {}, events }, null, 2);
}

export function PlaygroundPage() {
  const published = useData(() => api<{ procedures: Array<{ id: string; version: number }> }>('GET', '/procedures').then((p) => p.procedures), []);
  const [text, setText] = useState('');
  const [scenario, setScenario] = useState('');
  const [checked, setChecked] = useState<{ valid: boolean; error?: ApiError }>();
  const [simulation, setSimulation] = useState<Simulation>();
  const [simulationError, setSimulationError] = useState<ApiError>();
  const parsed = useMemo(() => (text.trim() ? parse(text) : undefined), [text]);
  const editor = useRef<DefinitionEditor>();
  // Answers may come back out of order while the designer types: only the latest check's is shown.
  const latestCheck = useRef(0);

  // A pause in typing checks the text again; its problems are drawn in the editor and listed below it.
  useEffect(() => {
    if (!parsed?.ok) {
      editor.current?.showProblems([]);
      return undefined;
    }
    const timer = setTimeout(() => void validate(), 600);
    return () => clearTimeout(timer);
  }, [text]);

  /** A new definition in the editor: a starter scenario for it, and nothing said yet about it. */
  function load(content: string, definition: unknown) {
    replaceText(content);
    setScenario(starterScenario(definition));
    setChecked(undefined);
    setSimulation(undefined);
  }

  /**
   * A text that comes from elsewhere than the editor (a published definition, a file, a structured edit).
   * Only these are pushed into the editor: echoing its own changes back could undo keys typed since.
   */
  function replaceText(content: string) {
    setText(content);
    editor.current?.setText(content);
  }

  async function start(id: string) {
    if (!id) return;
    const p = await api<{ definition: unknown }>('GET', `/procedures/${id}`);
    load(JSON.stringify(p.definition, null, 2), p.definition);
  }

  async function validate() {
    if (!parsed?.ok) return;
    const request = ++latestCheck.current;
    let problems: CheckerProblem[];
    try {
      const answer = await api<{ warnings?: Array<{ pointer: string; message: string }> }>('POST', '/procedures/validate', { body: parsed.value });
      if (request !== latestCheck.current) return;
      setChecked({ valid: true });
      problems = (answer.warnings ?? []).map((w) => ({ ...w, severity: 'warning' }));
    } catch (err) {
      if (request !== latestCheck.current) return;
      const error = err as ApiError;
      setChecked({ valid: false, error });
      problems = error.errors.map((e) => ({ pointer: e.pointer ?? '', message: e.message, severity: 'error' }));
    }
    editor.current?.showProblems(problems);
  }

  async function run() {
    setSimulationError(undefined);
    setSimulation(undefined);
    const s = parse(scenario);
    if (!parsed?.ok || !s.ok) {
      setSimulationError(new ApiError(400, 'json', s.ok ? t('definitionNotJson') : `${t('scenarioNotJson')}: ${s.message}`));
      return;
    }
    try {
      setSimulation(await api<Simulation>('POST', '/procedures/simulate', { body: { definition: parsed.value, scenario: s.value } }));
    } catch (err) {
      setSimulationError(err as ApiError);
    }
  }

  return (
    <section>
      <h1 tabIndex={-1}>{t('playground')}</h1>
      <p>{t('playgroundIntro')}</p>
      <div class="filters">
        <div class="field">
          <label for="start-from">{t('startFrom')}</label>
          <select id="start-from" onChange={(e) => void start((e.currentTarget as HTMLSelectElement).value)}>
            <option value="">{t('choose')}</option>
            {(published.data ?? []).map((p) => (
              <option key={p.id} value={p.id}>
                {p.id} v{p.version}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="definition-file">{t('uploadDefinition')}</label>
          <input
            id="definition-file"
            type="file"
            accept="application/json,.json"
            onChange={async (e) => {
              const file = (e.currentTarget as HTMLInputElement).files?.[0];
              if (!file) return;
              const content = await file.text();
              const p = parse(content);
              load(content, p.ok ? p.value : undefined);
            }}
          />
        </div>
      </div>
      <div class="field">
        <p class="label" id="definition-label">
          {t('definition')}
        </p>
        <CodeEditor text={text} onChange={(value) => {
          setText(value);
          setChecked(undefined);
        }} editor={editor} />
        {parsed && !parsed.ok && (
          <p class="field-error" id="definition-error">
            {t('definitionNotJson')}: {parsed.message}
          </p>
        )}
      </div>
      <p>
        <button type="button" class="primary" onClick={() => void validate()} disabled={!parsed?.ok}>
          {t('validate')}
        </button>
      </p>
      <div aria-live="polite">
        {checked?.valid && (
          <p class="notice success" role="status">
            {t('definitionValid')}
          </p>
        )}
        {checked && !checked.valid && checked.error && (
          <div class="problem" role="alert">
            <p>
              <strong>{t('definitionInvalid')}</strong> ({checked.error.errors.length})
            </p>
            <ListTable class="errors" caption={t('definitionInvalid')} columns={[t('pointer'), t('problem')]}>
              {(checked.error.errors.length ? checked.error.errors : [{ pointer: '/', message: checked.error.detail }]).map((e, i) => (
                <tr key={i}>
                  <td dir="ltr">
                    <code>{e.pointer}</code>
                  </td>
                  <td dir="ltr" lang="en">
                    {e.message}
                  </td>
                </tr>
              ))}
            </ListTable>
          </div>
        )}
      </div>
      {parsed?.ok && drawable(parsed.value) && (
        <>
          <h2>{t('diagram')}</h2>
          <StepDiagram definition={parsed.value} visited={simulation?.visited} onSelect={(id) => editor.current?.reveal(`/steps/${id}`)} />
          <StructuredEdits text={text} definition={parsed.value} onEdit={replaceText} />
        </>
      )}
      {parsed?.ok && hasMessages(parsed.value) && <MessagesPreview definition={parsed.value} />}
      {parsed?.ok && declaredDocuments(parsed.value).length > 0 && <DocumentPreview definition={parsed.value} />}
      <h2>{t('simulate')}</h2>
      <div class="field">
        <label for="scenario">{t('scenario')}</label>
        <p class="hint" id="scenario-hint">
          {t('scenarioHint')}
        </p>
        <textarea id="scenario" class="code" dir="ltr" spellcheck={false} rows={10} aria-describedby="scenario-hint" value={scenario} onInput={(e) => setScenario((e.currentTarget as HTMLTextAreaElement).value)} />
      </div>
      <p>
        <button type="button" onClick={() => void run()} disabled={!parsed?.ok}>
          {t('runSimulation')}
        </button>
      </p>
      <ProblemMessage error={simulationError} />
      {simulation && (
        <div class="panel" role="status">
          <p>
            {t('outcome')}: <strong>{simulation.outcome ?? simulation.status}</strong>
          </p>
          {simulation.legalDeadline && (
            <p>
              {t('legalDueDate')}: <strong>{calendarDate(simulation.legalDeadline.dueDate)}</strong>
            </p>
          )}
          {simulation.clocks.map((clock) => (
            <p key={clock.id}>
              <span lang="en" dir="ltr">
                {clock.label}
              </span>
              : <strong>{clock.dueDate ? calendarDate(clock.dueDate) : '—'}</strong> — {t(`clockSt_${clock.status}` as MessageKey)}
            </p>
          ))}
          <table class="list trace">
            <caption>{t('trace')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('when')}</th>
                <th scope="col">{t('what')}</th>
              </tr>
            </thead>
            <tbody>
              {simulation.trace.map((entry, i) => (
                <tr key={i}>
                  <td>{dateTime(entry.at)}</td>
                  <td dir="ltr" lang="en">
                    {entry.text}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/**
 * The code editor, fetched as its own chunk the first time the playground opens (other pages do not
 * load CodeMirror). Until it is there, the text waits in the page's state and is handed over on arrival.
 */
function CodeEditor({ text, onChange, editor }: { text: string; onChange: (text: string) => void; editor: { current: DefinitionEditor | undefined } }) {
  const host = useRef<HTMLDivElement>(null);
  const [ready, setReady] = useState(false);
  const latest = useRef({ text, onChange });
  latest.current = { text, onChange };
  useEffect(() => {
    let mounted: DefinitionEditor | undefined;
    let gone = false;
    void import('../editor/definition-editor.js').then(({ mountDefinitionEditor }) => {
      if (gone || !host.current) return;
      mounted = mountDefinitionEditor(host.current, { text: latest.current.text, label: t('definition'), onChange: (value) => latest.current.onChange(value) });
      editor.current = mounted;
      setReady(true);
    });
    return () => {
      gone = true;
      mounted?.destroy();
      editor.current = undefined;
    };
  }, []);
  return (
    <>
      <div ref={host} id="definition" class="code-editor" />
      <p class="hint" id="definition-help">
        {ready ? t('editorHelp') : t('editorLoading')}
      </p>
    </>
  );
}

interface MessagePreview {
  name: string;
  subject: string | null;
  text: string | null;
  problems: Array<{ pointer: string; message: string; severity: 'error' | 'warning' }>;
}

function hasMessages(value: unknown): boolean {
  const messages = (value as { messages?: unknown } | null)?.messages;
  return Boolean(messages && typeof messages === 'object' && Object.keys(messages).length);
}

/**
 * The definition's own messages as a reader would get them, with sample values. The API renders them
 * with the notification worker's own code and checker, so what shows here is what will be sent.
 */
function MessagesPreview({ definition }: { definition: unknown }) {
  const [language, setLanguage] = useState<Language>(useLanguage());
  // The refresh below fires after a pause in typing: it must render the language chosen by then, not the
  // one chosen when the text changed (the designer may switch languages within the pause).
  const chosenLanguage = useRef(language);
  chosenLanguage.current = language;
  const [shown, setShown] = useState<{ language: Language; messages: MessagePreview[] }>();
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  // Answers may come back out of order while the designer types: only the latest request's is shown.
  const latest = useRef(0);

  async function preview(lang: Language) {
    const request = ++latest.current;
    setBusy(true);
    setError(undefined);
    try {
      const answer = await api<{ language: Language; messages: MessagePreview[] }>('POST', '/procedures/messages/preview', { body: { definition, language: lang } });
      if (request === latest.current) setShown(answer);
    } catch (err) {
      if (request === latest.current) {
        setShown(undefined);
        setError(err as ApiError);
      }
    }
    if (request === latest.current) setBusy(false);
  }

  // Once shown, the preview follows the text: a pause in typing renders it again.
  const source = useMemo(() => JSON.stringify(definition), [definition]);
  const showing = shown !== undefined || error !== undefined;
  useEffect(() => {
    if (!showing) return undefined;
    const timer = setTimeout(() => void preview(chosenLanguage.current), 400);
    return () => clearTimeout(timer);
  }, [source]);

  return (
    <>
      <h2>{t('messagesPreview')}</h2>
      <p class="hint" id="messages-hint">
        {t('messagesPreviewHint')}
      </p>
      <div class="filters">
        <div class="field">
          <label for="messages-language">{t('messagesLanguage')}</label>
          <select
            id="messages-language"
            value={language}
            onChange={(e) => {
              const lang = (e.currentTarget as HTMLSelectElement).value as Language;
              setLanguage(lang);
              if (shown) void preview(lang);
            }}
          >
            {LANGUAGES.map((l) => (
              <option key={l} value={l}>
                {LANGUAGE_NAMES[l]}
              </option>
            ))}
          </select>
        </div>
      </div>
      <p>
        <button type="button" onClick={() => void preview(language)} disabled={busy} aria-describedby="messages-hint">
          {t('showMessages')}
        </button>
      </p>
      <ProblemMessage error={error} />
      {shown && (
        <ul class="message-previews" aria-live="polite">
          {shown.messages.map((m) => (
            <li key={m.name} class="panel">
              <h3>
                <code dir="ltr">{m.name}</code>
              </h3>
              {m.subject !== null && m.text !== null ? (
                <div lang={shown.language} dir={DIRECTION[shown.language]}>
                  <p class="message-subject">
                    <strong>{m.subject}</strong>
                  </p>
                  <p class="message-text">{m.text}</p>
                </div>
              ) : (
                <p class="notice">{t('messageRefused')}</p>
              )}
              {m.problems.length > 0 && (
                <ul class={`message-problems${m.problems.some((p) => p.severity === 'error') ? ' problem' : ''}`}>
                  {m.problems.map((p, i) => (
                    <li key={i}>
                      {p.severity === 'warning' && <span class="badge">{t('warning')} </span>}
                      <code dir="ltr">{p.pointer}</code>{' '}
                      <span dir="ltr" lang="en">
                        {p.message}
                      </span>
                    </li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
