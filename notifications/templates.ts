/**
 * What Mohla says, in Arabic, French and English. The engine names a template per event (filed,
 * complementRequested, …); procedure definitions name their own in `notify` steps
 * (`<procedure>.<message>`). Messages are short enough for an SMS and say everything a person needs
 * without opening the portal: the tracking number, the procedure, the date or the time left.
 */
import { formatInstant, formatList, timeLeft } from './wording.js';
import type { Language } from './types.js';

export type Audience = 'citizen' | 'staff';

/** Everything a message may mention, already in the recipient's language. */
export interface MessageContext {
  language: Language;
  audience: Audience;
  trackingNumber: string;
  /** The procedure's title in the recipient's language. */
  procedure: string;
  now: Date;
  /** The due instant the message is about (the legal deadline, or a task's service level). */
  dueAt?: Date;
  /** Titles of the tasks concerned (staff alerts). */
  tasks: string[];
  /** Labels of the documents asked for (complement requests). */
  documents: string[];
  /** Labels of the form's fields the citizen is asked to enter again (complement requests, language 2). */
  fields?: string[];
  /** What the citizen may do in a window that opened (language 2), e.g. "Complain to the head of the body". */
  action?: string;
  /** The legal deadline is paused (waiting for the citizen). */
  paused?: boolean;
  outcome?: string;
  /** The reason of a refusal or a closure, in the recipient's language when the definition gives it. */
  motivation?: string;
  /** The competent body a forwarded application went to, in the recipient's language. */
  forwardedTo?: string;
  reason?: string;
  /** The named clock a warning or expiry is about, by its label in the recipient's language. */
  clock?: string;
  /** The decision's document can be downloaded (its delivery is `download`). */
  downloadable?: boolean;
  /** The postal service's reference of a document sent by post. */
  postalReference?: string;
}

export interface RenderedMessage {
  subject: string;
  text: string;
}

type Texts = Record<Language, (c: MessageContext) => string>;

interface Template {
  /** A few words for the e-mail subject, before the tracking number. */
  title: Record<Language, string>;
  text: Texts;
}

const q = (language: Language, s: string) => (language === 'ar' ? `«${s}»` : language === 'fr' ? `« ${s} »` : `“${s}”`);
const due = (c: MessageContext) => (c.dueAt ? formatInstant(c.language, c.dueAt) : undefined);
const tasks = (c: MessageContext) => (c.tasks.length ? formatList(c.language, c.tasks.map((t) => q(c.language, t))) : undefined);
const left = (c: MessageContext) => (c.dueAt ? timeLeft(c.language, c.dueAt, c.now) : undefined);

const filed: Template = {
  title: { ar: 'تسجيل الطلب', fr: 'Demande enregistrée', en: 'Application registered' },
  text: {
    ar: (c) =>
      `Mohla: تم تسجيل طلبكم ${q('ar', c.procedure)} تحت الرقم ${c.trackingNumber}${due(c) ? `، وأجل البت فيه ${due(c)}` : ''}. احتفظوا بهذا الرقم لتتبع طلبكم.`,
    fr: (c) =>
      `Mohla : votre demande ${q('fr', c.procedure)} est enregistrée sous le n° ${c.trackingNumber}${due(c) ? ` ; réponse au plus tard le ${due(c)}` : ''}. Conservez ce numéro pour la suivre.`,
    en: (c) =>
      `Mohla: your application ${q('en', c.procedure)} is registered as no. ${c.trackingNumber}${due(c) ? `; answer due by ${due(c)}` : ''}. Keep this number to follow it.`,
  },
};

const complementRequested: Template = {
  title: { ar: 'وثائق مطلوبة', fr: 'Pièces à fournir', en: 'Documents needed' },
  text: {
    ar: (c) =>
      `Mohla: لاستكمال ملف طلبكم ${c.trackingNumber} (${q('ar', c.procedure)})، يرجى ${c.documents.length ? `الإدلاء بما يلي: ${formatList('ar', c.documents)}` : ''}${c.documents.length && c.fields?.length ? '، و' : ''}${c.fields?.length ? `إعادة ملء الخانات التالية أو توضيحها: ${formatList('ar', c.fields)}` : ''}.${c.paused ? ' يتوقف احتساب أجل البت إلى حين التوصل بها.' : ''}`,
    fr: (c) =>
      `Mohla : pour compléter votre dossier ${c.trackingNumber} (${q('fr', c.procedure)}), merci de ${c.documents.length ? `fournir : ${formatList('fr', c.documents)}` : ''}${c.documents.length && c.fields?.length ? ', et de ' : ''}${c.fields?.length ? `préciser à nouveau : ${formatList('fr', c.fields)}` : ''}.${c.paused ? ' Le délai de traitement est suspendu jusqu’à leur réception.' : ''}`,
    en: (c) =>
      `Mohla: to complete your file ${c.trackingNumber} (${q('en', c.procedure)}), please ${c.documents.length ? `provide: ${formatList('en', c.documents)}` : ''}${c.documents.length && c.fields?.length ? ', and ' : ''}${c.fields?.length ? `enter again or clarify: ${formatList('en', c.fields)}` : ''}.${c.paused ? ' The processing time limit is suspended until we receive them.' : ''}`,
  },
};

