/** Marks text to emit as it is, among the values still to encode. */
class Text {
  constructor(readonly text: string) {}
}

/**
 * JSON with object keys sorted at every level: the same data always gives the same text (and hash).
 *
 * Written as a loop over an explicit work list rather than by recursion: it hashes what clients send
 * (task data, update requests), and a recursive walk overflows the stack on a deeply nested body. The
 * text is the same as the recursive version's, which recorded histories and stored hashes depend on.
 */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  // Popped from the end: pieces are pushed in reverse order.
  const work: unknown[] = [value];
  while (work.length) {
    const item = work.pop();
    if (item instanceof Text) {
      out.push(item.text);
      continue;
    }
    if (item === null || typeof item !== 'object') {
      out.push(JSON.stringify(item) ?? 'null');
      continue;
    }
    if (Array.isArray(item)) {
      work.push(new Text(']'));
      for (let i = item.length - 1; i >= 0; i--) {
        work.push(item[i] === undefined ? null : item[i]);
        if (i > 0) work.push(new Text(','));
      }
      out.push('[');
      continue;
    }
    const entries = Object.entries(item as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    work.push(new Text('}'));
    for (let i = entries.length - 1; i >= 0; i--) {
      const [k, v] = entries[i] as [string, unknown];
      work.push(v, new Text(`${JSON.stringify(k)}:`));
      if (i > 0) work.push(new Text(','));
    }
    out.push('{');
  }
  return out.join('');
}
