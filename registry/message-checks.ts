/**
 * The checks of a definition's own messages (`messages`): each text parses as an ICU message, uses only
 * the arguments Mohla gives, each in a way that works (a count in `plural`, a choice in `select` with
 * values that exist), and each message is sent, by a `notify` step or as one of Mohla's events it rewords. The parser is the one the
 * notification worker formats with, under the same options, so a text accepted here renders there.
 */
import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import type { ProcedureDefinition } from '../engine/definition.generated.js';
import { isMessageArgument, MESSAGE_ARGUMENTS, MESSAGE_PARSE_OPTIONS, type ArgumentUse } from '../notifications/procedure-messages.js';
import { EVENT_TEMPLATES } from '../notifications/templates.js';
import type { FieldError } from './definition-schema.js';

const USES: Record<ArgumentUse, string> = {
  text: 'is text: write it as {name}',
  count: 'is a number: use it as {name}, {name, number} or {name, plural, …}',
  choice: 'is a choice: use it in {name, select, …}',
};

/** Which argument names each use, for the error that lists them. */
function namesOf(use: ArgumentUse): string {
  return Object.entries(MESSAGE_ARGUMENTS)
    .filter(([, argument]) => argument.use === use)
    .map(([name]) => name)
    .join(', ');
}

function useProblem(name: string, wanted: readonly ArgumentUse[], how: string): string | undefined {
  if (!isMessageArgument(name)) {
    return `{${name}} is not something a message can say; it may use ${Object.keys(MESSAGE_ARGUMENTS).join(', ')}`;
  }
  const argument = MESSAGE_ARGUMENTS[name];
  if (wanted.includes(argument.use)) return undefined;
  return `${how} needs ${wanted.map((w) => `a ${w === 'count' ? 'number' : w}`).join(' or ')} (${wanted.map(namesOf).join(', ')}); ${name} ${USES[argument.use].replaceAll('name', name)}`;
}

function elementProblems(elements: MessageFormatElement[], problems: string[]): void {
  for (const element of elements) {
    switch (element.type) {
      case TYPE.argument: {
        const problem = useProblem(element.value, ['text', 'count'], `{${element.value}}`);
        if (problem) problems.push(problem);
        break;
      }
      case TYPE.number: {
        const problem = useProblem(element.value, ['count'], `{${element.value}, number}`);
        if (problem) problems.push(problem);
        break;
      }
      case TYPE.date:
      case TYPE.time:
        problems.push(`{${element.value}, ${element.type === TYPE.date ? 'date' : 'time'}}: dates come already written in the reader's language; write {${element.value}}`);
        break;
      case TYPE.plural: {
        const problem = useProblem(element.value, ['count'], `{${element.value}, plural}`);
        if (problem) problems.push(problem);
        for (const option of Object.values(element.options)) elementProblems(option.value, problems);
        break;
      }
      case TYPE.select: {
        const problem = useProblem(element.value, ['choice'], `{${element.value}, select}`);
        if (problem) problems.push(problem);
        else {
          const argument = MESSAGE_ARGUMENTS[element.value as keyof typeof MESSAGE_ARGUMENTS] as { values?: readonly string[] };
          const values = argument.values ?? [];
          for (const key of Object.keys(element.options)) {
            if (key !== 'other' && !values.includes(key)) problems.push(`{${element.value}, select}: "${key}" never happens; its values are ${values.join(', ')} and other`);
          }
        }
        for (const option of Object.values(element.options)) elementProblems(option.value, problems);
        break;
      }
      case TYPE.literal:
      case TYPE.pound:
      case TYPE.tag:
        break;
    }
  }
}

/** The parser's commonest complaints, said the way a designer fixes them; the others as its words. */
const SYNTAX_ERRORS: Record<string, string> = {
  EXPECT_ARGUMENT_CLOSING_BRACE: 'the { opened here is not closed',
  EMPTY_ARGUMENT: '{} names no argument',
  MALFORMED_ARGUMENT: 'an argument is a name between { and }, such as {trackingNumber}',
  INVALID_ARGUMENT_TYPE: 'after the name, a comma and plural, select or number',
  MISSING_OTHER_CLAUSE: 'a plural or select needs an "other" case',
  EXPECT_SELECT_ARGUMENT_OPTIONS: 'a select needs its cases, such as {outcome, select, approved {…} other {…}}',
  EXPECT_PLURAL_ARGUMENT_SELECTOR_FRAGMENT: 'each plural case needs its text between { and }',
  EXPECT_SELECT_ARGUMENT_SELECTOR_FRAGMENT: 'each select case needs its text between { and }',
  DUPLICATE_PLURAL_ARGUMENT_SELECTOR: 'a plural case is given twice',
  DUPLICATE_SELECT_ARGUMENT_SELECTOR: 'a select case is given twice',
};

function syntaxProblem(err: unknown): string {
  const offset = (err as { location?: { start?: { offset?: number } } }).location?.start?.offset;
  const kind = String((err as Error).message);
  const said = SYNTAX_ERRORS[kind] ?? kind.toLowerCase().replaceAll('_', ' ');
  return `not an ICU message${offset === undefined ? '' : ` at character ${offset + 1}`}: ${said}`;
}

function textProblems(source: string): string[] {
  let elements: MessageFormatElement[];
  try {
    elements = parse(source, MESSAGE_PARSE_OPTIONS);
  } catch (err) {
    return [syntaxProblem(err)];
  }
  const problems: string[] = [];
  elementProblems(elements, problems);
  return [...new Set(problems)];
}

export function messageProblems(definition: ProcedureDefinition): FieldError[] {
  const messages = definition.messages ?? {};
  // A message named after one of Mohla's events rewords that event for this procedure: the engine sends it.
  const sent = new Set([...Object.keys(EVENT_TEMPLATES), ...Object.values(definition.steps).flatMap((step) => (step.type === 'notify' ? [step.template] : []))]);
  const problems: FieldError[] = [];
  for (const [name, message] of Object.entries(messages)) {
    for (const part of ['title', 'text'] as const) {
      for (const [language, source] of Object.entries(message[part])) {
        for (const problem of textProblems(source)) problems.push({ pointer: `/messages/${name}/${part}/${language}`, message: problem });
      }
    }
    if (!sent.has(name)) problems.push({ pointer: `/messages/${name}`, message: `no notify step sends "${name}"`, severity: 'warning' });
  }
  return problems;
}