const windowOpened: Template = {
  title: { ar: 'أجل متاح لكم', fr: 'Un délai vous est ouvert', en: 'Your time to act' },
  text: {
    ar: (c) =>
      `Mohla: بخصوص طلبكم ${c.trackingNumber} (${q('ar', c.procedure)})، يمكنكم ${c.action ? q('ar', c.action) : 'التصرف'}${due(c) ? ` إلى غاية ${due(c)}` : ''}، عبر صفحة تتبع الطلب.`,
    fr: (c) =>
      `Mohla : pour votre demande ${c.trackingNumber} (${q('fr', c.procedure)}), vous pouvez ${c.action ? q('fr', c.action) : 'agir'}${due(c) ? ` jusqu’au ${due(c)}` : ''}, depuis la page de suivi de la demande.`,
    en: (c) =>
      `Mohla: on your application ${c.trackingNumber} (${q('en', c.procedure)}) you may ${c.action ? q('en', c.action) : 'act'}${due(c) ? ` until ${due(c)}` : ''}, from the application's page.`,
  },
};

const deadlineWarning: Template = {
  title: { ar: 'اقتراب الأجل', fr: 'Échéance proche', en: 'Deadline approaching' },
  text: {
    ar: (c) =>
      c.audience === 'staff'
        ? `Mohla: اقترب أجل الطلب ${c.trackingNumber} (${q('ar', c.procedure)})${tasks(c) ? ` – المهمة: ${tasks(c)}` : ''}. ${left(c) ?? ''}${due(c) ? ` (ينتهي الأجل ${due(c)})` : ''}.`
        : `Mohla: يقترب أجل البت في طلبكم ${c.trackingNumber} (${q('ar', c.procedure)})${due(c) ? `: ${due(c)}` : ''}.`,
    fr: (c) =>
      c.audience === 'staff'
        ? `Mohla : échéance proche pour la demande ${c.trackingNumber} (${q('fr', c.procedure)})${tasks(c) ? ` – tâche : ${tasks(c)}` : ''}. ${capitalise(left(c) ?? '')}${due(c) ? ` (échéance le ${due(c)})` : ''}.`
        : `Mohla : le délai de traitement de votre demande ${c.trackingNumber} (${q('fr', c.procedure)}) arrive à échéance${due(c) ? ` le ${due(c)}` : ''}.`,
    en: (c) =>
      c.audience === 'staff'
        ? `Mohla: deadline approaching for application ${c.trackingNumber} (${q('en', c.procedure)})${tasks(c) ? ` – task: ${tasks(c)}` : ''}. ${capitalise(left(c) ?? '')}${due(c) ? ` (due ${due(c)})` : ''}.`
        : `Mohla: the time limit of your application ${c.trackingNumber} (${q('en', c.procedure)}) is near${due(c) ? `: ${due(c)}` : ''}.`,
  },
};

const deadlineExpired: Template = {
  title: { ar: 'انقضاء الأجل', fr: 'Délai expiré', en: 'Deadline expired' },
  text: {
    ar: (c) =>
      c.audience === 'staff'
        ? `Mohla: انقضى أجل الطلب ${c.trackingNumber} (${q('ar', c.procedure)})${due(c) ? ` في ${due(c)}` : ''}${tasks(c) ? ` – المهمة: ${tasks(c)}` : ''}. ${left(c) ?? ''}. يرجى البت فيه دون تأخير.`
        : `Mohla: انقضى الأجل القانوني لطلبكم ${c.trackingNumber} (${q('ar', c.procedure)})${due(c) ? ` في ${due(c)}` : ''} دون صدور قرار.`,
    fr: (c) =>
      c.audience === 'staff'
        ? `Mohla : le délai de la demande ${c.trackingNumber} (${q('fr', c.procedure)}) a expiré${due(c) ? ` le ${due(c)}` : ''}${tasks(c) ? ` – tâche : ${tasks(c)}` : ''}. ${capitalise(left(c) ?? '')}. Merci de la traiter sans attendre.`
        : `Mohla : le délai légal de votre demande ${c.trackingNumber} (${q('fr', c.procedure)}) a expiré${due(c) ? ` le ${due(c)}` : ''} sans décision.`,
    en: (c) =>
      c.audience === 'staff'
        ? `Mohla: the deadline of application ${c.trackingNumber} (${q('en', c.procedure)}) expired${due(c) ? ` on ${due(c)}` : ''}${tasks(c) ? ` – task: ${tasks(c)}` : ''}. ${capitalise(left(c) ?? '')}. Please deal with it now.`
        : `Mohla: the legal time limit of your application ${c.trackingNumber} (${q('en', c.procedure)}) expired${due(c) ? ` on ${due(c)}` : ''} without a decision.`,
  },
};

