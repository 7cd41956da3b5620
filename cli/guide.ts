import { parseArgs } from 'node:util';
import { loadConfig } from '../infra/config.js';
import { loadProcedureFolder } from '../registry/catalogue.js';
import { guideEntry, guideMarkdown, LANGUAGES, type Language } from '../registry/guide.js';
import { UsageError } from './usage-error.js';

/** `mohla guide`: the digital guide of the shipped procedures, as Markdown. */
export async function guideCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { lang: { type: 'string', default: 'fr' }, procedure: { type: 'string' }, dir: { type: 'string' } },
  });
  const lang = values.lang as Language;
  if (!LANGUAGES.includes(lang)) throw new UsageError(`guide: --lang must be one of ${LANGUAGES.join(', ')}`);
  const { catalogue, errors } = loadProcedureFolder(values.dir ?? loadConfig().proceduresDir);
  for (const e of errors) console.error(`skipped ${e.file}${e.pointer ? ` ${e.pointer}` : ''}: ${e.message}`);
  const procedures = catalogue.list().filter((p) => !values.procedure || p.id === values.procedure);
  if (values.procedure && procedures.length === 0) throw new UsageError(`guide: no procedure "${values.procedure}"`);
  console.log(guideMarkdown(procedures.map((p) => guideEntry(p, lang)), lang));
  return 0;
}
