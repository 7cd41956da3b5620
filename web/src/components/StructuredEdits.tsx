import { useState } from 'preact/hooks';
import type { ProcedureDefinition } from '../../../engine/definition.generated.js';
import { addStep, connectOutcome, removeStep, renameStep, setDeadline, setFieldLabel } from '../editor/structured-edits.js';
import { LANGUAGE_NAMES, LANGUAGES, t, type Language, type MessageKey } from '../i18n.js';

const KINDS = ['renameStep', 'addStep', 'removeStep', 'connectOutcome', 'setDeadline', 'setFieldLabel'] as const;
type Kind = (typeof KINDS)[number];

/**
 * The common changes without writing JSON. Each one rewrites the text (only the lines it concerns) and
 * hands it back to the page, which re-reads it: the text stays the definition's one source.
 */
export function StructuredEdits({ text, definition, onEdit }: { text: string; definition: ProcedureDefinition; onEdit: (text: string) => void }) {
  const [kind, setKind] = useState<Kind>('renameStep');
  const [step, setStep] = useState('');
  const [name, setName] = useState('');
  const [target, setTarget] = useState('');
  const [days, setDays] = useState('');
  const [language, setLanguage] = useState<Language>('fr');
  const [error, setError] = useState<string>();
  const steps = Object.keys(definition.steps);
  const tasks = steps.filter((id) => definition.steps[id]!.type === 'userTask');
  const fields = Object.keys((definition.form as { properties?: Record<string, unknown> }).properties ?? {});
  const chosen = (options: string[], value: string) => (options.includes(value) ? value : (options[0] ?? ''));

  function apply(event: Event) {
    event.preventDefault();
    try {
      const s = chosen(kind === 'connectOutcome' || kind === 'setDeadline' ? tasks : kind === 'setFieldLabel' ? fields : steps, step);
      const edited = {
        renameStep: () => renameStep(text, s, name.trim()),
        addStep: () => addStep(text, name.trim()),
        removeStep: () => removeStep(text, s),
        connectOutcome: () => connectOutcome(text, s, name.trim(), chosen(steps, target)),
        setDeadline: () => setDeadline(text, s, { workingDays: Number(days) }),
        setFieldLabel: () => setFieldLabel(text, s, language, name),
      }[kind]();
      setError(undefined);
      onEdit(edited);
    } catch (err) {
      setError((err as Error).message);
    }
  }

  const select = (id: string, label: MessageKey, options: string[], value: string, set: (v: string) => void) => (
    <div class="field">
      <label for={id}>{t(label)}</label>
      <select id={id} value={chosen(options, value)} onChange={(e) => set((e.currentTarget as HTMLSelectElement).value)}>
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </div>
  );
  const input = (id: string, label: MessageKey, value: string, set: (v: string) => void, type = 'text') => (
    <div class="field">
      <label for={id}>{t(label)}</label>
      <input id={id} type={type} dir="auto" value={value} required min={type === 'number' ? 1 : undefined} onInput={(e) => set((e.currentTarget as HTMLInputElement).value)} />
    </div>
  );

  return (
    <form class="structured-edits" onSubmit={apply} aria-labelledby="structured-edits-title">
      <h2 id="structured-edits-title">{t('structuredEdits')}</h2>
      <div class="filters">
        <div class="field">
          <label for="edit-kind">{t('editKind')}</label>
          <select id="edit-kind" value={kind} onChange={(e) => setKind((e.currentTarget as HTMLSelectElement).value as Kind)}>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`edit_${k}` as MessageKey)}
              </option>
            ))}
          </select>
        </div>
        {(kind === 'renameStep' || kind === 'removeStep') && select('edit-step', 'editStep', steps, step, setStep)}
        {(kind === 'connectOutcome' || kind === 'setDeadline') && select('edit-step', 'editStep', tasks, step, setStep)}
        {kind === 'setFieldLabel' && select('edit-step', 'editField', fields, step, setStep)}
        {(kind === 'renameStep' || kind === 'addStep') && input('edit-name', 'editNewId', name, setName)}
        {kind === 'connectOutcome' && input('edit-name', 'editOutcome', name, setName)}
        {kind === 'connectOutcome' && select('edit-target', 'editTarget', steps, target, setTarget)}
        {kind === 'setDeadline' && input('edit-days', 'editWorkingDays', days, setDays, 'number')}
        {kind === 'setFieldLabel' && (
          <div class="field">
            <label for="edit-language">{t('messagesLanguage')}</label>
            <select id="edit-language" value={language} onChange={(e) => setLanguage((e.currentTarget as HTMLSelectElement).value as Language)}>
              {LANGUAGES.map((l) => (
                <option key={l} value={l}>
                  {LANGUAGE_NAMES[l]}
                </option>
              ))}
            </select>
          </div>
        )}
        {kind === 'setFieldLabel' && input('edit-name', 'editLabel', name, setName)}
      </div>
      <p>
        <button type="submit">{t('applyEdit')}</button>
      </p>
      {error && (
        <p class="field-error" role="alert" dir="ltr" lang="en">
          {error}
        </p>
      )}
    </form>
  );
}