/** A clock's name after "the time limit": quoted when the definition labels it. */
const clockName = (c: MessageContext) => (c.clock ? ` ${q(c.language, c.clock)}` : '');

const clockWarning: Template = {
  title: { ar: 'اقتراب أجل', fr: 'Échéance proche', en: 'Time limit approaching' },
  text: {
    ar: (c) =>
      c.audience === 'staff'
        ? `Mohla: اقترب أجل${clockName(c)} الخاص بالطلب ${c.trackingNumber} (${q('ar', c.procedure)})${tasks(c) ? ` – المهمة: ${tasks(c)}` : ''}. ${left(c) ?? ''}${due(c) ? ` (ينتهي الأجل ${due(c)})` : ''}.`
        : `Mohla: يقترب أجل${clockName(c)} الخاص بطلبكم ${c.trackingNumber} (${q('ar', c.procedure)})${due(c) ? `: ${due(c)}` : ''}.`,
    fr: (c) =>
      c.audience === 'staff'
        ? `Mohla : échéance proche du délai${clockName(c)} de la demande ${c.trackingNumber} (${q('fr', c.procedure)})${tasks(c) ? ` – tâche : ${tasks(c)}` : ''}. ${capitalise(left(c) ?? '')}${due(c) ? ` (échéance le ${due(c)})` : ''}.`
        : `Mohla : le délai${clockName(c)} de votre demande ${c.trackingNumber} (${q('fr', c.procedure)}) arrive à échéance${due(c) ? ` le ${due(c)}` : ''}.`,
    en: (c) =>
      c.audience === 'staff'
        ? `Mohla: the time limit${clockName(c)} of application ${c.trackingNumber} (${q('en', c.procedure)}) is near${tasks(c) ? ` – task: ${tasks(c)}` : ''}. ${capitalise(left(c) ?? '')}${due(c) ? ` (due ${due(c)})` : ''}.`
        : `Mohla: the time limit${clockName(c)} of your application ${c.trackingNumber} (${q('en', c.procedure)}) is near${due(c) ? `: ${due(c)}` : ''}.`,
  },
};

const clockExpired: Template = {
  title: { ar: 'انقضاء أجل', fr: 'Délai expiré', en: 'Time limit passed' },
  text: {
    ar: (c) =>
      c.audience === 'staff'
        ? `Mohla: انقضى أجل${clockName(c)} الخاص بالطلب ${c.trackingNumber} (${q('ar', c.procedure)})${due(c) ? ` في ${due(c)}` : ''}${tasks(c) ? ` – المهمة: ${tasks(c)}` : ''}.`
        : `Mohla: انقضى أجل${clockName(c)} الخاص بطلبكم ${c.trackingNumber} (${q('ar', c.procedure)})${due(c) ? ` في ${due(c)}` : ''}.`,
    fr: (c) =>
      c.audience === 'staff'
        ? `Mohla : le délai${clockName(c)} de la demande ${c.trackingNumber} (${q('fr', c.procedure)}) a expiré${due(c) ? ` le ${due(c)}` : ''}${tasks(c) ? ` – tâche : ${tasks(c)}` : ''}.`
        : `Mohla : le délai${clockName(c)} de votre demande ${c.trackingNumber} (${q('fr', c.procedure)}) a expiré${due(c) ? ` le ${due(c)}` : ''}.`,
    en: (c) =>
      c.audience === 'staff'
        ? `Mohla: the time limit${clockName(c)} of application ${c.trackingNumber} (${q('en', c.procedure)}) passed${due(c) ? ` on ${due(c)}` : ''}${tasks(c) ? ` – task: ${tasks(c)}` : ''}.`
        : `Mohla: the time limit${clockName(c)} of your application ${c.trackingNumber} (${q('en', c.procedure)}) passed${due(c) ? ` on ${due(c)}` : ''}.`,
  },
};

