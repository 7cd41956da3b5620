/**
 * Projection writes that no retry can fix: PostgreSQL refusing the data itself rather than being away.
 * Kept apart from the projection so the rule (which errors are final) and the fallbacks (what is
 * stored instead) can be read and tested on their own. The change is a type parameter here, not the
 * projection's type: the projection imports this module.
 */
import type { ApplicationState } from '../engine/interpreter/state.js';
import type { Command } from '../engine/interpreter/commands.js';

export interface PermanentRefusal {
  /** PostgreSQL's SQLSTATE. */
  code: string;
  /** The rule broken, in words that never quote the data (PostgreSQL's own messages may). */
  reason: string;
}

const REASONS: Record<string, string> = {
  '22P05': 'text PostgreSQL cannot store (a NUL character or an unpaired surrogate)',
  '22021': 'a character not valid in UTF-8',
  '22P02': 'text that is not valid for its type (an unpaired surrogate in JSON)',
  '22001': 'a value longer than its column',
  '22003': 'a number out of range',
  '22007': 'a date or time not valid',
  '22008': 'a date or time out of range',
  '23502': 'a required value missing',
  '23514': 'a value a check constraint refuses',
  '54000': 'a value beyond a PostgreSQL limit',
};

/**
 * Data exceptions (class 22), integrity violations other than a unique key (class 23, where a retry may
 * win a race) and program limits (class 54) fail the same way at every attempt. Anything else —
 * connection errors, a server shutting down, serialization failures, a missing table during a deploy —
 * can pass on a later attempt, and is left to the activity's retries.
 */
export function permanentRefusal(err: unknown): PermanentRefusal | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return undefined;
  const permanent = code.startsWith('22') || (code.startsWith('23') && code !== '23505') || code.startsWith('54');
  if (!permanent) return undefined;
  return { code, reason: REASONS[code] ?? `data PostgreSQL refuses (SQLSTATE ${code})` };
}

// NUL is what PostgreSQL's text refuses; the rule against control characters in patterns does not apply.
// eslint-disable-next-line no-control-regex
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function storableString(text: string): string {
  return text.replace(UNSTORABLE, '\uFFFD');
}

/** The change with NUL characters and unpaired surrogates replaced by U+FFFD, in keys and in values. */
export function storableText<Change>(change: Change): Change {
  const text = JSON.stringify(change, (_key, value: unknown) => {
    if (typeof value === 'string') return storableString(value);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [storableString(k), v]));
    }
    return value;
  });
  return JSON.parse(text) as Change;
}

/**
 * The change without what clients wrote: the form's data, the details of
 * timeline entries, and the notifications (whose texts quote the form). What remains — the application's
 * status, its tasks and deadlines, the timeline's kinds and actors — lets everyone find it and act on it.
 */
export function withoutClientData<Change extends { state: ApplicationState; commands: Command[] }>(change: Change): Change {
  return {
    ...change,
    state: { ...change.state, data: {} },
    commands: change.commands.flatMap((c): Command[] => {
      if (c.type === 'notify') return [];
      if (c.type === 'timeline') return [{ ...c, entry: { ...c.entry, detail: {} } }];
      return [c];
    }),
  };
}
