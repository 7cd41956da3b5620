import { parseArgs } from 'node:util';
import { readDefinitionFile, refusals, type DefinitionFileError } from '../registry/catalogue.js';
import type { ProcedureDefinition } from '../engine/definition.generated.js';
import { UsageError } from './usage-error.js';

/** One line per problem: `file pointer: message` (`file pointer: warning: message`) — what an editor's problem matcher can read. */
export function formatProblem(e: DefinitionFileError): string {
  return `${e.file}${e.pointer ? ` ${e.pointer}` : ''}: ${e.severity === 'warning' ? 'warning: ' : ''}${e.message}`;
}

interface FileResult {
  file: string;
  definition?: ProcedureDefinition;
  errors: DefinitionFileError[];
  warnings: DefinitionFileError[];
}

/** One file's result, whatever happens while it is checked: the other files are checked all the same. */
function checkFile(file: string): FileResult {
  let result: { definition?: ProcedureDefinition; errors: DefinitionFileError[] };
  try {
    result = readDefinitionFile(file);
  } catch (err) {
    result = { errors: [{ file, pointer: '', message: `could not be checked: ${String((err as Error)?.message ?? err).split('\n')[0]}` }] };
  }
  return { file, ...(result.definition ? { definition: result.definition } : {}), errors: refusals(result.errors), warnings: result.errors.filter((e) => e.severity === 'warning') };
}

const onlyProblem = ({ pointer, message }: DefinitionFileError) => ({ pointer, message });

export async function validateCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { json: { type: 'boolean' } }, allowPositionals: true });
  if (positionals.length === 0) throw new UsageError('validate: name one or more definition files');
  const results = positionals.map(checkFile);
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
      if (r.errors.length === 0) console.log(`${r.file}: valid (${r.definition?.id} v${r.definition?.version})`);
      for (const e of [...r.errors, ...r.warnings]) console.log(formatProblem(e));
    }
    const bad = results.filter((r) => r.errors.length).length;
    console.log(bad ? `${bad} of ${results.length} file(s) invalid` : `${results.length} file(s) valid`);
  }
  return valid ? 0 : 1;
}