const escalation: Template = {
  title: { ar: 'إحالة ملف متأخر', fr: 'Dossier en retard transmis', en: 'Overdue file escalated' },
  text: {
    ar: (c) =>
      c.audience === 'staff'
        ? `Mohla: أحيل إليكم الطلب ${c.trackingNumber} (${q('ar', c.procedure)}) بعد انقضاء أجله${due(c) ? ` في ${due(c)}` : ''}${tasks(c) ? ` – المهمة: ${tasks(c)}` : ''}. ${left(c) ?? ''}.`
        : `Mohla: تأخرت معالجة طلبكم ${c.trackingNumber} (${q('ar', c.procedure)})، وقد أحيل على مسؤول للبت فيه.`,
    fr: (c) =>
      c.audience === 'staff'
        ? `Mohla : la demande ${c.trackingNumber} (${q('fr', c.procedure)}) vous est transmise, son délai ayant expiré${due(c) ? ` le ${due(c)}` : ''}${tasks(c) ? ` – tâche : ${tasks(c)}` : ''}. ${capitalise(left(c) ?? '')}.`
        : `Mohla : le traitement de votre demande ${c.trackingNumber} (${q('fr', c.procedure)}) a pris du retard ; elle a été transmise à un responsable.`,
    en: (c) =>
      c.audience === 'staff'
        ? `Mohla: application ${c.trackingNumber} (${q('en', c.procedure)}) is escalated to you, its deadline having expired${due(c) ? ` on ${due(c)}` : ''}${tasks(c) ? ` – task: ${tasks(c)}` : ''}. ${capitalise(left(c) ?? '')}.`
        : `Mohla: your application ${c.trackingNumber} (${q('en', c.procedure)}) is late; it has been referred to a supervisor.`,
  },
};

/** The sentence a decision adds when its document is to be downloaded. */
const DOWNLOAD: Record<Language, string> = {
  ar: ' يمكنكم تحميل الوثيقة من فضائكم على Mohla.',
  fr: ' Le document peut être téléchargé depuis votre espace Mohla.',
  en: ' The document can be downloaded from your Mohla space.',
};
const download = (language: Language, c: MessageContext): string => (c.downloadable ? DOWNLOAD[language] : '');

const decision: Template = {
  title: { ar: 'القرار', fr: 'Décision', en: 'Decision' },
  text: {
    ar: (c) => {
      const head = `Mohla: طلبكم ${c.trackingNumber} (${q('ar', c.procedure)})`;
      const why = c.motivation ? ` ${c.motivation}` : '';
      switch (c.outcome) {
        case 'approved':
          return `${head}: تمت الموافقة عليه.${why}${download('ar', c)}`;
        case 'rejected':
          return `${head}: تم رفضه.${c.motivation ? ` التعليل: ${c.motivation}` : ''}${download('ar', c)}`;
        case 'partiallyGranted':
          return `${head}: تمت الموافقة عليه جزئيا.${c.motivation ? ` تعليل رفض الباقي: ${c.motivation}` : ''}${download('ar', c)}`;
        case 'forwarded':
          return `${head}: أحيل على الجهة المختصة بالبت فيه${c.forwardedTo ? `: ${c.forwardedTo}` : ''}.${why}`;
        case 'withdrawn':
          return `${head}: تم سحبه بناء على رغبتكم.`;
        default:
          return `${head}: تم إغلاقه.${why}`;
      }
    },
    fr: (c) => {
      const head = `Mohla : votre demande ${c.trackingNumber} (${q('fr', c.procedure)})`;
      const why = c.motivation ? ` ${c.motivation}` : '';
      switch (c.outcome) {
        case 'approved':
          return `${head} est acceptée.${why}${download('fr', c)}`;
        case 'rejected':
          return `${head} est refusée.${c.motivation ? ` Motif : ${c.motivation}` : ''}${download('fr', c)}`;
        case 'partiallyGranted':
          return `${head} est acceptée en partie.${c.motivation ? ` Motif du refus du reste : ${c.motivation}` : ''}${download('fr', c)}`;
        case 'forwarded':
          return `${head} est transmise à l’autorité compétente pour y répondre${c.forwardedTo ? ` : ${c.forwardedTo}` : ''}.${why}`;
        case 'withdrawn':
          return `${head} est retirée, comme vous l’avez demandé.`;
        default:
          return `${head} est close.${why}`;
      }
    },
    en: (c) => {
      const head = `Mohla: your application ${c.trackingNumber} (${q('en', c.procedure)})`;
      const why = c.motivation ? ` ${c.motivation}` : '';
      switch (c.outcome) {
        case 'approved':
          return `${head} is approved.${why}${download('en', c)}`;
        case 'rejected':
          return `${head} is refused.${c.motivation ? ` Reason: ${c.motivation}` : ''}${download('en', c)}`;
        case 'partiallyGranted':
          return `${head} is granted in part.${c.motivation ? ` Why the rest is refused: ${c.motivation}` : ''}${download('en', c)}`;
        case 'forwarded':
          return `${head} is forwarded to the body competent to answer it${c.forwardedTo ? `: ${c.forwardedTo}` : ''}.${why}`;
        case 'withdrawn':
          return `${head} is withdrawn, as you asked.`;
        default:
          return `${head} is closed.${why}`;
      }
    },
  },
};

