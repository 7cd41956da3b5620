/**
 * What a document template receives, as a JSON Schema: ajv checks the data with it before anything is
 * rendered, and the TypeScript types come from it.
 */
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import type { FromSchema } from 'json-schema-to-ts';
import { parseVerificationCode } from './verification-code.js';

export const DOCUMENT_TEMPLATES = ['certificate', 'attestation', 'refusal-letter'] as const;
export type DocumentTemplate = (typeof DOCUMENT_TEMPLATES)[number];

/** A text in Arabic and French, which every document carries, and in English where the document has it. */
const text = (maxLength: number) =>
  ({
    type: 'object',
    required: ['ar', 'fr'],
    additionalProperties: false,
    properties: {
      ar: { type: 'string', minLength: 1, maxLength },
      fr: { type: 'string', minLength: 1, maxLength },
      en: { type: 'string', minLength: 1, maxLength },
    },
  }) as const;

const day = { type: 'string', format: 'date' } as const;

export const documentDataSchema = {
  type: 'object',
  required: ['languages', 'office', 'procedureTitle', 'trackingNumber', 'holder', 'filedOn', 'verification'],
  additionalProperties: false,
  properties: {
    /** The languages printed, in this order; English is printed only when asked for. */
    languages: { enum: [['ar', 'fr'], ['ar', 'fr', 'en']] },
    office: {
      type: 'object',
      required: ['name'],
      additionalProperties: false,
      properties: { name: text(200), address: text(300) },
    },
    procedureTitle: text(200),
    /** The document's own title, as the procedure names it; without it, the template's generic title. */
    title: text(200),
    /** Values of the form the procedure shows on the document, each under its label (personal data, like the holder). */
    fields: {
      type: 'array',
      maxItems: 12,
      items: {
        type: 'object',
        required: ['label', 'value'],
        additionalProperties: false,
        properties: { label: text(200), value: { type: 'string', minLength: 1, maxLength: 500 } },
      },
    },
    trackingNumber: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9-]{0,39}$' },
    /** Personal data: it appears in the PDF and nowhere else (never in a log line or an error). */
    holder: {
      type: 'object',
      required: ['name'],
      additionalProperties: false,
      properties: { name: { type: 'string', minLength: 1, maxLength: 200 } },
    },
    filedOn: day,
    decidedOn: day,
    /** The day the legal deadline ran out (the silence-consent attestation). */
    dueOn: day,
    /** The text that makes silence worth consent (the attestation). */
    legalBasis: text(600),
    /** Why the application is refused (the refusal letter). */
    motivation: text(4000),
    /** How and by when the applicant may contest the refusal (the refusal letter). */
    remedy: text(1500),
    /** The last day to contest, when the refusal opened a window for it (the refusal letter, optional). */
    contestBy: day,
    verification: {
      type: 'object',
      required: ['code', 'url'],
      additionalProperties: false,
      properties: {
        code: { type: 'string' },
        /** The address the QR code leads to, where the code is checked. */
        url: { type: 'string', format: 'uri', pattern: '^https?://', maxLength: 500 },
      },
    },
  },
} as const;

export type DocumentData = FromSchema<typeof documentDataSchema>;

/** The fields each template needs beyond the common ones. */
const TEMPLATE_FIELDS: Record<DocumentTemplate, readonly string[]> = {
  certificate: ['decidedOn'],
  attestation: ['dueOn', 'legalBasis'],
  'refusal-letter': ['decidedOn', 'motivation', 'remedy'],
};

const ajv = addFormats.default(new Ajv({ allErrors: true }));
const validators = Object.fromEntries(
  DOCUMENT_TEMPLATES.map((template) => [template, ajv.compile({ type: 'object', allOf: [documentDataSchema], required: TEMPLATE_FIELDS[template] })]),
) as Record<DocumentTemplate, ReturnType<typeof ajv.compile>>;

/**
 * Bad data for a document: `pointer` names the field (JSON pointer), the message says why, never what
 * the field held (it may be personal data).
 */
export class DocumentDataError extends Error {
  constructor(
    readonly pointer: string,
    readonly reason: string,
  ) {
    super(`${pointer || '/'} ${reason}`);
  }
}

/** The data checked for `template`, or a DocumentDataError naming the first field at fault. */
export function checkDocumentData(template: DocumentTemplate, data: unknown): DocumentData {
  const validate = validators[template];
  if (!validate(data)) {
    const [first] = validate.errors ?? [];
    const missing = first?.keyword === 'required' ? `/${(first.params as { missingProperty: string }).missingProperty}` : '';
    throw new DocumentDataError(`${first?.instancePath ?? ''}${missing}`, missing ? `is required by the ${template} template` : (first?.message ?? 'is not valid'));
  }
  const checked = data as DocumentData;
  const control = strayControl(checked, '');
  if (control) throw new DocumentDataError(control.pointer, control.reason);
  const code = parseVerificationCode(checked.verification.code);
  if (!code.ok) throw new DocumentDataError('/verification/code', code.reason.replace(/^the verification code /, ''));
  if (code.code !== checked.verification.code) throw new DocumentDataError('/verification/code', 'must be given in its stored form: 16 characters, no dashes');
  if ((checked.languages as readonly string[]).includes('en')) {
    for (const [pointer, value] of localizedTexts(checked)) {
      if (value.en === undefined) throw new DocumentDataError(`${pointer}/en`, 'is required when the languages include English');
    }
  }
  return checked;
}

function localizedTexts(data: DocumentData): Array<[string, { en?: string }]> {
  const texts: Array<[string, { en?: string } | undefined]> = [
    ['/office/name', data.office.name],
    ['/office/address', data.office.address],
    ['/procedureTitle', data.procedureTitle],
    ['/title', data.title],
    ...(data.fields ?? []).map((field, i): [string, { en?: string }] => [`/fields/${i}/label`, field.label]),
    ['/legalBasis', data.legalBasis],
    ['/motivation', data.motivation],
    ['/remedy', data.remedy],
  ];
  return texts.filter((entry): entry is [string, { en?: string }] => entry[1] !== undefined);
}

/**
 * Controls that would change how a printed document reads: an override or isolate in a name reorders
 * the rest of its line (a date's digits, a number), and other control characters have no place on
 * paper. Line breaks are let through in the long texts, where they separate paragraphs.
 */
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/u;
const OTHER_CONTROLS = /[\p{Cc}]/u;
const PARAGRAPHED = new Set(['legalBasis', 'motivation', 'remedy']);

function strayControl(value: unknown, pointer: string): { pointer: string; reason: string } | undefined {
  if (typeof value === 'string') {
    const bidi = value.match(BIDI_CONTROLS)?.[0];
    if (bidi) return { pointer, reason: `holds the direction control U+${bidi.codePointAt(0)!.toString(16).toUpperCase()}, which would reorder the printed text` };
    const paragraphs = PARAGRAPHED.has(pointer.split('/')[1] ?? '');
    const other = (paragraphs ? value.replace(/\n/g, '') : value).match(OTHER_CONTROLS)?.[0];
    if (other) return { pointer, reason: `holds the control character U+${other.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}` };
    return undefined;
  }
  if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      const found = strayControl(inner, `${pointer}/${key}`);
      if (found) return found;
    }
  }
  return undefined;
}
