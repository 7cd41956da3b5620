/**
 * The digital guide of administrative procedures, generated from the definitions so that what citizens
 * read is what the engine enforces.
 */
import type { PinnedProcedure } from '../engine/interpreter/state.js';
import type { Budget, Clock, Extension, LocalizedText, ProcedureDefinition, Step } from '../engine/definition.generated.js';
import { SERVICE_ACTIVITIES, isServiceActivity } from '../engine/service-activities.js';
import { durationParts } from '../engine/deadline/duration.js';
import { LOCALES } from '../notifications/wording.js';
import { categoryLabel } from './categories.js';

export const LANGUAGES = ['ar', 'fr', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

type Phrases = Record<Language, string>;

const WORDS = {
  workingDays: { ar: 'يوم عمل', fr: 'jours ouvrables', en: 'working days' },
  calendarDays: { ar: 'يوما', fr: 'jours calendaires', en: 'calendar days' },
  months: { ar: 'شهر', fr: 'mois', en: 'calendar months' },
  fromFiling: { ar: 'ابتداء من إيداع الطلب', fr: 'à compter du dépôt de la demande', en: 'from the filing of the application' },
  fromCompleteFile: { ar: 'ابتداء من استكمال الملف', fr: 'à compter du dossier complet', en: 'from the complete file' },
  fromStep: { ar: 'ابتداء من مرحلة', fr: "à compter de l'étape", en: 'from the step' },
  autoApprove: {
    ar: 'السكوت يعتبر موافقة: عند انقضاء الأجل دون جواب يعتبر الطلب مقبولا وتسلم شهادة بذلك.',
    fr: "Le silence vaut accord : sans réponse dans le délai, la demande est réputée acceptée et une attestation est délivrée.",
    en: 'Silence means consent: without an answer by the deadline the application is deemed granted, and an attestation says so.',
  },
  autoReject: {
    ar: 'عند انقضاء الأجل دون جواب يعتبر الطلب مرفوضا ويمكن الطعن فيه.',
    fr: 'Sans réponse dans le délai, la demande est réputée rejetée ; un recours est ouvert.',
    en: 'Without an answer by the deadline the application is deemed refused; it can then be appealed.',
  },
  escalate: {
    ar: 'عند انقضاء الأجل يحال الملف على الرئيس المباشر.',
    fr: 'À l’expiration du délai, le dossier est transmis au supérieur hiérarchique.',
    en: 'When the deadline passes, the file goes to a supervisor.',
  },
  goto: {
    ar: 'عند انقضاء الأجل ينتقل الملف إلى مرحلة أخرى من المسطرة.',
    fr: 'À l’expiration du délai, le dossier passe à une autre étape de la procédure.',
    en: 'When the deadline passes, the file moves on to another step of the procedure.',
  },
  notify: { ar: 'عند انقضاء الأجل يتم إشعار المسؤولين.', fr: 'À l’expiration du délai, les responsables sont avertis.', en: 'When the deadline passes, the officials in charge are alerted.' },
  forwardedTo: { ar: 'إحالة الطلب على', fr: 'Transmission de la demande à', en: 'Forwarding of the application to' },
  extension: {
    ar: 'يمكن تمديد الأجل',
    fr: 'Le délai peut être prolongé',
    en: 'The deadline can be extended',
  },
  times: { ar: 'مرة', fr: 'fois', en: 'time(s)' },
  by: { ar: 'بـ', fr: 'de', en: 'by' },
  withNotice: { ar: 'مع إشعار معلل مسبق', fr: 'avec un avis motivé préalable', en: 'with prior, reasoned notice' },
  decision: { ar: 'قرار حسب معطيات الملف', fr: 'Décision selon les données du dossier', en: 'Decision on the data of the file' },
  parallel: { ar: 'دراسة متزامنة من طرف', fr: 'Examen en parallèle par', en: 'Reviewed side by side by' },
  complement: { ar: 'قد يطلب منك استكمال الوثائق', fr: 'Des pièces manquantes peuvent vous être demandées', en: 'You may be asked for missing documents' },
  once: { ar: 'مرة واحدة فقط', fr: 'une seule fois', en: 'only once' },
  wait: { ar: 'انتظار', fr: 'Attente de', en: 'Waiting period of' },
  window: { ar: 'يمكنك خلال', fr: 'Vous disposez de', en: 'You have' },
  windowTo: { ar: 'القيام بما يلي:', fr: 'pour :', en: 'to:' },
  waitUntil: { ar: 'انتظار التاريخ المحدد في الملف', fr: 'Attente de la date fixée dans le dossier', en: 'Waiting until the date set in the file' },
  free: { ar: 'مجانا', fr: 'Gratuit', en: 'Free of charge' },
  fetched: { ar: 'تحصل عليها الإدارة بنفسها', fr: "obtenu par l'administration elle-même", en: 'obtained by the administration itself' },
  optional: { ar: 'اختيارية', fr: 'facultatif', en: 'optional' },
  unconfirmed: { ar: 'غير مؤكد', fr: 'non confirmé', en: 'unconfirmed' },
  noDocuments: { ar: 'لا وثيقة مطلوبة', fr: 'Aucune pièce à fournir', en: 'No documents to hand in' },
  noDocumentsInternal: {
    ar: 'لا شيء: يودع موظفو المكتب هذا الملف، ولا يقدم فيه أي مواطن وثيقة',
    fr: "Aucune : le personnel du bureau ouvre ce dossier ; aucun citoyen n'y remet de pièce",
    en: "None: the office's staff open this file; no citizen hands anything in",
  },
  clockBefore: { ar: 'قبل التاريخ المحدد في الملف', fr: 'avant la date fixée dans le dossier', en: 'before the date set in the file' },
  clockAfter: { ar: 'بعد التاريخ المحدد في الملف', fr: 'après la date fixée dans le dossier', en: 'after the date set in the file' },
} satisfies Record<string, Phrases>;

const OUTCOMES: Record<string, Phrases> = {
  approved: { ar: 'قبول', fr: 'Acceptation', en: 'Approval' },
  rejected: { ar: 'رفض', fr: 'Refus', en: 'Refusal' },
  withdrawn: { ar: 'سحب الطلب', fr: 'Retrait', en: 'Withdrawal' },
  closed: { ar: 'حفظ الملف', fr: 'Clôture', en: 'Closure' },
  partiallyGranted: { ar: 'قبول جزئي', fr: 'Acceptation partielle', en: 'Partial grant' },
  forwarded: { ar: 'إحالة على الجهة المختصة', fr: "Transmission à l'autorité compétente", en: 'Forwarding to the competent body' },
};

/** Where a procedure is filed, in words; `internal` says who files it, since no citizen does. */
const CHANNELS: Record<ProcedureDefinition['channels'][number], Phrases> = {
  web: { ar: 'عبر البوابة الإلكترونية', fr: 'en ligne, sur le portail', en: 'online, on the portal' },
  kiosk: { ar: 'في الكشك الرقمي', fr: 'à une borne', en: 'at a kiosk' },
  counter: { ar: 'لدى الشباك', fr: 'au guichet', en: 'at the counter' },
  internal: {
    ar: 'مسطرة داخلية: يودعها موظفو المكتب، ولا يقدم المواطنون طلبا بشأنها',
    fr: 'procédure interne : le personnel du bureau la dépose, les citoyens ne la demandent pas',
    en: "internal procedure: the office's staff file it; citizens do not apply for it",
  },
};

function channelText(channel: string, lang: Language): string {
  return CHANNELS[channel as keyof typeof CHANNELS]?.[lang] ?? channel;
}

export function pickLanguage(requested: string | undefined, acceptLanguage?: string): Language {
  const candidates = [requested, ...(acceptLanguage ?? '').split(',').map((p) => p.split(';')[0]?.trim())];
  for (const c of candidates) {
    const base = c?.slice(0, 2).toLowerCase();
    if (base && (LANGUAGES as readonly string[]).includes(base)) return base as Language;
  }
  return 'fr';
}

// ES2023's lib has no type for Intl.DurationFormat yet, though Node 24 has it: the little used here.
const { DurationFormat } = Intl as unknown as { DurationFormat: new (locale: string, options: { style: 'long' }) => { format(parts: object): string } };

function budgetText(budget: Budget, lang: Language): string {
  if ('workingDays' in budget) return `${budget.workingDays} ${WORDS.workingDays[lang]}`;
  if ('calendarDays' in budget) return `${budget.calendarDays} ${WORDS.calendarDays[lang]}`;
  if ('months' in budget) return `${budget.months} ${WORDS.months[lang]}`;
  const parts = durationParts(budget.duration);
  return parts ? new DurationFormat(LOCALES[lang], { style: 'long' }).format(parts) : budget.duration;
}

/** The unit an extension adds in: the budget's own. */
function unitText(budget: Budget, lang: Language): string {
  if ('workingDays' in budget) return WORDS.workingDays[lang];
  if ('months' in budget) return WORDS.months[lang];
  return WORDS.calendarDays[lang];
}

function extensionText(extension: Extension | undefined, budget: Budget, lang: Language): string | null {
  if (!extension) return null;
  return `${WORDS.extension[lang]} ${extension.maxCount} ${WORDS.times[lang]} ${WORDS.by[lang]} ${extension.units} ${unitText(budget, lang)}${
    extension.noticeRequired ? `, ${WORDS.withNotice[lang]}` : ''
  }.`;
}

/** The steps a citizen's file goes through, in the order they are first met from the start. */
function stepsInOrder(definition: ProcedureDefinition): Array<[string, Step]> {
  const order: Array<[string, Step]> = [];
  const seen = new Set<string>();
  const queue = [definition.start];
  while (queue.length) {
    const id = queue.shift()!;
    const step = definition.steps[id];
    if (!step || seen.has(id)) continue;
    seen.add(id);
    order.push([id, step]);
    const next: string[] = [];
    switch (step.type) {
      case 'userTask': next.push(...Object.values(step.outcomes).map((t) => t.next)); break;
      case 'parallel': next.push(...Object.values(step.branches).map((b) => b.start), step.next); break;
      case 'decision': next.push(...step.cases.map((c) => c.next), step.otherwise); break;
      case 'requestComplement': next.push(step.next, step.onTimeout); break;
      case 'citizenWindow': next.push(step.next, step.onExpiry); break;
      case 'serviceTask': case 'wait': case 'notify': next.push(step.next); break;
      case 'join': case 'end': break;
    }
    queue.push(...next);
  }
  return order;
}

function stepText(definition: ProcedureDefinition, step: Step, lang: Language): string | undefined {
  const t = (text: LocalizedText) => text[lang];
  switch (step.type) {
    case 'userTask':
      return t(step.title);
    case 'serviceTask':
      return isServiceActivity(step.activity) && lang === 'en' ? SERVICE_ACTIVITIES[step.activity].description : undefined;
    case 'decision':
      return WORDS.decision[lang];
    case 'parallel':
      return `${WORDS.parallel[lang]} ${Object.entries(step.branches).map(([id, b]) => (b.label ? t(b.label) : id)).join(', ')}`;
    case 'requestComplement': {
      const docs = step.documents
        .map((id) => definition.documents.find((d) => d.id === id))
        .map((d) => (d ? t(d.label) : ''))
        .filter(Boolean)
        .join(', ');
      return `${WORDS.complement[lang]}${step.onlyOnce ? ` (${WORDS.once[lang]})` : ''}: ${docs}`;
    }
    case 'wait':
      return step.for ? `${WORDS.wait[lang]} ${budgetText(step.for, lang)}` : WORDS.waitUntil[lang];
    case 'citizenWindow':
      return `${WORDS.window[lang]} ${budgetText(step.within, lang)} ${WORDS.windowTo[lang]} ${t(step.action.label)}`;
    case 'end':
      if (step.forwardedTo) return `${WORDS.forwardedTo[lang]} ${t(step.forwardedTo)}`;
      return `${OUTCOMES[step.outcome]?.[lang] ?? step.outcome}${step.document ? ` — ${step.document}` : ''}`;
    case 'notify':
    case 'join':
      return undefined;
  }
}

const QUOTES: Record<Language, (text: string) => string> = { ar: (x) => `«${x}»`, fr: (x) => `« ${x} »`, en: (x) => `“${x}”` };

/** Where a step is named for people: a task's title, a window's action, else its id. */
function stepName(definition: ProcedureDefinition, id: string, lang: Language): string {
  const step = definition.steps[id];
  if (step?.type === 'userTask') return step.title[lang];
  if (step?.type === 'citizenWindow') return step.action.label[lang];
  return id;
}

/** A named clock's rule in words: how long, counted from what (the filing, a step, a date in the file). */
function clockRule(definition: ProcedureDefinition, clock: Clock, lang: Language): string {
  if (clock.from) {
    const [budget, side] = 'before' in clock.from ? [clock.from.before, WORDS.clockBefore] : [clock.from.after, WORDS.clockAfter];
    return `${budgetText(budget, lang)} ${side[lang]}`;
  }
  const start = clock.startsOn === 'stepEntry' && clock.step ? `${WORDS.fromStep[lang]} ${QUOTES[lang](stepName(definition, clock.step, lang))}` : WORDS.fromFiling[lang];
  return clock.budget ? `${budgetText(clock.budget, lang)} ${start}` : start;
}

export function guideEntry(procedure: PinnedProcedure, lang: Language) {
  const d = procedure.definition;
  const deadline = d.deadline;
  const starts =
    deadline.startsOn === 'filing' ? WORDS.fromFiling[lang] : deadline.startsOn === 'completeFile' ? WORDS.fromCompleteFile[lang] : `${WORDS.fromStep[lang]} ${deadline.step}`;
  const extension = extensionText(deadline.extension, deadline.budget, lang);
  const basisView = (basis: typeof d.legalBasis) => ({ law: basis.law, articles: basis.articles ?? [], note: basis.note, confirmed: basis.confirmed });
  return {
    id: d.id,
    version: d.version,
    language: lang,
    title: d.title[lang],
    description: d.description[lang],
    eligibility: d.eligibility?.[lang] ?? null,
    category: d.category,
    categoryLabel: categoryLabel(d.category, lang),
    offices: d.offices,
    channels: d.channels,
    documents: d.documents.map((doc) => ({
      id: doc.id,
      label: doc.label[lang],
      formats: doc.formats,
      maxSizeMb: doc.maxSizeMb,
      optional: doc.optional ?? false,
      fetchedByAdministration: doc.fetchedByAdministration ?? false,
    })),
    fees: d.fees.map((f) => ({ label: f.label[lang], amountMad: f.amountMad, note: f.note?.[lang] ?? null })),
    steps: stepsInOrder(d)
      .map(([id, step]) => ({ id, kind: step.type, text: stepText(d, step, lang) }))
      .filter((s): s is { id: string; kind: Step['type']; text: string } => s.text !== undefined),
    legalDeadline: {
      budget: budgetText(deadline.budget, lang),
      variants: (deadline.variants ?? []).map((v) => ({
        budget: budgetText(v.budget, lang),
        label: v.label?.[lang] ?? null,
        // A variant's own extension replaces the deadline's; null: the deadline's applies.
        extension: extensionText(v.extension, v.budget, lang),
      })),
      startsOn: starts,
      extension,
      onExpiry: WORDS[deadline.onExpiry.action][lang],
      legalBasis: deadline.legalBasis ? basisView(deadline.legalBasis) : null,
    },
    legalBasis: basisView(d.legalBasis),
    clocks: Object.values(d.clocks ?? {}).map((clock) => ({
      label: clock.label[lang],
      rule: clockRule(d, clock, lang),
      legalBasis: basisView(clock.legalBasis),
    })),
  };
}

export type GuideEntry = ReturnType<typeof guideEntry>;

export function guideMarkdown(entries: GuideEntry[], lang: Language): string {
  const headings = {
    ar: { docs: 'الوثائق المطلوبة', fees: 'الرسوم', steps: 'المراحل', deadline: 'الأجل القانوني', clocks: 'آجال أخرى', basis: 'السند القانوني', who: 'من يمكنه الطلب', channels: 'قنوات الإيداع', category: 'الصنف' },
    fr: { docs: 'Pièces à fournir', fees: 'Frais', steps: 'Étapes', deadline: 'Délai légal', clocks: 'Autres délais', basis: 'Base légale', who: 'Qui peut demander', channels: 'Canaux de dépôt', category: 'Catégorie' },
    en: { docs: 'Documents', fees: 'Fees', steps: 'Steps', deadline: 'Legal deadline', clocks: 'Other deadlines', basis: 'Legal basis', who: 'Who may apply', channels: 'Where to file', category: 'Category' },
  }[lang];
  const lines: string[] = [];
  for (const e of entries) {
    lines.push(`## ${e.title}`, '', e.description, '', `**${headings.category}:** ${e.categoryLabel}`, '');
    if (e.eligibility) lines.push(`**${headings.who}:** ${e.eligibility}`, '');
    lines.push(`**${headings.channels}:** ${e.channels.map((c) => channelText(c, lang)).join(', ')}`, '');
    lines.push(`### ${headings.docs}`, '');
    for (const doc of e.documents) {
      const notes = [doc.formats.join('/'), `≤ ${doc.maxSizeMb} MB`, ...(doc.optional ? [WORDS.optional[lang]] : []), ...(doc.fetchedByAdministration ? [WORDS.fetched[lang]] : [])];
      lines.push(`- ${doc.label} (${notes.join(', ')})`);
    }
    if (!e.documents.length) lines.push(`- ${(e.channels.includes('internal') ? WORDS.noDocumentsInternal : WORDS.noDocuments)[lang]}`);
    lines.push('', `### ${headings.fees}`, '');
    lines.push(...(e.fees.length ? e.fees.map((f) => `- ${f.label}: ${f.amountMad} MAD${f.note ? ` (${f.note})` : ''}`) : [`- ${WORDS.free[lang]}`]));
    lines.push('', `### ${headings.steps}`, '', ...e.steps.map((s, i) => `${i + 1}. ${s.text}`));
    lines.push('', `### ${headings.deadline}`, '', `${e.legalDeadline.budget} ${e.legalDeadline.startsOn}.`);
    for (const v of e.legalDeadline.variants) {
      lines.push(`${v.budget}${v.label ? `: ${v.label}` : ''}.`);
      if (v.extension) lines.push(v.extension);
    }
    if (e.legalDeadline.extension) lines.push(e.legalDeadline.extension);
    lines.push(e.legalDeadline.onExpiry, '');
    const deadlineBasis = e.legalDeadline.legalBasis;
    if (deadlineBasis) lines.push(`${deadlineBasis.law}. ${deadlineBasis.note}${deadlineBasis.confirmed ? '' : ` [${WORDS.unconfirmed[lang]}]`}`, '');
    if (e.clocks.length) {
      lines.push(`### ${headings.clocks}`, '');
      for (const clock of e.clocks) lines.push(`- **${clock.label}:** ${clock.rule}${clock.legalBasis.confirmed ? '' : ` [${WORDS.unconfirmed[lang]}]`}`);
      lines.push('');
    }
    const articles = e.legalBasis.articles.length ? ` (${e.legalBasis.articles.join(', ')})` : '';
    lines.push(`### ${headings.basis}`, '', `${e.legalBasis.law}${articles}. ${e.legalBasis.note}${e.legalBasis.confirmed ? '' : ` [${WORDS.unconfirmed[lang]}]`}`, '');
  }
  return lines.join('\n');
}
