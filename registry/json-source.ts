/**
 * How the text of a JSON document a person wrote (a procedure definition, a simulator's scenario, a
 * calendar) becomes a value, with what a person needs to fix it: the line and column of a syntax error,
 * both lines of a key given twice, the pointer where nesting goes too deep.
 *
 * JSON.parse reads none of that: it names a character offset, and silently keeps the last of two equal
 * keys, so a step written twice loses its first version without a word. Momoa (a JSON parser that keeps
 * every node's position) finds those; the value itself still comes from JSON.parse, so it, and the hash
 * a definition is published under, are what they always were.
 */
import { readFileSync, statSync } from 'node:fs';
import { parse, tokenize, type Token, type ValueNode } from '@humanwhocodes/momoa';
import { pointerSegment } from '../engine/form-schema.js';
import { MAX_JSON_DEPTH } from '../engine/input-bounds.js';

export interface SourceProblem {
  pointer: string;
  message: string;
}

export interface JsonSource {
  /** The value, as JSON.parse reads it (of two equal keys, the last); absent when the text cannot be read. */
  value?: unknown;
  /** Why the text cannot be read as JSON (pointer '' when it concerns the whole text). */
  unreadable?: SourceProblem;
  /** Each key given a second time in the same object, named by its pointer. */
  duplicates: SourceProblem[];
}

/**
 * The most text read: Temporal's payload limit, so that nothing larger could ever run. A definition's
 * own, smaller bound (engine/input-bounds.ts) is checked on its value, whatever its whitespace.
 */
const MAX_SOURCE_BYTES = 2_097_152;

const BYTE_ORDER_MARK = 0xfeff;

/** What momoa calls a token, as a designer would see it in the text. */
const TOKEN_TEXT: Record<string, string> = {
  LBrace: '"{"',
  RBrace: '"}"',
  LBracket: '"["',
  RBracket: '"]"',
  Colon: '":"',
  Comma: '","',
  String: 'string',
  Number: 'number',
  Boolean: 'boolean',
  Null: 'null',
};

function place(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return `line ${line}, column ${offset - before.lastIndexOf('\n')}`;
}

/** Momoa's error, without its "(line:column)" suffix, in the words of this module. */
function syntaxReason(message: string): string {
  const token = /^Unexpected token (\w+) found/.exec(message)?.[1];
  if (token) return `unexpected ${TOKEN_TEXT[token] ?? token}`;
  const character = /^Unexpected character '(.*)' found/su.exec(message)?.[1];
  if (character !== undefined) return `unexpected character ${JSON.stringify(character)}`;
  const word = /^Unexpected identifier '(.*)' found/su.exec(message)?.[1];
  if (word !== undefined) return `unexpected ${JSON.stringify(word)} (JSON's only words are true, false and null)`;
  if (message.startsWith('Unexpected end of input')) return 'the text ends before the JSON does';
  return message.replace(/ \(\d+:\d+\)$/, '');
}

function syntaxProblem(err: unknown, text: string): SourceProblem {
  const { line, column, offset, message } = err as { line?: number; column?: number; offset?: number; message: string };
  // Momoa places the end of the input at its start; the designer looks for it at the end.
  if (message.startsWith('Unexpected end of input')) return { pointer: '', message: `not valid JSON at ${place(text, text.length)}: ${syntaxReason(message)}` };
  if (typeof line === 'number' && typeof column === 'number') {
    return { pointer: '', message: `not valid JSON at line ${line}, column ${column}: ${syntaxReason(message)}` };
  }
  // JSON.parse's own refusal (a raw control character in a string): it names an offset.
  const position = Number(/position (\d+)/.exec(message)?.[1] ?? offset);
  const reason = message.split(/ in JSON| at position|\n/)[0] ?? message;
  return { pointer: '', message: Number.isInteger(position) ? `not valid JSON at ${place(text, position)}: ${reason}` : `not valid JSON: ${reason}` };
}

type Frame = { array: true; index: number } | { array: false; key: string; expectKey: boolean };

/**
 * The pointer of the first object or array nested deeper than `maxDepth`, read off the tokens: a
 * recursive parser would overflow its stack first.
 */
