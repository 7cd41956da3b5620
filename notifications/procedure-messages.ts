/**
 * A procedure's own notifications, worded by its designer in the definition (`messages`) as ICU
 * messages, so a new message needs no TypeScript. ICU, through formatjs, because the plural rules of
 * Arabic (one, two, few, many) are its job, and designers may know it from other tools.
 */
import { IntlMessageFormat } from 'intl-messageformat';
import type { EndStep, MessageText, ProcedureMessage } from '../engine/definition.generated.js';
import { renderedMessage, type Audience, type MessageContext, type RenderedMessage } from './templates.js';
import { formatInstant, formatList, LOCALES, timeLeft } from './wording.js';
import type { Language } from './types.js';

/** How a message may use an argument: put it in the text, count with it (`plural`), or choose with it (`select`). */
export type ArgumentUse = 'text' | 'count' | 'choice';

interface MessageArgument {
  use: ArgumentUse;
  /** A choice's values (besides `other`). */
  values?: readonly string[];
}

const AUDIENCES: readonly Audience[] = ['citizen', 'staff'];
const OUTCOMES: readonly (EndStep['outcome'] | 'none')[] = ['approved', 'rejected', 'withdrawn', 'closed', 'partiallyGranted', 'forwarded', 'none'];

/**
 * What a procedure's message may say: each is given to the text in the reader's language, dates and
 * lists already written out, so a text never formats them itself.
 */
export const MESSAGE_ARGUMENTS = {
  trackingNumber: { use: 'text' },
  procedure: { use: 'text' },
  dueAt: { use: 'text' },
  timeLeft: { use: 'text' },
  tasks: { use: 'text' },
  taskCount: { use: 'count' },
  documents: { use: 'text' },
  documentCount: { use: 'count' },
  fields: { use: 'text' },
  fieldCount: { use: 'count' },
  action: { use: 'text' },
  motivation: { use: 'text' },
  forwardedTo: { use: 'text' },
  reason: { use: 'text' },
  clock: { use: 'text' },
  outcome: { use: 'choice', values: OUTCOMES },
  audience: { use: 'choice', values: AUDIENCES },
} as const satisfies Record<string, MessageArgument>;

export type MessageArgumentName = keyof typeof MESSAGE_ARGUMENTS;

export const isMessageArgument = (name: string): name is MessageArgumentName => Object.prototype.hasOwnProperty.call(MESSAGE_ARGUMENTS, name);

/**
 * Tags would be markup in an SMS: `<` and `>` stay plain characters. The checker parses with the same
 * options, so what it accepts is what renders.
 */
export const MESSAGE_PARSE_OPTIONS = { ignoreTag: true } as const;

function messageArguments(c: MessageContext): Record<MessageArgumentName, string | number> {
  const list = (items: string[] | undefined) => (items?.length ? formatList(c.language, items) : '');
  return {
    trackingNumber: c.trackingNumber,
    procedure: c.procedure,
    dueAt: c.dueAt ? formatInstant(c.language, c.dueAt) : '',
    timeLeft: c.dueAt ? timeLeft(c.language, c.dueAt, c.now) : '',
    tasks: list(c.tasks),
    taskCount: c.tasks.length,
    documents: list(c.documents),
    documentCount: c.documents.length,
    fields: list(c.fields),
    fieldCount: c.fields?.length ?? 0,
    action: c.action ?? '',
    motivation: c.motivation ?? '',
    forwardedTo: c.forwardedTo ?? '',
    reason: c.reason ?? '',
    clock: c.clock ?? '',
    outcome: c.outcome ?? 'none',
    audience: c.audience,
  };
}

// Compiling a message costs more than formatting it: compiled ones are kept, a bounded number of them.
const COMPILED_LIMIT = 1000;
const compiled = new Map<string, IntlMessageFormat>();

function compile(language: Language, source: string): IntlMessageFormat {
  const key = `${language}\u0000${source}`;
  let format = compiled.get(key);
  if (!format) {
    if (compiled.size >= COMPILED_LIMIT) compiled.clear();
    format = new IntlMessageFormat(source, LOCALES[language], undefined, MESSAGE_PARSE_OPTIONS);
    compiled.set(key, format);
  }
  return format;
}

function formatText(texts: MessageText, context: MessageContext, values: Record<string, string | number>): string {
  return String(compile(context.language, texts[context.language]).format(values));
}

/**
 * The message in the reader's language, or undefined when it cannot be formatted (a definition published
 * before messages were checked): the caller then uses Mohla's own wording.
 */
export function renderProcedureMessage(message: ProcedureMessage, context: MessageContext): RenderedMessage | undefined {
  const values = messageArguments(context);
  try {
    return renderedMessage(formatText(message.title, context, values), formatText(message.text, context, values), context.trackingNumber);
  } catch {
    return undefined;
  }
}
