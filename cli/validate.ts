import { parseArgs } from 'node:util';
import { readDefinitionFile, type DefinitionFileError } from '../registry/catalogue.js';
import { UsageError } from './usage-error.js';

/** One line per problem: `file pointer: message`, or `file pointer: warning: message` — what an editor's problem matcher can read. */
export function formatProblem(e: DefinitionFileError): string {
  return `${e.file}${e.pointer ? ` ${e.pointer}` : ''}: ${e.severity === 'warning' ? 'warning: ' : ''}${e.message}`;
}

export async function validateCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { json: { type: 'boolean' } }, allowPositionals: true });
  if (positionals.length === 0) throw new UsageError('validate: name one or more definition files');
  const results = positionals.map((file) => ({ file, ...readDefinitionFile(file) }));
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
            errors: r.errors.map(({ pointer, message }) => ({ pointer, message })),
            ...(r.warnings.length ? { warnings: r.warnings.map(({ pointer, message }) => ({ pointer, message })) } : {}),
          })),
        },
        null,
        2,
      ),
    );
  } else {
    for (const r of results) {
      if (r.errors.length === 0) console.log(`${r.file}: valid (${r.definition?.id} v${r.definition?.version})`);
      // Warnings never fail the command: the rules they report are newer than the definition's language.
      for (const e of [...r.errors, ...r.warnings]) console.log(formatProblem(e));
    }
    const bad = results.filter((r) => r.errors.length).length;
    console.log(bad ? `${bad} of ${results.length} file(s) invalid` : `${results.length} file(s) valid`);
  }
  return valid ? 0 : 1;
}