function tooDeep(tokens: Token[], text: string, maxDepth: number): string | undefined {
  const stack: Frame[] = [];
  for (const token of tokens) {
    const top = stack[stack.length - 1];
    switch (token.type) {
      case 'LBrace':
      case 'LBracket':
        if (stack.length >= maxDepth) return stack.map((f) => `/${pointerSegment(f.array ? String(f.index) : f.key)}`).join('') || '/';
        stack.push(token.type === 'LBracket' ? { array: true, index: 0 } : { array: false, key: '', expectKey: true });
        break;
      case 'RBrace':
      case 'RBracket':
        stack.pop();
        break;
      case 'Comma':
        if (top?.array) top.index += 1;
        else if (top) top.expectKey = true;
        break;
      case 'String':
        if (top && !top.array && top.expectKey) {
          const raw = text.slice(token.range![0], token.range![1]);
          try {
            top.key = JSON.parse(raw) as string;
          } catch {
            top.key = raw.slice(1, -1);
          }
          top.expectKey = false;
        }
        break;
      default:
        break;
    }
  }
  return undefined;
}

/** Every key given twice in one object, with the lines of both. Iterative, like the rest. */
function duplicateKeys(root: ValueNode): SourceProblem[] {
  const found: SourceProblem[] = [];
  const pending: Array<{ node: ValueNode; pointer: string }> = [{ node: root, pointer: '' }];
  while (pending.length) {
    const { node, pointer } = pending.pop()!;
    if (node.type === 'Array') {
      for (let i = node.elements.length - 1; i >= 0; i--) pending.push({ node: node.elements[i]!.value, pointer: `${pointer}/${i}` });
    } else if (node.type === 'Object') {
      const firstLine = new Map<string, number>();
      const children: Array<{ node: ValueNode; pointer: string }> = [];
      for (const member of node.members) {
        const key = member.name.type === 'String' ? member.name.value : member.name.name;
        const at = `${pointer}/${pointerSegment(key)}`;
        const line = member.name.loc.start.line;
        const first = firstLine.get(key);
        if (first === undefined) firstLine.set(key, line);
        else found.push({ pointer: at, message: `duplicate key ${JSON.stringify(key)} (first at line ${first}, again at line ${line})` });
        children.push({ node: member.value, pointer: at });
      }
      pending.push(...children.reverse());
    }
  }
  return found;
}

/** Reads a JSON text: its value, or the one reason it cannot be read; and the keys it gives twice. */
export function readJsonSource(text: string): JsonSource {
  if (text.charCodeAt(0) === BYTE_ORDER_MARK) {
    return { unreadable: { pointer: '', message: 'starts with a byte-order mark (U+FEFF): save it as UTF-8 without BOM' }, duplicates: [] };
  }
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_SOURCE_BYTES) {
    return { unreadable: { pointer: '', message: `is ${bytes} bytes; at most ${MAX_SOURCE_BYTES} are read` }, duplicates: [] };
  }
  if (text.trim() === '') return { unreadable: { pointer: '', message: 'not valid JSON: the text is empty' }, duplicates: [] };
  let tokens: Token[];
  try {
    tokens = tokenize(text, { mode: 'json', ranges: true });
  } catch (err) {
    return { unreadable: syntaxProblem(err, text), duplicates: [] };
  }
  const deep = tooDeep(tokens, text, MAX_JSON_DEPTH);
  if (deep !== undefined) return { unreadable: { pointer: deep, message: `is nested more than ${MAX_JSON_DEPTH} levels deep` }, duplicates: [] };
  let duplicates: SourceProblem[];
  try {
    duplicates = duplicateKeys(parse(text, { mode: 'json' }).body);
  } catch (err) {
    return { unreadable: syntaxProblem(err, text), duplicates: [] };
  }
  try {
    return { value: JSON.parse(text) as unknown, duplicates };
  } catch (err) {
    return { unreadable: syntaxProblem(err, text), duplicates };
  }
}

/** Keeps a byte-order mark, so that it is named rather than silently dropped; refuses bytes that are not UTF-8. */
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Reads a JSON file; a file that cannot be read is a reason like any other, never an exception. */
export function readJsonFile(file: string): JsonSource {
  let text: string;
  try {
    const { size } = statSync(file);
    if (size > MAX_SOURCE_BYTES) return { unreadable: { pointer: '', message: `is ${size} bytes; at most ${MAX_SOURCE_BYTES} are read` }, duplicates: [] };
    const bytes = readFileSync(file);
    try {
      text = utf8.decode(bytes);
    } catch {
      return { unreadable: { pointer: '', message: 'is not UTF-8 text: save it as UTF-8' }, duplicates: [] };
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : ((err as Error).message.split('\n')[0] ?? 'unknown error');
    return { unreadable: { pointer: '', message: `cannot be read: ${reason}` }, duplicates: [] };
  }
  return readJsonSource(text);
}
