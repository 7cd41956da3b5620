/**
 * Where a JSON pointer the checker names sits in the text the designer is typing, and the other way
 * round. jsonc-parser reads a text that is half-written without giving up, and keeps every node's offset,
 * which JSON.parse does not.
 */
import { getLocation, parseTree, type Node, type ParseError, printParseErrorCode, parse } from 'jsonc-parser';

export interface TextRange {
  from: number;
  to: number;
  /** False when the pointer names something the text does not have (a missing property): the range is then its nearest ancestor's. */
  exact: boolean;
}

export type JsonPath = Array<string | number>;

function pointerSegments(pointer: string): string[] {
  if (pointer === '' || pointer === '/') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function child(node: Node, segment: string): Node | undefined {
  if (node.type === 'object') {
    // The last of two equal keys, as JSON.parse keeps it.
    const property = node.children?.filter((p) => p.children?.[0]?.value === segment).at(-1);
    return property?.children?.[1];
  }
  if (node.type === 'array' && /^(0|[1-9]\d*)$/.test(segment)) return node.children?.[Number(segment)];
  return undefined;
}

/**
 * The text a problem at `pointer` is shown on: a scalar's value, or the key of an object or array (a
 * squiggle under a whole step would hide what is wrong in it). Undefined when the text is no JSON tree.
 */
export function pointerRange(text: string, pointer: string): TextRange | undefined {
  const root = parseTree(text);
  if (!root) return undefined;
  let node = root;
  let exact = true;
  for (const segment of pointerSegments(pointer)) {
    const next = child(node, segment);
    if (!next) {
      exact = false;
      break;
    }
    node = next;
  }
  const key = node.parent?.type === 'property' ? node.parent.children?.[0] : undefined;
  const shown = key && (node.type === 'object' || node.type === 'array' || !exact) ? key : node;
  if (shown === root) return { from: root.offset, to: root.offset + 1, exact };
  return { from: shown.offset, to: shown.offset + shown.length, exact };
}

/** The path of the value or key at `offset`, and whether the cursor is on a property's key. */
export function pathAt(text: string, offset: number): { path: JsonPath; atKey: boolean } {
  const location = getLocation(text, offset);
  return { path: location.path, atKey: location.isAtPropertyKey };
}

/** What a text holds, read as far as it can be (a half-written property is left out). */
export function tolerantValue(text: string): unknown {
  return parse(text, [], { allowTrailingComma: false, disallowComments: true });
}

export interface SyntaxProblem {
  from: number;
  to: number;
  message: string;
}

/** The text's syntax errors at their place, in words a designer reads (jsonc-parser only gives codes). */
export function syntaxProblems(text: string): SyntaxProblem[] {
  const errors: ParseError[] = [];
  parse(text, errors, { allowTrailingComma: false, disallowComments: true });
  return errors.map((e) => ({ from: e.offset, to: e.offset + Math.max(e.length, 1), message: syntaxWords(printParseErrorCode(e.error)) }));
}

const WORDS: Record<string, string> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'not a number',
  PropertyNameExpected: 'a property name in double quotes is expected',
  ValueExpected: 'a value is expected',
  ColonExpected: '":" is expected',
  CommaExpected: '"," is expected',
  CloseBraceExpected: '"}" is expected',
  CloseBracketExpected: '"]" is expected',
  EndOfFileExpected: 'nothing may follow the JSON',
  InvalidCommentToken: 'JSON has no comments',
  UnexpectedEndOfComment: 'JSON has no comments',
  UnexpectedEndOfString: 'the string is not closed',
  UnexpectedEndOfNumber: 'the number is not finished',
  InvalidUnicode: 'invalid \\u escape',
  InvalidEscapeCharacter: 'invalid escape',
  InvalidCharacter: 'a control character must be escaped',
};

function syntaxWords(code: string): string {
  return `not valid JSON: ${WORDS[code] ?? code}`;
}
