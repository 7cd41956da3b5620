/**
 * A definition's own messages as a reader would get them, with sample values, so that a designer reads
 * the words before publishing. Rendered by the notification worker's own code, so the preview and the
 * message sent never differ; a text the checker refuses is shown with the checker's words instead.
 */
import type { LocalizedText, ProcedureDefinition } from '../engine/definition.generated.js';
import { trackingNumberFromBytes } from '../engine/tracking-number.js';
import { renderProcedureMessage } from '../notifications/procedure-messages.js';
import type { Audience, MessageContext } from '../notifications/templates.js';
import type { Language } from '../notifications/types.js';
import type { FieldError } from './definition-schema.js';

export interface MessagePreview {
  name: string;
  /** The e-mail subject and the SMS text, or null when the checker refuses this language's texts. */
  subject: string | null;
  text: string | null;
  problems: Array<{ pointer: string; message: string; severity: 'error' | 'warning' }>;
}

/** A fixed, well-formed tracking number: the same sample on every preview. */
export const SAMPLE_TRACKING_NUMBER = trackingNumberFromBytes(new Uint8Array([12, 7, 20, 3, 25, 9, 30, 17]));

/** Used when the definition itself has nothing to lend a sample value (no document, no window…). */
const FALLBACK = {
  documents: [
    { ar: 'نسخة من البطاقة الوطنية', fr: "Copie de la carte nationale d'identité", en: 'Copy of the national identity card' },
    { ar: 'شهادة السكنى', fr: 'Certificat de résidence', en: 'Residence certificate' },
  ],
  task: { ar: 'دراسة الملف', fr: 'Examiner le dossier', en: 'Examine the file' },
  fields: [
    { ar: 'العنوان', fr: 'Adresse', en: 'Address' },
    { ar: 'رقم الهاتف', fr: 'Téléphone', en: 'Phone' },
  ],
  action: { ar: 'تقديم شكاية', fr: 'Réclamer', en: 'Complain' },
  motivation: { ar: 'الملف غير مكتمل.', fr: 'Le dossier est incomplet.', en: 'The file is incomplete.' },
  forwardedTo: { ar: 'العمالة', fr: 'La préfecture', en: 'The prefecture' },
  reason: { ar: 'يتطلب الملف زيارة ميدانية.', fr: 'Le dossier demande une visite sur place.', en: 'The file needs a site visit.' },
  clock: { ar: 'أجل الاستئناف', fr: "Délai d'appel", en: 'Appeal period' },
} satisfies Record<string, LocalizedText | LocalizedText[]>;

const DAY_MS = 86_400_000;

/** Sample values taken from the definition where it has them, so the preview reads like its real messages. */
function sampleContext(definition: ProcedureDefinition, language: Language, audience: Audience, now: Date): MessageContext {
  const steps = Object.values(definition.steps ?? {});
  const say = (text: LocalizedText) => text[language];
  const two = (own: LocalizedText[], fallback: LocalizedText[]) => [...own, ...fallback].slice(0, 2).map(say);
  const formLabels = Object.values((definition.form as { properties?: Record<string, { label?: LocalizedText }> } | undefined)?.properties ?? {})
    .flatMap((field) => (field.label ? [field.label] : []));
  const task = steps.find((s) => s.type === 'userTask');
  const window = steps.find((s) => s.type === 'citizenWindow');
  const refusal = steps.find((s) => s.type === 'end' && s.motivation);
  const forwarding = steps.find((s) => s.type === 'end' && s.forwardedTo);
  const clock = Object.values(definition.clocks ?? {})[0];
  return {
    language,
    audience,
    trackingNumber: SAMPLE_TRACKING_NUMBER,
    procedure: definition.title?.[language] ?? definition.id,
    now,
    dueAt: new Date(now.getTime() + 14 * DAY_MS),
    tasks: [say(task?.type === 'userTask' ? task.title : FALLBACK.task)],
    documents: two((definition.documents ?? []).map((d) => d.label), FALLBACK.documents),
    fields: two(formLabels, FALLBACK.fields),
    action: say(window?.type === 'citizenWindow' ? window.action.label : FALLBACK.action),
    outcome: 'none',
    motivation: say(refusal?.type === 'end' && refusal.motivation ? refusal.motivation : FALLBACK.motivation),
    forwardedTo: say(forwarding?.type === 'end' && forwarding.forwardedTo ? forwarding.forwardedTo : FALLBACK.forwardedTo),
    reason: say(FALLBACK.reason),
    clock: say(clock?.label ?? FALLBACK.clock),
  };
}

/** Whether a refusal keeps this message from rendering in `language`: one in another language does not. */
function blocks(pointer: string, name: string, language: Language): boolean {
  const rest = pointer.slice(`/messages/${name}`.length);
  const part = /^\/(title|text)\/(ar|fr|en)$/.exec(rest);
  return !part || part[2] === language;
}

/**
 * Each message of the definition in one language, for one audience. `problems` are what the checker
 * (registry/catalogue.ts reviewDefinition) found in the definition, errors and warnings: each message
 * lists its own, and is not rendered in a language whose texts it refuses.
 */
export function previewMessages(definition: ProcedureDefinition, problems: FieldError[], options: { language: Language; audience: Audience; now: Date }): MessagePreview[] {
  const { language, audience, now } = options;
  const context = sampleContext(definition, language, audience, now);
  return Object.entries(definition.messages ?? {}).map(([name, message]) => {
    const own = problems
      .filter((p) => p.pointer === `/messages/${name}` || p.pointer.startsWith(`/messages/${name}/`))
      .map((p) => ({ pointer: p.pointer, message: p.message, severity: p.severity === 'warning' ? ('warning' as const) : ('error' as const) }));
    const refused = own.some((p) => p.severity === 'error' && blocks(p.pointer, name, language));
    const rendered = refused ? undefined : renderProcedureMessage(message, context);
    return { name, subject: rendered?.subject ?? null, text: rendered?.text ?? null, problems: own };
  });
}
