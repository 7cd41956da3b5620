import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../infra/config.js';
import { EVENT_TEMPLATES, PROCEDURE_TEMPLATES, renderMessage, type MessageContext } from './templates.js';
import { LANGUAGES, type Language } from './types.js';
import { formatDuration, internationalPhone, timeLeft } from './wording.js';
import { DEFINITION_FILE } from '../registry/catalogue.js';

const now = new Date('2026-11-23T09:00:00Z');

function context(language: Language, overrides: Partial<MessageContext> = {}): MessageContext {
  return {
    language,
    audience: 'citizen',
    trackingNumber: '7KQM-4RZ8-P',
    procedure: { ar: 'شهادة السكنى', fr: 'Certificat de résidence', en: 'Residence certificate' }[language],
    now,
    dueAt: new Date('2026-11-25T16:30:00Z'),
    tasks: [],
    documents: [],
    ...overrides,
  };
}

/** French puts a space before a colon; Arabic is in its own script. */
const arabic = /[\u0600-\u06FF]{3}/;
const written: Record<Language, (text: string) => boolean> = {
  ar: (text) => text.startsWith('Mohla: ') && arabic.test(text),
  fr: (text) => text.startsWith('Mohla : ') && !arabic.test(text),
  en: (text) => text.startsWith('Mohla: ') && !arabic.test(text),
};
const taskTitle: Record<Language, string> = { ar: 'التحقق من الملف', fr: 'Vérifier le dossier', en: 'Check the file' };

