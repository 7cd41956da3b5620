/**
 * Issued documents as PDF: Typst templates (documents/templates/) compiled in-process by typst.ts's Node
 * binding, with the Amiri font committed beside them (documents/fonts/). The data reaches a template as
 * JSON through `sys.inputs`, never as markup, so nothing a citizen typed can change the layout.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setImmediate } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { NodeCompiler } from '@myriaddreamin/typst-ts-node-compiler';
import QRCode from 'qrcode';
import { checkDocumentData, type DocumentTemplate } from './document-data.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const TEMPLATES_DIR = path.join(HERE, 'templates');
const FONTS_DIR = path.join(HERE, 'fonts');

class DocumentRenderError extends Error {}

/**
 * One compiler, made once (loading the fonts takes about 0.1 s), then used for every document. Only the
 * committed fonts are given to it, never the machine's: the same data gives the same PDF everywhere.
 */
export class DocumentRenderer {
  private readonly compiler: NodeCompiler;
  private readonly templatesDir: string;

  constructor(options: { templatesDir?: string; fontsDir?: string } = {}) {
    this.templatesDir = options.templatesDir ?? TEMPLATES_DIR;
    const fontsDir = options.fontsDir ?? FONTS_DIR;
    const fontBlobs = readdirSync(fontsDir)
      .filter((name) => /\.(ttf|otf)$/i.test(name))
      .map((name) => readFileSync(path.join(fontsDir, name)));
    this.compiler = NodeCompiler.create({ workspace: this.templatesDir, fontArgs: [{ fontBlobs }] });
  }

  /**
   * The PDF of `template` filled with `data` (checked first: a DocumentDataError names the field at
   * fault). The same template and data give byte-identical PDFs: the templates set no creation date.
   */
  async render(template: DocumentTemplate, data: unknown): Promise<Buffer> {
    // The compiler's results are freed by finalizers that run on a turn of the event loop: a caller
    // rendering documents back to back would otherwise keep every one of them in memory.
    await setImmediate();
    const checked = checkDocumentData(template, data);
    const qr = await QRCode.toString(checked.verification.url, { type: 'svg', errorCorrectionLevel: 'M', margin: 0 });
    const compiled = this.compiler.compile({
      mainFilePath: path.join(this.templatesDir, `${template}.typ`),
      inputs: { data: JSON.stringify(checked), qr },
    });
    const error = compiled.takeError();
    if (error || !compiled.result) {
      // The diagnostic's message only, without the excerpt of source it points at.
      const first = error?.shortDiagnostics[0] as { message?: string } | undefined;
      throw new DocumentRenderError(`the ${template} template did not compile: ${first?.message ?? error?.kind ?? 'no document'}`);
    }
    const pdf = this.compiler.pdf(compiled.result);
    // Typst memoises across compilations, and each document's data differs: keeping nothing between
    // documents holds a long-running process's memory flat (keeping a few generations let it creep up,
    // for no render time measurably saved).
    this.compiler.evictCache(0);
    return pdf;
  }
}
