import type { ApiError } from '../api.js';
import { fieldMessage, t } from '../i18n.js';

/** An API refusal in words, with the fields it names (as links to them when they are on the page). */
export function ProblemMessage({
  error,
  fieldIds,
  fieldLabels,
}: {
  error: ApiError | undefined;
  fieldIds?: (pointer: string) => string | undefined;
  /** The field's label in the page's language: a citizen reads "Full name", not `/data/fullName`. */
  fieldLabels?: (pointer: string) => string | undefined;
}) {
  if (!error) return null;
  return (
    <div class="problem" role="alert">
      <p>
        <strong>{t(error.status === 0 ? 'networkError' : error.status >= 500 ? 'serverError' : error.errors.length ? 'checkFields' : 'refused')}</strong>
        {/* The field list below says it in the reader's language; the API's own sentence is for the rest. */}
        {!error.errors.length && ` ${error.detail}`}
      </p>
      {error.errors.length > 0 && (
        <ul>
          {error.errors.map((e, i) => {
            const id = e.pointer && fieldIds?.(e.pointer);
            const label = e.pointer && fieldLabels?.(e.pointer);
            const name = label ? <span>{label}</span> : <code>{e.pointer}</code>;
            return (
              <li key={i}>
                {id ? <a href={`#${id}`} onClick={(ev) => { ev.preventDefault(); document.getElementById(id)?.focus(); }}>{name}</a> : name} — {fieldMessage(e.message)}
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}

export function Loading() {
  return (
    <p class="loading" role="status">
      {t('loading')}
    </p>
  );
}

/** What a page shows until its data arrives: the refusal if the API refused, else that it is loading. */
export function NotReady({ error }: { error: ApiError | undefined }) {
  return error ? <ProblemMessage error={error} /> : <Loading />;
}
