/**
 * A document of a draft definition printed with sample values, so that a designer sees the page before
 * publishing: the same data gathering and templates as a real issuance, with a sample holder, sample
 * form values (or the ones the designer gives) and a code that verifies nothing.
 */
import { createHash } from 'node:crypto';
import type { ProcedureDefinition } from '../engine/definition.generated.js';
import { decisionIssueKey, type DocumentIssueRequest } from '../engine/interpreter/issued-documents.js';
import type { Office } from '../registry/offices.js';
import { decisionDocumentData, formValue } from './decision-data.js';
import { verificationUrl } from './key-ring.js';
import { DocumentRenderer } from './renderer.js';
import { verificationCodeFrom } from './verification-code.js';

const SAMPLE_TRACKING_NUMBER = 'PREVIEW-0001';
const SAMPLE_HOLDER = 'Amina El Idrissi';
const SAMPLE_MOTIVATION = {
  ar: 'مثال على التعليل: الملف غير مطابق للشروط القانونية.',
  fr: 'Exemple de motivation : le dossier ne remplit pas les conditions légales.',
  en: 'Sample reasons: the file does not meet the legal conditions.',
};
const DAY_MS = 86_400_000;

let renderer: DocumentRenderer | undefined;

/** What a form field would hold, for the preview: its first choice, a number, a date, or its own label. */
function sampleFor(schema: Record<string, unknown> | undefined, path: string): unknown {
  if (!schema) return path;
  if (Array.isArray(schema.enum) && schema.enum.length) return schema.enum[0];
  if (schema.type === 'number' || schema.type === 'integer') return 120;
  if (schema.format === 'date') return '2026-03-02';
  const label = schema.label as { fr?: string } | undefined;
  return label?.fr ? `[${label.fr}]` : `[${path}]`;
}

function fieldSchema(form: unknown, path: string): Record<string, unknown> | undefined {
  let schema = form as Record<string, unknown> | undefined;
  for (const segment of path.split('.').slice(1)) schema = (schema?.properties as Record<string, Record<string, unknown>> | undefined)?.[segment];
  return schema;
}

function setAt(target: Record<string, unknown>, path: string, value: unknown): void {
  const segments = path.split('.').slice(1);
  let node = target;
  for (const segment of segments.slice(0, -1)) {
    const next = node[segment];
    node = (node[segment] = next !== null && typeof next === 'object' && !Array.isArray(next) ? next : {}) as Record<string, unknown>;
  }
  node[segments.at(-1)!] = value;
}

/** The PDF of `document`, declared in `definition` (checked by the caller), with sample values where `data` has none. */
export async function previewDocument(
  definition: ProcedureDefinition,
  document: string,
  options: { data?: Record<string, unknown>; offices: readonly Office[]; publicUrl: string; now: Date },
): Promise<Buffer> {
  const declaration = definition.issuedDocuments![document]!;
  const form: Record<string, unknown> = structuredClone(options.data ?? {});
  if (formValue(form, declaration.holder.var) === undefined) setAt(form, declaration.holder.var, SAMPLE_HOLDER);
  for (const field of declaration.fields ?? []) {
    if (formValue(form, field.var) === undefined) setAt(form, field.var, sampleFor(fieldSchema(definition.form, field.var), field.var));
  }
  const refusing = Object.values(definition.steps).find((step) => step.type === 'end' && step.letter === document);
  const office = options.offices.find((o) => (definition.offices as string[]).includes(o.kind));
  const request: DocumentIssueRequest = {
    trackingNumber: SAMPLE_TRACKING_NUMBER,
    procedureId: definition.id,
    procedureVersion: definition.version,
    officeId: office?.id ?? definition.offices[0] ?? 'office',
    document,
    declaration,
    procedureTitle: definition.title,
    issueKey: decisionIssueKey(SAMPLE_TRACKING_NUMBER, document),
    decidedAt: options.now.toISOString(),
    dueOn: options.now.toISOString().slice(0, 10),
    motivation: refusing?.type === 'end' && refusing.motivation ? refusing.motivation : SAMPLE_MOTIVATION,
  };
  const data = decisionDocumentData(request, { form, filedAt: new Date(options.now.getTime() - 10 * DAY_MS) }, office ? [office] : []);
  // A code nobody was issued: the preview verifies nothing.
  const code = verificationCodeFrom(createHash('sha256').update(`preview:${definition.id}:${document}`).digest());
  renderer ??= new DocumentRenderer();
  return renderer.render(declaration.template, { ...data, verification: { code, url: verificationUrl(options.publicUrl, code) } });
}