const grantedBySilence: Template = {
  title: { ar: 'موافقة ضمنية', fr: 'Accord tacite', en: 'Granted by silence' },
  text: {
    ar: (c) =>
      `Mohla: لم يصدر أي رد على طلبكم ${c.trackingNumber} (${q('ar', c.procedure)}) داخل الأجل القانوني، وسكوت الإدارة يعتبر موافقة: طلبكم مقبول، وتسلم لكم شهادة تثبت ذلك.${download('ar', c)}`,
    fr: (c) =>
      `Mohla : faute de réponse dans le délai légal, votre demande ${c.trackingNumber} (${q('fr', c.procedure)}) est réputée acceptée (le silence de l’administration vaut accord). Une attestation vous est délivrée.${download('fr', c)}`,
    en: (c) =>
      `Mohla: no answer came within the legal time limit, so your application ${c.trackingNumber} (${q('en', c.procedure)}) is deemed granted (silence means consent). An attestation is issued to you.${download('en', c)}`,
  },
};

const deadlineExtended: Template = {
  title: { ar: 'تمديد الأجل', fr: 'Délai prolongé', en: 'Time limit extended' },
  text: {
    ar: (c) =>
      `Mohla: تم تمديد أجل البت في طلبكم ${c.trackingNumber} (${q('ar', c.procedure)})${c.reason ? ` (${c.reason})` : ''}.${due(c) ? ` الأجل الجديد: ${due(c)}.` : ''}`,
    fr: (c) =>
      `Mohla : le délai de traitement de votre demande ${c.trackingNumber} (${q('fr', c.procedure)}) est prolongé${c.reason ? ` (${c.reason})` : ''}.${due(c) ? ` Nouvelle échéance : ${due(c)}.` : ''}`,
    en: (c) =>
      `Mohla: the time limit of your application ${c.trackingNumber} (${q('en', c.procedure)}) is extended${c.reason ? ` (${c.reason})` : ''}.${due(c) ? ` New due date: ${due(c)}.` : ''}`,
  },
};

const readyForCollection: Template = {
  title: { ar: 'وثيقة جاهزة', fr: 'Document prêt', en: 'Document ready' },
  text: {
    ar: (c) =>
      `Mohla: وثيقتكم ${q('ar', c.procedure)} (الطلب ${c.trackingNumber}) جاهزة للسحب من المكتب الذي أودعتم فيه الطلب. المرجو الإدلاء بالبطاقة الوطنية للتعريف.`,
    fr: (c) =>
      `Mohla : votre document ${q('fr', c.procedure)} (demande ${c.trackingNumber}) est prêt : retirez-le au bureau où vous avez déposé la demande, muni de votre CNIE.`,
    en: (c) =>
      `Mohla: your ${q('en', c.procedure)} (application ${c.trackingNumber}) is ready: collect it at the office where you filed, with your identity card.`,
  },
};

const documentPosted: Template = {
  title: { ar: 'إرسال الوثيقة بالبريد', fr: 'Document envoyé par la poste', en: 'Document sent by post' },
  text: {
    ar: (c) => `Mohla: أرسلت إليكم وثيقتكم (الطلب ${c.trackingNumber}، ${q('ar', c.procedure)}) بالبريد${c.postalReference ? `، مرجع الإرسال ${c.postalReference}` : ''}.`,
    fr: (c) => `Mohla : votre document (demande ${c.trackingNumber}, ${q('fr', c.procedure)}) vous a été envoyé par la poste${c.postalReference ? `, référence d’envoi ${c.postalReference}` : ''}.`,
    en: (c) => `Mohla: your document (application ${c.trackingNumber}, ${q('en', c.procedure)}) was sent to you by post${c.postalReference ? `, postal reference ${c.postalReference}` : ''}.`,
  },
};

