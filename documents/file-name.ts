/**
 * The name a citizen's browser gave a file is shown back to agents and sent in Content-Disposition, so it
 * must read as what it is. Written here rather than taken from a library: the rules are Mohla's own
 * (which characters are refused, which are dropped) and fit in a few lines over `String.normalize`.
 */

/** Longest name kept, in characters; the stored column holds 255, and a name longer than this is noise. */
const MAX_FILE_NAME_LENGTH = 120;

/**
 * Characters that reorder what is displayed (a right-to-left override before "fdp.exe" shows "cv" + "fdp.exe" as "cvexe.pdf")
 * and NUL, which PostgreSQL cannot store: a name holding one is refused rather than silently changed,
 * since it only comes from a crafted request.
 */
const NUL = String.fromCharCode(0);
const OVERRIDES = /[\u202d\u202e]/u;

/**
 * Dropped: other control characters, format characters (bidi embeddings, isolates and marks, zero-width
 * joiners), lone surrogates, and path separators.
 */
const DROPPED = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\\/]/gu;

export type FileNameCheck = { ok: true; name: string } | { ok: false; reason: string };

/** The name to store for an uploaded file, or why the name is refused; `fallback` when nothing is left. */
export function normaliseFileName(raw: string | undefined, fallback: string): FileNameCheck {
  const given = raw ?? '';
  if (given.includes(NUL)) return { ok: false, reason: 'the file name holds a NUL character' };
  if (OVERRIDES.test(given)) return { ok: false, reason: 'the file name holds a right-to-left or left-to-right override' };
  const cleaned = given.normalize('NFC').replace(DROPPED, '').replace(/\s+/gu, ' ').trim().replace(/^[.\s]+/u, '');
  const name = cleaned || fallback;
  return { ok: true, name: bounded(name) };
}

/** Cuts a long name in its stem, by whole characters, so the extension survives. */
function bounded(name: string): string {
  const chars = Array.from(name);
  if (chars.length <= MAX_FILE_NAME_LENGTH) return name;
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 ? Array.from(name.slice(dot)) : [];
  const keepExtension = extension.length > 0 && extension.length <= 16 ? extension : [];
  return chars.slice(0, MAX_FILE_NAME_LENGTH - keepExtension.length).join('').trimEnd() + keepExtension.join('');
}

/**
 * Content-Disposition for a download (RFC 6266): an ASCII `filename` for old clients, and the real name
 * UTF-8 encoded in `filename*` (RFC 8187), so an Arabic name arrives intact and nothing in it can break
 * out of the header.
 */
export function attachmentDisposition(name: string): string {
  const wellFormed = name.replace(/\p{Cs}/gu, '\uFFFD');
  const ascii = wellFormed.normalize('NFKD').replace(/[^\w.\- ]/g, '_');
  const encoded = encodeURIComponent(wellFormed).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
