import path from 'node:path';
import { parseArgs } from 'node:util';
import { localDateOf } from '../engine/calendar.js';
import { horizonWarnings } from '../engine/deadline/horizon.js';
import type { ProcedureDefinition } from '../engine/definition.generated.js';
import { SHIPPED_CALENDAR } from '../registry/calendars.js';
import { readDefinitionFile, type DefinitionFileError } from '../registry/catalogue.js';
import { readJsonFile } from '../registry/json-source.js';
import { OFFICES_FILE, officesProblems } from '../registry/offices.js';
import { readCalendarFile } from './deadline.js';
import { UsageError } from './usage-error.js';

/**
 * One line per problem: `file pointer: message`, or `file pointer: warning: message` for a problem that
 * refuses nothing — what an editor's problem matcher can read.
 */
export function formatProblem(e: DefinitionFileError): string {
  return `${e.file}${e.pointer ? ` ${e.pointer}` : ''}: ${e.severity === 'warning' ? 'warning: ' : ''}${e.message}`;
}

interface FileResult {
  file: string;
  definition?: ProcedureDefinition;
  /** What a file other than a definition is, once valid. */
  describes?: string;
  errors: DefinitionFileError[];
  warnings: DefinitionFileError[];
}

/**
 * The office directory sits among the definitions (`procedures/*.json` names it too): checked as what it
 * is, so validating the folder's files means every one of them.
 */
function checkOfficeDirectory(file: string): FileResult {
  const source = readJsonFile(file);
  const problems = source.unreadable ? [source.unreadable] : [...source.duplicates, ...officesProblems(source.value)];
  if (problems.length) return { file, errors: problems.map((p) => ({ file, pointer: p.pointer, message: p.message })), warnings: [] };
  return { file, describes: `office directory, ${(source.value as { offices: unknown[] }).offices.length} offices`, errors: [], warnings: [] };
}

/** One file's result, whatever happens while it is checked: the other files are checked all the same. */
function checkFile(file: string): FileResult {
  try {
    if (path.basename(file) === OFFICES_FILE) return checkOfficeDirectory(file);
    return { file, ...readDefinitionFile(file) };
  } catch (err) {
    return { file, errors: [{ file, pointer: '', message: `could not be checked: ${String((err as Error)?.message ?? err).split('\n')[0]}` }], warnings: [] };
  }
}

const onlyProblem = ({ pointer, message }: DefinitionFileError) => ({ pointer, message });

export async function validateCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { json: { type: 'boolean' }, calendar: { type: 'string' } }, allowPositionals: true });
  if (positionals.length === 0) throw new UsageError('validate: name one or more definition files');
  // Warnings only: a budget that runs past the calendar's horizon from today never makes a file invalid.
  const calendar = readCalendarFile(values.calendar === undefined ? SHIPPED_CALENDAR : path.resolve(values.calendar));
  const today = localDateOf(Date.now(), calendar.zone);
  const results = positionals.map((file) => {
    const result = checkFile(file);
    const beyondHorizon = result.definition && result.errors.length === 0 ? horizonWarnings([result.definition], calendar, today) : [];
    return { ...result, warnings: [...result.warnings, ...beyondHorizon.map((w) => ({ file, ...w }))] };
  });
  const valid = results.every((r) => r.errors.length === 0);
  if (values.json) {
    console.log(
      JSON.stringify(
        {
          valid,
          files: results.map((r) => ({
            file: r.file,
            valid: r.errors.length === 0,
            ...(r.definition ? { id: r.definition.id, version: r.definition.version } : {}),
            ...(r.describes ? { describes: r.describes } : {}),
            errors: r.errors.map(onlyProblem),
            ...(r.warnings.length ? { warnings: r.warnings.map(onlyProblem) } : {}),
          })),
        },
        null,
        2,
      ),
    );
  } else {
    for (const r of results) {
      if (r.errors.length === 0) console.log(`${r.file}: valid (${r.describes ?? `${r.definition?.id} v${r.definition?.version}`})`);
      // Warnings never fail the command: rules newer than the definition's language, a calendar that ends too soon.
      for (const e of [...r.errors, ...r.warnings]) console.log(formatProblem(e));
    }
    const bad = results.filter((r) => r.errors.length).length;
    console.log(bad ? `${bad} of ${results.length} file(s) invalid` : `${results.length} file(s) valid`);
  }
  return valid ? 0 : 1;
}