/** The engine's own events, plus the ones procedures share (ready for collection). */
export const EVENT_TEMPLATES = {
  filed,
  complementRequested,
  windowOpened,
  deadlineWarning,
  deadlineExpired,
  clockWarning,
  clockExpired,
  escalation,
  decision,
  grantedBySilence,
  deadlineExtended,
  readyForCollection,
  documentPosted,
} satisfies Record<string, Template>;

/** A message written for one procedure's `notify` step: citizens only, so one text per language. */
function procedureMessage(title: Template['title'], text: Texts): Template {
  return { title, text };
}

const granted = { ar: 'قبول الطلب', fr: 'Demande acceptée', en: 'Application granted' };
const refused = { ar: 'رفض الطلب', fr: 'Demande refusée', en: 'Application refused' };
const news = { ar: 'مستجدات الطلب', fr: 'Suivi de la demande', en: 'Application update' };

/** The messages the shipped procedures' `notify` steps name (a test keeps this list complete). */
export const PROCEDURE_TEMPLATES: Record<string, Template> = {
  'administrative-certificate.ready': readyForCollection,
  'real-estate-tax-certificate.ready': readyForCollection,
  'access-to-information.provided': procedureMessage(granted, {
    ar: (c) => `Mohla: المعلومات التي طلبتموها (الطلب ${c.trackingNumber}) رهن إشارتكم بالصيغة التي اخترتموها.`,
    fr: (c) => `Mohla : les informations que vous avez demandées (demande ${c.trackingNumber}) sont à votre disposition sous la forme choisie.`,
    en: (c) => `Mohla: the information you asked for (request ${c.trackingNumber}) is available in the form you chose.`,
  }),
  'access-to-information.refused-with-complaint-rights': procedureMessage(refused, {
    ar: (c) =>
      `Mohla: رُفض طلب حصولكم على المعلومات ${c.trackingNumber} لأنها تدخل ضمن الاستثناءات القانونية (انظروا التعليل). يحق لكم تقديم شكاية إلى رئيس الهيئة داخل أجل 20 يوم عمل.`,
    fr: (c) =>
      `Mohla : votre demande d’information ${c.trackingNumber} est refusée au titre d’une exception légale (voir les motifs). Vous pouvez réclamer auprès du chef de l’organisme dans les 20 jours ouvrables.`,
    en: (c) =>
      `Mohla: your request for information ${c.trackingNumber} is refused under a legal exception (see the reasons). You may complain to the head of the body within 20 working days.`,
  }),
  'access-to-information-complaint.upheld': procedureMessage(granted, {
    ar: (c) => `Mohla: تم قبول شكايتكم ${c.trackingNumber} بشأن الحق في الحصول على المعلومات، وستمكنون من المعلومات المطلوبة.`,
    fr: (c) => `Mohla : votre réclamation ${c.trackingNumber} sur l’accès à l’information est fondée : les informations vous seront communiquées.`,
    en: (c) => `Mohla: your complaint ${c.trackingNumber} about access to information is upheld: the information will be given to you.`,
  }),
  'access-to-information-complaint.dismissed-with-cdai-rights': procedureMessage(refused, {
    ar: (c) =>
      `Mohla: رُفضت شكايتكم ${c.trackingNumber} (انظروا التعليل). يمكنكم رفع الأمر إلى لجنة الحق في الحصول على المعلومات داخل أجل 30 يوما.`,
    fr: (c) =>
      `Mohla : votre réclamation ${c.trackingNumber} est rejetée (voir les motifs). Vous pouvez saisir la Commission du droit d’accès à l’information dans les 30 jours.`,
    en: (c) =>
      `Mohla: your complaint ${c.trackingNumber} is dismissed (see the reasons). You may refer it to the access-to-information commission (CDAI) within 30 days.`,
  }),
  'building-permit.granted': procedureMessage(granted, {
    ar: (c) => `Mohla: تم منح رخصة البناء (الطلب ${c.trackingNumber}). يمكنكم سحبها من مصالح الجماعة.`,
    fr: (c) => `Mohla : le permis de construire (demande ${c.trackingNumber}) est accordé. Vous pouvez le retirer auprès de la commune.`,
    en: (c) => `Mohla: your building permit (application ${c.trackingNumber}) is granted. You can collect it at the commune.`,
  }),
  'civil-status-extract.dispatched': procedureMessage(granted, {
    ar: (c) => `Mohla: أرسلت إليكم نسخة رسم الحالة المدنية (الطلب ${c.trackingNumber}) عبر البريد إلى العنوان الذي أدليتم به.`,
    fr: (c) => `Mohla : votre extrait d’état civil (demande ${c.trackingNumber}) a été envoyé par la poste à l’adresse indiquée.`,
    en: (c) => `Mohla: your civil-status extract (application ${c.trackingNumber}) was sent by post to the address you gave.`,
  }),
  'commune-petition.inadmissible': procedureMessage(refused, {
    ar: (c) => `Mohla: عريضتكم ${c.trackingNumber} غير مقبولة؛ وجه إليكم قرار معلل يبين الأسباب.`,
    fr: (c) => `Mohla : votre pétition ${c.trackingNumber} est irrecevable ; la décision motivée vous est adressée.`,
    en: (c) => `Mohla: your petition ${c.trackingNumber} is not admissible; the reasoned decision is sent to you.`,
  }),
  'commune-petition.scheduled': procedureMessage(news, {
    ar: (c) => `Mohla: أدرجت عريضتكم ${c.trackingNumber} في جدول أعمال الدورة العادية المقبلة للمجلس.`,
    fr: (c) => `Mohla : votre pétition ${c.trackingNumber} est inscrite à l’ordre du jour de la prochaine session ordinaire du conseil.`,
    en: (c) => `Mohla: your petition ${c.trackingNumber} is on the agenda of the council’s next ordinary session.`,
  }),
  'commune-petition.adopted': procedureMessage(granted, {
    ar: (c) => `Mohla: تداول المجلس في عريضتكم ${c.trackingNumber} ووافق عليها.`,
    fr: (c) => `Mohla : le conseil a délibéré sur votre pétition ${c.trackingNumber} et l’a adoptée.`,
    en: (c) => `Mohla: the council deliberated on your petition ${c.trackingNumber} and adopted it.`,
  }),
  'commune-petition.rejected': procedureMessage(refused, {
    ar: (c) => `Mohla: تداول المجلس في عريضتكم ${c.trackingNumber} ولم يوافق عليها.`,
    fr: (c) => `Mohla : le conseil a délibéré sur votre pétition ${c.trackingNumber} et ne l’a pas adoptée.`,
    en: (c) => `Mohla: the council deliberated on your petition ${c.trackingNumber} and did not adopt it.`,
  }),
  'complaint.answered-founded': procedureMessage(news, {
    ar: (c) => `Mohla: تبين أن شكايتكم ${c.trackingNumber} مبررة؛ يتضمن الجواب الإجراءات المتخذة.`,
    fr: (c) => `Mohla : votre réclamation ${c.trackingNumber} est fondée ; la réponse indique les mesures prises.`,
    en: (c) => `Mohla: your complaint ${c.trackingNumber} is founded; the answer sets out the measures taken.`,
  }),
  'complaint.answered-unfounded': procedureMessage(news, {
    ar: (c) => `Mohla: تبين أن شكايتكم ${c.trackingNumber} غير مبررة؛ يتضمن الجواب الأسباب.`,
    fr: (c) => `Mohla : votre réclamation ${c.trackingNumber} n’est pas fondée ; la réponse en donne les raisons.`,
    en: (c) => `Mohla: your complaint ${c.trackingNumber} is not founded; the answer gives the reasons.`,
  }),
  'economic-licence.granted': procedureMessage(granted, {
    ar: (c) => `Mohla: تم منح الرخصة الاقتصادية (الطلب ${c.trackingNumber}). يمكنكم سحبها من مصالح الجماعة.`,
    fr: (c) => `Mohla : votre autorisation d’activité économique (demande ${c.trackingNumber}) est accordée. Vous pouvez la retirer à la commune.`,
    en: (c) => `Mohla: your economic licence (application ${c.trackingNumber}) is granted. You can collect it at the commune.`,
  }),
  'employee-promotion.promoted': procedureMessage(granted, {
    ar: (c) => `Mohla: تقررت ترقيتكم (الملف ${c.trackingNumber})، وقرار الترقية رهن إشارتكم.`,
    fr: (c) => `Mohla : votre promotion (dossier ${c.trackingNumber}) est prononcée ; la décision est à votre disposition.`,
    en: (c) => `Mohla: your promotion (file ${c.trackingNumber}) is decided; the promotion decision is available.`,
  }),
  'employee-promotion.not-eligible': procedureMessage(refused, {
    ar: (c) => `Mohla: ملف الترقية ${c.trackingNumber}: لا تستوفون بعد شروط هذه الترقية.`,
    fr: (c) => `Mohla : dossier de promotion ${c.trackingNumber} : vous ne remplissez pas encore les conditions de cette promotion.`,
    en: (c) => `Mohla: promotion file ${c.trackingNumber}: you do not yet meet the conditions for this promotion.`,
  }),
  'employee-promotion.unfavourable': procedureMessage(refused, {
    ar: (c) =>
      `Mohla: ملف الترقية ${c.trackingNumber}: أبدت اللجنة الإدارية متساوية الأعضاء رأيا غير موافق. يمكنكم الطعن في هذا القرار داخل الأجل القانوني.`,
    fr: (c) =>
      `Mohla : dossier de promotion ${c.trackingNumber} : la commission administrative paritaire a rendu un avis défavorable. Vous pouvez former un recours dans le délai légal.`,
    en: (c) =>
      `Mohla: promotion file ${c.trackingNumber}: the joint administrative committee gave an unfavourable opinion. You may appeal within the legal time limit.`,
  }),
  'employee-promotion.deferred': procedureMessage(news, {
    ar: (c) => `Mohla: ملف الترقية ${c.trackingNumber}: أجلت اللجنة رأيها إلى دورتها المقبلة.`,
    fr: (c) => `Mohla : dossier de promotion ${c.trackingNumber} : la commission a reporté son avis à sa prochaine session.`,
    en: (c) => `Mohla: promotion file ${c.trackingNumber}: the committee postponed its opinion to its next session.`,
  }),
  'public-domain-occupation.fees-due': procedureMessage(news, {
    ar: (c) => `Mohla: طلب الاحتلال المؤقت للملك العمومي ${c.trackingNumber}: يرجى أداء الرسوم المستحقة لدى وكالة المداخيل الجماعية ليتم منح الرخصة.`,
    fr: (c) => `Mohla : occupation du domaine public ${c.trackingNumber} : merci de payer la redevance due à la régie de la commune pour obtenir l’autorisation.`,
    en: (c) => `Mohla: public-domain occupation ${c.trackingNumber}: please pay the fee due at the commune’s revenue office to obtain the permit.`,
  }),
  'public-domain-occupation.granted': procedureMessage(granted, {
    ar: (c) => `Mohla: تم منح رخصة الاحتلال المؤقت للملك العمومي (الطلب ${c.trackingNumber}). يمكنكم سحبها من مصالح الجماعة.`,
    fr: (c) => `Mohla : l’autorisation d’occupation du domaine public (demande ${c.trackingNumber}) est accordée. Vous pouvez la retirer à la commune.`,
    en: (c) => `Mohla: your public-domain occupation permit (application ${c.trackingNumber}) is granted. You can collect it at the commune.`,
  }),
};