describe('message templates', () => {
  const shippedTemplates = readdirSync(path.join(PROJECT_ROOT, 'procedures'))
    .filter((f) => DEFINITION_FILE.test(f))
    .flatMap((f) => {
      const definition = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'procedures', f), 'utf8')) as {
        steps: Record<string, { type: string; template?: string }>;
        messages?: Record<string, unknown>;
      };
      // A message the definition words itself needs none here.
      return Object.values(definition.steps).flatMap((s) => (s.type === 'notify' && s.template && !(s.template in (definition.messages ?? {})) ? [s.template] : []));
    });

  it('has a message for every template a shipped procedure names and does not word itself', () => {
    expect(shippedTemplates.length).toBeGreaterThan(10);
    expect(shippedTemplates.filter((t) => !(t in PROCEDURE_TEMPLATES))).toEqual([]);
  });

  const every = [...Object.keys(EVENT_TEMPLATES), ...Object.keys(PROCEDURE_TEMPLATES)];
  for (const language of LANGUAGES) {
    it(`renders every template in ${language}, naming the application`, () => {
      for (const name of every) {
        for (const audience of ['citizen', 'staff'] as const) {
          const message = renderMessage(name, context(language, { audience, tasks: [taskTitle[language]], documents: ['CIN'], outcome: 'rejected', motivation: 'x' }));
          expect(message.text, `${name} ${audience}`).toContain('7KQM-4RZ8-P');
          expect(message.subject).toContain('7KQM-4RZ8-P');
          expect(written[language](message.text), `${name} in ${language}: ${message.text}`).toBe(true);
          expect(message.text).not.toMatch(/undefined|\[object|\.\.|\s{2}/);
        }
      }
    });
  }

  it("tells staff the application, the task and the time left", () => {
    // 16:30 UTC is 16:30 in Casablanca: Morocco has been on UTC+0 since 20 September 2026 (tzdata 2026e).
    const fr = renderMessage('deadlineWarning', context('fr', { audience: 'staff', tasks: ['Vérifier le dossier'] }));
    expect(fr.text).toBe(
      'Mohla : échéance proche pour la demande 7KQM-4RZ8-P (« Certificat de résidence ») – tâche : « Vérifier le dossier ». Temps restant : 2 jours et 7 heures (échéance le 25 novembre 2026 à 16:30).',
    );
    const ar = renderMessage('deadlineWarning', context('ar', { audience: 'staff', tasks: ['التحقق من الملف'] }));
    expect(ar.text).toContain('المدة المتبقية: يومان و7 ساعات');
    expect(ar.text).toContain('«التحقق من الملف»');
    const en = renderMessage('escalation', context('en', { audience: 'staff', tasks: ['Check the file'], now: new Date('2026-11-25T18:30:00Z') }));
    expect(en.text).toContain('Overdue by 2 hours');
    expect(en.text).toContain('“Check the file”');
  });

  it('says what a decision means for the citizen, with the motivation', () => {
    expect(renderMessage('decision', context('fr', { outcome: 'rejected', motivation: 'Dossier incomplet.' })).text).toContain('est refusée. Motif : Dossier incomplet.');
    expect(renderMessage('grantedBySilence', context('en')).text).toContain('silence means consent');
    expect(renderMessage('complementRequested', context('fr', { documents: ['Copie de la CNIE', 'Plan'], paused: true })).text).toContain(
      'merci de fournir : Copie de la CNIE et Plan. Le délai de traitement est suspendu',
    );
  });

  it('tells the citizen what they may do and until when, and which fields to enter again', () => {
    const opened = renderMessage('windowOpened', context('fr', { action: 'Réclamer auprès du chef de l’organisme' }));
    expect(opened.text).toBe(
      'Mohla : pour votre demande 7KQM-4RZ8-P (« Certificat de résidence »), vous pouvez « Réclamer auprès du chef de l’organisme » jusqu’au 25 novembre 2026 à 16:30, depuis la page de suivi de la demande.',
    );
    const fields = renderMessage('complementRequested', context('en', { fields: ['Period concerned'] }));
    expect(fields.text).toBe('Mohla: to complete your file 7KQM-4RZ8-P (“Residence certificate”), please enter again or clarify: Period concerned.');
    const both = renderMessage('complementRequested', context('ar', { documents: ['نسخة من البطاقة'], fields: ['الفترة'] }));
    expect(both.text).toContain('الإدلاء بما يلي: نسخة من البطاقة، وإعادة ملء الخانات التالية أو توضيحها: الفترة.');
  });

  it('says a partial grant is partly a refusal, with its motivation, in every language', () => {
    const partly = (language: Language) => renderMessage('decision', context(language, { outcome: 'partiallyGranted', motivation: 'x' })).text;
    expect(partly('fr')).toBe('Mohla : votre demande 7KQM-4RZ8-P (« Certificat de résidence ») est acceptée en partie. Motif du refus du reste : x');
    expect(partly('en')).toBe('Mohla: your application 7KQM-4RZ8-P (“Residence certificate”) is granted in part. Why the rest is refused: x');
    expect(partly('ar')).toBe('Mohla: طلبكم 7KQM-4RZ8-P («شهادة السكنى»): تمت الموافقة عليه جزئيا. تعليل رفض الباقي: x');
  });

  it('names the competent body a forwarded application went to, in every language', () => {
    const bodies: Record<Language, string> = { ar: 'وزارة الداخلية', fr: 'le ministère de l’Intérieur', en: 'the ministry of the interior' };
    const forwarded = (language: Language) => renderMessage('decision', context(language, { outcome: 'forwarded', forwardedTo: bodies[language] })).text;
    expect(forwarded('fr')).toBe('Mohla : votre demande 7KQM-4RZ8-P (« Certificat de résidence ») est transmise à l’autorité compétente pour y répondre : le ministère de l’Intérieur.');
    expect(forwarded('en')).toBe('Mohla: your application 7KQM-4RZ8-P (“Residence certificate”) is forwarded to the body competent to answer it: the ministry of the interior.');
    expect(forwarded('ar')).toBe('Mohla: طلبكم 7KQM-4RZ8-P («شهادة السكنى»): أحيل على الجهة المختصة بالبت فيه: وزارة الداخلية.');
  });

  it('still says something for a template nobody wrote yet', () => {
    expect(renderMessage('new-procedure.something', context('en')).text).toContain('there is news about your application 7KQM-4RZ8-P');
  });
});

describe('wording', () => {
  it('counts in Arabic as Arabic does', () => {
    const day = 86_400_000;
    expect(formatDuration('ar', day)).toBe('يوم واحد');
    expect(formatDuration('ar', 2 * day)).toBe('يومان');
    expect(formatDuration('ar', 5 * day)).toBe('5 أيام');
    expect(formatDuration('ar', 15 * day)).toBe('15 يوما');
    expect(formatDuration('fr', day + 3_600_000)).toBe('1 jour et 1 heure');
    expect(formatDuration('en', 90_000)).toBe('2 minutes');
    expect(timeLeft('fr', new Date(0), new Date(7_200_000))).toBe('en retard de 2 heures');
  });

  it('writes Moroccan phone numbers as gateways want them', () => {
    expect(internationalPhone('06 12 34 56 78')).toBe('+212612345678');
    expect(internationalPhone('212612345678')).toBe('+212612345678');
    expect(internationalPhone('+212 612-345678')).toBe('+212612345678');
    expect(internationalPhone('0033612345678')).toBe('+33612345678');
  });
});
