/**
 * How long an issued document takes: the renderer's start (fonts loaded once), then each template
 * rendered N times with Arabic, French and English data, and the signature of the result. Needs no
 * database, Redis or Temporal. Run: npm run bench:documents [-- --renders 50]. Prints a table and appends
 * a JSON result to bench/results/.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DOCUMENT_TEMPLATES } from '../documents/document-data.js';
import { DocumentRenderer } from '../documents/renderer.js';
import { loadKeyRing, signDocument } from '../documents/signatures.js';
import { newVerificationCode } from '../documents/verification-code.js';
import { distribution, ms, table, writeResult } from './lib.js';

const text = (ar: string, fr: string, en: string) => ({ ar, fr, en });

function sample() {
  return {
    languages: ['ar', 'fr', 'en'],
    office: { name: text('جماعة طنجة', 'Commune de Tanger', 'Commune of Tangier') },
    procedureTitle: text('رخصة البناء', 'Permis de construire', 'Building permit'),
    trackingNumber: 'PC-2026-004711',
    holder: { name: 'يوسف العلمي Youssef Alami' },
    filedOn: '2026-01-05',
    decidedOn: '2026-02-10',
    dueOn: '2026-02-04',
    legalBasis: text('المقتضيات القانونية المنظمة للمسطرة', 'les dispositions légales de la procédure', 'the legal provisions of the procedure'),
    motivation: text('الملف لا يتضمن التصميم المصادق عليه', 'Le dossier ne contient pas le plan approuvé.', 'The file lacks the approved plan.'),
    remedy: text('يمكنكم الطعن في هذا القرار أمام رئيس الهيئة', 'Vous pouvez contester cette décision auprès du chef de l’organisme.', 'You may contest this decision with the head of the body.'),
    verification: { code: newVerificationCode(), url: 'https://mohla.example.ma/verify' },
  };
}

export async function runDocuments(renders: number) {
  const started = performance.now();
  const renderer = new DocumentRenderer();
  const startMs = performance.now() - started;
  const keys = mkdtempSync(path.join(os.tmpdir(), 'mohla-bench-document-keys-'));
  writeFileSync(path.join(keys, 'current.pem'), generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const ring = await loadKeyRing(keys);
  rmSync(keys, { recursive: true, force: true });

  const rows: Array<Array<string | number>> = [];
  const results: Record<string, unknown> = { rendererStartMs: Number(startMs.toFixed(1)) };
  for (const template of DOCUMENT_TEMPLATES) {
    const firstStarted = performance.now();
    await renderer.render(template, sample());
    const firstMs = performance.now() - firstStarted;
    const times: number[] = [];
    const signing: number[] = [];
    let bytes = 0;
    for (let i = 0; i < renders; i++) {
      // A new code each time, as for real documents: nothing is served from the compiler's cache whole.
      const begun = performance.now();
      const pdf = await renderer.render(template, sample());
      times.push(performance.now() - begun);
      const signed = performance.now();
      signDocument(pdf, ring);
      signing.push(performance.now() - signed);
      bytes = pdf.length;
    }
    const render = distribution(times);
    const sign = distribution(signing);
    rows.push([template, ms(firstMs), ms(render.p50), ms(render.p99), ms(sign.p50), Math.round(bytes / 1024)]);
    results[template] = { firstMs: Number(firstMs.toFixed(1)), render, sign, kilobytes: Math.round(bytes / 1024) };
  }
  console.log(`Renderer started in ${ms(startMs)} ms; ${renders} renders per template (Arabic, French and English):\n`);
  console.log(table(['template', 'first render ms', 'render p50 ms', 'render p99 ms', 'sign p50 ms', 'PDF KiB'], rows));
  const file = writeResult('documents', { renders, results });
  console.log(`\nwritten to ${file}`);
  return results;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { renders: { type: 'string', default: '50' } } });
  await runDocuments(Number(values.renders));
}