/**
 * The templates a definition's `notify` step may name: the procedures' own messages and the one they
 * share. The validator refuses any other name (a language-1 definition only gets a warning).
 */
export const NOTIFY_STEP_TEMPLATES: ReadonlySet<string> = new Set([...Object.keys(PROCEDURE_TEMPLATES), 'readyForCollection']);

/** A language-1 procedure may name a message nobody has written: it still reaches people. */
const update: Template = {
  title: news,
  text: {
    ar: (c) => `Mohla: مستجدات بخصوص طلبكم ${c.trackingNumber} (${q('ar', c.procedure)}). يمكنكم تتبعه برقمه.`,
    fr: (c) => `Mohla : du nouveau sur votre demande ${c.trackingNumber} (${q('fr', c.procedure)}). Suivez-la avec son numéro.`,
    en: (c) => `Mohla: there is news about your application ${c.trackingNumber} (${q('en', c.procedure)}). Follow it with its number.`,
  },
};

function capitalise(s: string): string {
  return s ? s[0]!.toUpperCase() + s.slice(1) : s;
}

function templateOf(name: string): Template | undefined {
  return (EVENT_TEMPLATES as Record<string, Template>)[name] ?? PROCEDURE_TEMPLATES[name];
}

/** A message as it leaves: the subject names the application; texts assembled from optional parts lose their stray spaces and doubled stops. */
export function renderedMessage(title: string, text: string, trackingNumber: string): RenderedMessage {
  return { subject: `${title} – ${trackingNumber}`, text: text.replace(/\s+\./g, '.').replace(/\.{2,}/g, '.').replace(/\s{2,}/g, ' ') };
}

export function renderMessage(name: string, context: MessageContext): RenderedMessage {
  const template = templateOf(name) ?? update;
  return renderedMessage(template.title[context.language], template.text[context.language](context), context.trackingNumber);
}
