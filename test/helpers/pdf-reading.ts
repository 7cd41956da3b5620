/**
 * Reading a PDF back as a person's tools do: poppler's pdftotext for the words, pdftoppm for the picture
 * (scripts/test.sh installs poppler-utils from Debian when it is missing).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import { PROJECT_ROOT } from '../../infra/config.js';

const DOCUMENT_RESULTS = path.join(PROJECT_ROOT, 'test-results', 'issued-documents');

function poppler(tool: string, args: string[]): Buffer {
  try {
    return execFileSync(tool, args, { maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') throw new Error(`${tool} is missing: install poppler-utils (scripts/test.sh does)`);
    throw err;
  }
}

/** Writes the PDF under test-results/issued-documents/ and returns its path. */
export function keepPdf(name: string, pdf: Buffer): string {
  mkdirSync(DOCUMENT_RESULTS, { recursive: true });
  const file = path.join(DOCUMENT_RESULTS, `${name}.pdf`);
  writeFileSync(file, pdf);
  return file;
}

/** Page 1 as a PNG beside the PDF, for a person to look at; returns the decoded image. */
export function firstPagePng(pdfFile: string, dpi = 110): PNG {
  const stem = pdfFile.replace(/\.pdf$/, '');
  poppler('pdftoppm', ['-png', '-r', String(dpi), '-f', '1', '-l', '1', '-singlefile', pdfFile, stem]);
  return PNG.sync.read(readFileSync(`${stem}.png`));
}

export function pdfText(pdfFile: string): string {
  return poppler('pdftotext', ['-enc', 'UTF-8', pdfFile, '-']).toString('utf8');
}

/** The embedding marks and other directional controls pdftotext puts around right-to-left runs. */
const DIRECTION_MARKS = /[\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;
const RTL_RUN = /\u202b[^\u202c]*\u202c/gu;

/**
 * The text in reading order, without spaces, comparable with what the template was given. pdftotext
 * writes each line left to right as seen: in an Arabic paragraph's line the runs come last-first, each
 * Arabic run wrapped in RLE…PDF marks. A line with more Arabic than Latin letters has its runs put back
 * in reading order. Spaces go because the extraction adds and moves some around direction changes (and
 * inside a few Arabic words, where Amiri's glyphs overlap); the letters and their order are what count.
 */
export function readingOrder(extracted: string): string {
  return extracted
    .normalize('NFKC')
    .split('\n')
    .map((line) => {
      const arabic = line.match(/\p{Script=Arabic}/gu)?.length ?? 0;
      const latin = line.match(/[\p{Script=Latin}\p{Nd}]/gu)?.length ?? 0;
      if (arabic <= latin) return line;
      const runs: string[] = [];
      let at = 0;
      for (const match of line.matchAll(RTL_RUN)) {
        if (match.index > at) runs.push(line.slice(at, match.index));
        runs.push(match[0]);
        at = match.index + match[0].length;
      }
      if (at < line.length) runs.push(line.slice(at));
      return runs.reverse().join('');
    })
    .join('\n')
    .replace(DIRECTION_MARKS, '')
    .replace(/\s+/gu, '');
}

/** A string as `readingOrder` leaves it, to look for it there. */
export const comparable = (text: string) => text.normalize('NFKC').replace(/\s+/gu, '');
