import { createStore, useStore } from './store.js';

export const LANGUAGES = ['ar', 'fr', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
export type LocalizedText = Record<Language, string>;

const KEY = 'mohla.language';

function initial(): Language {
  const saved = localStorage.getItem(KEY);
  if (saved && (LANGUAGES as readonly string[]).includes(saved)) return saved as Language;
  const browser = navigator.language.slice(0, 2);
  return (LANGUAGES as readonly string[]).includes(browser) ? (browser as Language) : 'fr';
}

export const language = createStore<Language>(initial());

export function setLanguage(lang: Language): void {
  localStorage.setItem(KEY, lang);
  language.set(lang);
}

export function useLanguage(): Language {
  return useStore(language);
}

export const DIRECTION: Record<Language, 'rtl' | 'ltr'> = { ar: 'rtl', fr: 'ltr', en: 'ltr' };
export const LANGUAGE_NAMES: LocalizedText = { ar: 'العربية', fr: 'Français', en: 'English' };

/** A definition's text in the reader's language (French, then any, when one is missing). */
export function localized(text: Partial<LocalizedText> | undefined): string {
  if (!text) return '';
  return text[language.get()] ?? text.fr ?? Object.values(text)[0] ?? '';
}

const M = {
  appName: { ar: 'مهلة', fr: 'Mohla', en: 'Mohla' },
  tagline: { ar: 'المساطر الإدارية وآجالها القانونية', fr: 'Vos démarches administratives et leurs délais légaux', en: 'Administrative procedures and their legal deadlines' },
  skipToContent: { ar: 'الانتقال إلى المحتوى', fr: 'Aller au contenu', en: 'Skip to content' },
  mainMenu: { ar: 'القائمة الرئيسية', fr: 'Menu principal', en: 'Main menu' },
  languageChoice: { ar: 'اللغة', fr: 'Langue', en: 'Language' },
  guide: { ar: 'دليل المساطر', fr: 'Guide des procédures', en: 'Procedure guide' },
  guideIntro: { ar: 'ابحث عن المسطرة، واطلع على الوثائق المطلوبة والرسوم والأجل القانوني، ثم قدم طلبك.', fr: 'Trouvez la procédure, consultez les pièces, les frais et le délai légal, puis déposez votre demande.', en: 'Find the procedure, see the documents, fees and legal deadline, then file your application.' },
  search: { ar: 'بحث', fr: 'Rechercher', en: 'Search' },
  category: { ar: 'الصنف', fr: 'Catégorie', en: 'Category' },
  all: { ar: 'الكل', fr: 'Toutes', en: 'All' },
  found: { ar: 'عدد النتائج', fr: 'Résultats', en: 'Results' },
  legalDeadline: { ar: 'الأجل القانوني', fr: 'Délai légal', en: 'Legal deadline' },
  free: { ar: 'مجانا', fr: 'Gratuit', en: 'Free of charge' },
  mad: { ar: 'درهم', fr: 'DH', en: 'MAD' },
  whoMayApply: { ar: 'من يمكنه الطلب', fr: 'Qui peut demander', en: 'Who may apply' },
  fileOnline: { ar: 'قدم طلبك الآن', fr: 'Déposer ma demande', en: 'File my application' },
  documents: { ar: 'الوثائق', fr: 'Pièces', en: 'Documents' },
  fees: { ar: 'الرسوم', fr: 'Frais', en: 'Fees' },
  steps: { ar: 'المراحل', fr: 'Étapes', en: 'Steps' },
  legalBasis: { ar: 'السند القانوني', fr: 'Base légale', en: 'Legal basis' },
  unconfirmed: { ar: 'غير مؤكد', fr: 'non confirmé', en: 'unconfirmed' },
  otherDeadlines: { ar: 'آجال أخرى', fr: 'Autres délais', en: 'Other deadlines' },
  optional: { ar: 'اختياري', fr: 'facultatif', en: 'optional' },
  chooseFile: { ar: 'اختيار ملف', fr: 'Choisir un fichier', en: 'Choose a file' },
  noFileChosen: { ar: 'لم يتم اختيار أي ملف', fr: 'Aucun fichier choisi', en: 'No file chosen' },
  required: { ar: 'إلزامي', fr: 'obligatoire', en: 'required' },
  fetchedByAdministration: { ar: 'تحصل عليها الإدارة بنفسها', fr: "obtenue par l'administration", en: 'obtained by the administration' },
  none: { ar: 'لا شيء', fr: 'Aucun', en: 'None' },
  choose: { ar: '— اختر —', fr: '— Choisir —', en: '— Choose —' },
  apply: { ar: 'طلب', fr: 'Demande', en: 'Application' },
  whereAndWho: { ar: 'مكان الإيداع', fr: 'Où déposer', en: 'Where to file' },
  office: { ar: 'المصلحة', fr: 'Bureau', en: 'Office' },
  citizenId: { ar: 'رقم البطاقة الوطنية للتعريف', fr: 'Numéro de CNIE', en: 'National ID number' },
  yourForm: { ar: 'معلومات الطلب', fr: 'Votre demande', en: 'Your application' },
  fileApplication: { ar: 'إيداع الطلب', fr: 'Déposer la demande', en: 'File the application' },
  sendDocuments: { ar: 'إرسال الوثائق', fr: 'Envoyer les pièces', en: 'Send the documents' },
  sending: { ar: 'جار الإرسال…', fr: 'Envoi…', en: 'Sending…' },
  filedButDocuments: { ar: 'تم إيداع طلبك لكن بعض الوثائق لم تقبل. صححها ثم أعد الإرسال. رقم التتبع:', fr: "Votre demande est déposée mais des pièces ont été refusées. Corrigez-les puis renvoyez. Numéro de suivi :", en: 'Your application is filed but some documents were refused. Fix them and send again. Tracking number:' },
  filedTitle: { ar: 'تم إيداع طلبك', fr: 'Votre demande est déposée', en: 'Your application is filed' },
  receipt: { ar: 'الوصل', fr: 'Récépissé', en: 'Receipt' },
  receiptTitle: { ar: 'وصل إيداع', fr: 'Récépissé de dépôt', en: 'Filing receipt' },
  receiptKeep: { ar: 'احتفظ برقم التتبع والرمز السري لتتبع طلبك في الشباك الآلي.', fr: 'Gardez le numéro de suivi et le code PIN pour suivre votre demande à la borne.', en: 'Keep the tracking number and PIN to follow your application at the kiosk.' },
  trackingNumber: { ar: 'رقم التتبع', fr: 'Numéro de suivi', en: 'Tracking number' },
  pin: { ar: 'الرمز السري', fr: 'Code PIN', en: 'PIN' },
  procedure: { ar: 'المسطرة', fr: 'Procédure', en: 'Procedure' },
  filedAt: { ar: 'تاريخ الإيداع', fr: 'Déposée le', en: 'Filed on' },
  closedAt: { ar: 'تاريخ الإغلاق', fr: 'Clôturée le', en: 'Closed on' },
  legalDueDate: { ar: 'أجل البت القانوني', fr: 'Date limite légale', en: 'Legal due date' },
  noDeadline: { ar: 'بدون أجل', fr: 'Sans délai', en: 'No deadline' },
  print: { ar: 'طباعة', fr: 'Imprimer', en: 'Print' },
  follow: { ar: 'تتبع الطلب', fr: 'Suivre la demande', en: 'Follow the application' },
  finish: { ar: 'إنهاء', fr: 'Terminer', en: 'Finish' },
  myApplications: { ar: 'طلباتي', fr: 'Mes demandes', en: 'My applications' },
  newApplication: { ar: 'طلب جديد', fr: 'Nouvelle demande', en: 'New application' },
  noApplications: { ar: 'لم تقدم أي طلب بعد.', fr: "Vous n'avez encore déposé aucune demande.", en: 'You have not filed any application yet.' },
  status: { ar: 'الحالة', fr: 'État', en: 'Status' },
  decision: { ar: 'القرار', fr: 'Décision', en: 'Decision' },
  motivation: { ar: 'التعليل', fr: 'Motivation', en: 'Reasons' },
  grantedBySilence: { ar: 'مقبول بسكوت الإدارة', fr: "Accordée par le silence de l'administration", en: 'Granted by the administration’s silence' },
  timeline: { ar: 'مسار الطلب', fr: 'Historique', en: 'Timeline' },
  nothingYet: { ar: 'لا شيء بعد.', fr: "Rien pour l'instant.", en: 'Nothing yet.' },
  budgetIs: { ar: 'الأجل:', fr: 'Délai :', en: 'Deadline:' },
  howComputed: { ar: 'كيف حسب هذا التاريخ (بالتفصيل)', fr: 'Comment cette date est calculée (détail)', en: 'How this date is computed (detail)' },
  clockStopped: { ar: 'الأجل متوقف في انتظار الوثائق', fr: 'délai suspendu en attente des pièces', en: 'clock stopped while documents are awaited' },
  expired: { ar: 'انقضى الأجل', fr: 'délai expiré', en: 'deadline passed' },
  ledgerStarted: { ar: 'بداية احتساب الأجل', fr: 'Début du délai', en: 'Deadline started' },
  ledgerPaused: { ar: 'توقف الأجل (طلب وثائق)', fr: 'Délai suspendu (pièces demandées)', en: 'Clock stopped (documents asked for)' },
  ledgerResumed: { ar: 'استئناف الأجل', fr: 'Reprise du délai', en: 'Clock running again' },
  ledgerRestarted: { ar: 'إعادة احتساب الأجل من جديد', fr: 'Le délai repart de zéro', en: 'Deadline counted again from the start' },
  ledgerExtended: { ar: 'تمديد الأجل', fr: 'Délai prolongé', en: 'Deadline extended' },
  ledgerWarned: { ar: 'تنبيه المصلحة باقتراب الأجل', fr: "Rappel envoyé au service", en: 'Office reminded' },
  ledgerExpired: { ar: 'انقضاء الأجل', fr: 'Délai expiré', en: 'Deadline passed' },
  ledgerDated: { ar: 'يحتسب الأجل ابتداء من التاريخ', fr: 'Délai compté à partir de la date du', en: 'Counted from the date' },
  ledgerDateChanged: { ar: 'تغير التاريخ الذي يحتسب منه الأجل', fr: 'La date de référence a changé', en: 'The date it counts from changed' },
  ledgerMet: { ar: 'احترام الأجل', fr: 'Délai respecté', en: 'Met on time' },
  ledgerMetLate: { ar: 'إنجاز بعد انقضاء الأجل', fr: 'Accompli après l’échéance', en: 'Met late' },
  clocks: { ar: 'آجال أخرى', fr: 'Autres délais', en: 'Other time limits' },
  clockDue: { ar: 'الأجل', fr: 'Échéance', en: 'Due' },
  clockSt_waitingForDate: { ar: 'في انتظار تحديد التاريخ', fr: 'En attente de la date', en: 'Waiting for its date' },
  clockSt_running: { ar: 'جار', fr: 'En cours', en: 'Running' },
  clockSt_met: { ar: 'تم احترامه', fr: 'Respecté', en: 'Met' },
  clockSt_metLate: { ar: 'أنجز متأخرا', fr: 'Accompli en retard', en: 'Met late' },
  clockSt_expired: { ar: 'انقضى', fr: 'Expiré', en: 'Expired' },
  clockSt_stopped: { ar: 'توقف بإغلاق الملف', fr: 'Arrêté à la clôture', en: 'Stopped at closing' },
  clockBefore: { ar: 'قبل التاريخ', fr: 'avant la date', en: 'before the date' },
  clockAfter: { ar: 'بعد التاريخ', fr: 'après la date', en: 'after the date' },
  clockStarts: { ar: 'يبدأ هنا', fr: 'démarre ici', en: 'starts here' },
  unitWorkingDays: { ar: 'أيام عمل', fr: 'jours ouvrables', en: 'working days' },
  unitCalendarDays: { ar: 'أيام', fr: 'jours', en: 'calendar days' },
  unitMonths: { ar: 'أشهر', fr: 'mois', en: 'months' },
  ledgerReprojected: { ar: 'تغيير في العطل: الأجل انتقل من', fr: 'Changement de jours fériés : échéance déplacée de', en: 'Holidays changed: due date moved from' },
  windowUntil: { ar: 'يمكنكم القيام بذلك إلى غاية', fr: 'Vous pouvez le faire jusqu’au', en: 'You may do so until' },
  windowSend: { ar: 'إرسال', fr: 'Envoyer', en: 'Send' },
  fieldsAsked: { ar: 'يرجى إعادة ملء هذه الخانات أو توضيحها', fr: 'Merci de préciser à nouveau ces champs', en: 'Please enter these fields again or clarify them' },
  fieldsToAsk: { ar: 'خانات يعاد ملؤها', fr: 'Champs à préciser', en: 'Fields to enter again' },
  visitNumber: { ar: 'المرة', fr: 'Passage', en: 'Visit' },
  complementAsked: { ar: 'تطلب منك المصلحة وثائق إضافية', fr: 'Le service vous demande des pièces complémentaires', en: 'The office asks you for more documents' },
  withdraw: { ar: 'سحب الطلب', fr: 'Retirer la demande', en: 'Withdraw the application' },
  withdrawWarning: { ar: 'سيغلق الطلب نهائيا.', fr: 'La demande sera définitivement close.', en: 'The application will be closed for good.' },
  confirmWithdraw: { ar: 'تأكيد السحب', fr: 'Confirmer le retrait', en: 'Confirm the withdrawal' },
  reason: { ar: 'السبب', fr: 'Motif', en: 'Reason' },
  download: { ar: 'تنزيل', fr: 'Télécharger', en: 'Download' },
  cancel: { ar: 'إلغاء', fr: 'Annuler', en: 'Cancel' },
  loading: { ar: 'جار التحميل…', fr: 'Chargement…', en: 'Loading…' },
  checkFields: { ar: 'يرجى تصحيح الخانات التالية:', fr: 'Veuillez corriger ces champs :', en: 'Please correct these fields:' },
  refused: { ar: 'تعذر ذلك:', fr: 'Refusé :', en: 'Refused:' },
  networkError: { ar: 'تعذر الاتصال بالخادم.', fr: 'Le serveur ne répond pas.', en: 'The server cannot be reached.' },
  serverError: { ar: 'خطأ في الخادم:', fr: 'Erreur du serveur :', en: 'Server error:' },
  signIn: { ar: 'تسجيل الدخول', fr: 'Se connecter', en: 'Sign in' },
  signOut: { ar: 'تسجيل الخروج', fr: 'Se déconnecter', en: 'Sign out' },
  signInIntro: { ar: 'سجل الدخول لتقديم طلباتك وتتبعها، أو لمعالجة ملفات مصلحتك.', fr: 'Connectez-vous pour déposer et suivre vos demandes, ou traiter les dossiers de votre service.', en: 'Sign in to file and follow your applications, or to handle your office’s files.' },
  kioskIdentify: { ar: 'عرف بنفسك لتقديم طلب (قارئ البطاقة في الملحقة).', fr: "Identifiez-vous pour déposer une demande (lecteur de carte à l'annexe).", en: 'Identify yourself to file an application (card reader at the annex).' },
  demoPeople: { ar: 'حسابات تجريبية', fr: 'Comptes de démonstration', en: 'Demonstration accounts' },
  demoOff: { ar: 'الحسابات التجريبية غير مفعلة هنا؛ استعمل رمز الدخول.', fr: 'Les comptes de démonstration sont désactivés ici ; utilisez un jeton.', en: 'Demonstration accounts are off here; use a token.' },
  providerSignIn: { ar: 'الدخول عبر حساب الهوية', fr: "Se connecter avec le compte d'identité", en: 'Sign in with the identity account' },
  providerFailed: { ar: 'تعذر الدخول عبر حساب الهوية:', fr: "La connexion par le compte d'identité a échoué :", en: 'Signing in with the identity account failed:' },
  pasteToken: { ar: 'الدخول برمز', fr: 'Se connecter avec un jeton', en: 'Sign in with a token' },
  token: { ar: 'رمز الدخول', fr: 'Jeton', en: 'Token' },
  tokenInvalid: { ar: 'هذا الرمز غير صالح أو منته.', fr: "Ce jeton n'est pas valide ou a expiré.", en: 'This token is not valid or has expired.' },
  role_citizen: { ar: 'مواطن(ة)', fr: 'Citoyen(ne)', en: 'Citizen' },
  role_agent: { ar: 'موظف(ة)', fr: 'Agent', en: 'Agent' },
  role_supervisor: { ar: 'رئيس(ة) المصلحة', fr: 'Chef de service', en: 'Supervisor' },
  role_designer: { ar: 'مصمم(ة) المساطر', fr: 'Concepteur de procédures', en: 'Procedure designer' },
  role_auditor: { ar: 'مدقق(ة)', fr: 'Auditeur', en: 'Auditor' },
  role_admin: { ar: 'مدير(ة) النظام', fr: 'Administrateur', en: 'Administrator' },
  kiosk: { ar: 'الشباك الآلي', fr: 'Borne', en: 'Kiosk' },
  kioskWelcome: { ar: 'مرحبا بكم في الشباك الآلي', fr: 'Bienvenue à la borne', en: 'Welcome to the kiosk' },
  kioskTrack: { ar: 'تتبع طلب', fr: 'Suivre une demande', en: 'Track an application' },
  kioskWindowWhere: {
    ar: 'قوموا بذلك من صفحة طلبكم على البوابة الإلكترونية، بعد تسجيل الدخول؛ لا يمكن القيام به من هذا الشباك الآلي.',
    fr: 'Faites-le depuis la page de votre demande sur le portail, après vous être identifié ; la borne ne le permet pas.',
    en: "Do it from your application's page on the portal, once signed in; it cannot be done at this kiosk.",
  },
  kioskFile: { ar: 'طلب شهادة', fr: 'Demander un certificat', en: 'Request a certificate' },
  inbox: { ar: 'المهام', fr: 'Tâches', en: 'Inbox' },
  inboxCaption: { ar: 'مهام المصلحة حسب الأجل القانوني', fr: 'Tâches du service par date limite légale', en: "The office's tasks by legal due date" },
  inboxEmpty: { ar: 'لا توجد مهام.', fr: 'Aucune tâche.', en: 'No tasks.' },
  filters: { ar: 'تصفية', fr: 'Filtres', en: 'Filters' },
  toDo: { ar: 'للإنجاز', fr: 'À traiter', en: 'To do' },
  task_open: { ar: 'مفتوحة', fr: 'Ouverte', en: 'Open' },
  task_claimed: { ar: 'قيد المعالجة', fr: 'Prise en charge', en: 'Claimed' },
  task_completed: { ar: 'منجزة', fr: 'Terminée', en: 'Completed' },
  task_cancelled: { ar: 'ملغاة', fr: 'Annulée', en: 'Cancelled' },
  assignee: { ar: 'المكلف', fr: 'Agent en charge', en: 'Assignee' },
  everyone: { ar: 'الجميع', fr: 'Tous', en: 'Everyone' },
  me: { ar: 'أنا', fr: 'Moi', en: 'Me' },
  refresh: { ar: 'تحديث', fr: 'Actualiser', en: 'Refresh' },
  timeLeft: { ar: 'الوقت المتبقي', fr: 'Temps restant', en: 'Time left' },
  task: { ar: 'المهمة', fr: 'Tâche', en: 'Task' },
  escalated: { ar: 'محال على الرئيس', fr: 'escaladée', en: 'escalated' },
  overdue: { ar: 'متجاوز للأجل', fr: 'En retard', en: 'Overdue' },
  atRisk: { ar: 'قريب من الأجل', fr: 'À risque', en: 'At risk' },
  onTime: { ar: 'في الأجل', fr: 'Dans les délais', en: 'On time' },
  paused: { ar: 'متوقف', fr: 'Suspendu', en: 'Paused' },
  application: { ar: 'الطلب', fr: 'Demande', en: 'Application' },
  citizen: { ar: 'المواطن(ة)', fr: 'Citoyen(ne)', en: 'Citizen' },
  claim: { ar: 'التكفل بالمهمة', fr: 'Prendre en charge', en: 'Claim' },
  release: { ar: 'التخلي عن المهمة', fr: 'Remettre dans la file', en: 'Release' },
  claimedBySomeoneElse: { ar: 'يعالج هذه المهمة موظف آخر.', fr: 'Un autre agent traite cette tâche.', en: 'Another agent is handling this task.' },
  decide: { ar: 'القرار', fr: 'Décision', en: 'Decision' },
  requestComplement: { ar: 'طلب وثائق إضافية من المواطن', fr: 'Demander des pièces au citoyen', en: 'Ask the citizen for documents' },
  documentsToAsk: { ar: 'الوثائق المطلوبة', fr: 'Pièces à demander', en: 'Documents to ask for' },
  noteToCitizen: { ar: 'ملاحظة للمواطن', fr: 'Note au citoyen', en: 'Note to the citizen' },
  sendRequest: { ar: 'إرسال الطلب', fr: 'Envoyer la demande', en: 'Send the request' },
  proposeExtension: { ar: 'تمديد الأجل', fr: 'Prolonger le délai', en: 'Extend the deadline' },
  extensionBy: { ar: 'التمديد بـ', fr: 'Prolongation de', en: 'Extension by' },
  extend: { ar: 'تمديد', fr: 'Prolonger', en: 'Extend' },
  dashboard: { ar: 'لوحة القيادة', fr: 'Tableau de bord', en: 'Dashboard' },
  from: { ar: 'من', fr: 'Du', en: 'From' },
  to: { ar: 'إلى', fr: 'Au', en: 'To' },
  show: { ar: 'عرض', fr: 'Afficher', en: 'Show' },
  decidedWithinDeadline: { ar: 'بت فيها داخل الأجل', fr: 'Décidées dans le délai', en: 'Decided within the deadline' },
  escalations: { ar: 'الإحالات على الرئيس', fr: 'Escalades', en: 'Escalations' },
  filed: { ar: 'مودعة', fr: 'Déposées', en: 'Filed' },
  pending: { ar: 'قيد الدراسة', fr: 'En cours', en: 'Pending' },
  processingByProcedure: { ar: 'مدة المعالجة حسب المسطرة (أيام عمل)', fr: 'Durée de traitement par procédure (jours ouvrables)', en: 'Processing time per procedure (working days)' },
  processingByAgent: { ar: 'مدة المعالجة حسب الموظف (أيام عمل)', fr: 'Durée de traitement par agent (jours ouvrables)', en: 'Processing time per agent (working days)' },
  median: { ar: 'الوسيط', fr: 'Médiane', en: 'Median' },
  p90: { ar: 'المئين 90', fr: '90e centile', en: '90th percentile' },
  tasksCompleted: { ar: 'مهام منجزة', fr: 'Tâches terminées', en: 'Tasks completed' },
  wd: { ar: 'ي.ع', fr: 'j.o.', en: 'w.d.' },
  overdueList: { ar: 'طلبات متجاوزة للأجل', fr: 'Demandes en retard', en: 'Overdue applications' },
  atRiskList: { ar: 'طلبات قريبة من الأجل', fr: 'Demandes à risque', en: 'Applications at risk' },
  reassign: { ar: 'إعادة الإسناد', fr: 'Réaffecter', en: 'Reassign' },
  reassignTo: { ar: 'إسناد إلى', fr: 'Réaffecter à', en: 'Reassign to' },
  agentId: { ar: 'معرف الموظف', fr: "Identifiant de l'agent", en: 'Agent id' },
  playground: { ar: 'مختبر المساطر', fr: 'Atelier des procédures', en: 'Procedure playground' },
  messagesPreview: { ar: 'رسائل المسطرة', fr: 'Messages de la procédure', en: "The procedure's messages" },
  messagesPreviewHint: {
    ar: 'كل رسالة كما سيقرؤها المرسل إليه، بقيم نموذجية: رقم تتبع نموذجي، عنوان المسطرة، أجل بعد أسبوعين، ووثيقتان.',
    fr: 'Chaque message tel que son destinataire le lira, avec des valeurs d’exemple : un numéro de suivi fictif, le titre de la procédure, une échéance dans deux semaines, deux pièces.',
    en: 'Each message as its reader will get it, with sample values: a sample tracking number, the procedure title, a due date two weeks ahead, two documents.',
  },
  messagesLanguage: { ar: 'لغة الرسائل', fr: 'Langue des messages', en: 'Language of the messages' },
  warning: { ar: 'تنبيه', fr: 'Avertissement', en: 'Warning' },
  showMessages: { ar: 'عرض الرسائل', fr: 'Voir les messages', en: 'Show the messages' },
  messageRefused: { ar: 'لا يمكن عرض هذا النص: المدقق يرفضه للسبب التالي.', fr: 'Ce texte ne peut pas être affiché : le vérificateur le refuse pour la raison ci-dessous.', en: 'This text cannot be shown: the checker refuses it for the reason below.' },
  playgroundIntro: { ar: 'الصق تعريف مسطرة أو حمله، تحقق منه، شاهد مراحله وجربه على سيناريو.', fr: 'Collez ou chargez une définition, validez-la, voyez ses étapes et simulez un scénario.', en: 'Paste or upload a definition, validate it, see its steps and run a scenario.' },
  startFrom: { ar: 'الانطلاق من مسطرة منشورة', fr: "Partir d'une procédure publiée", en: 'Start from a published procedure' },
  uploadDefinition: { ar: 'تحميل ملف JSON', fr: 'Charger un fichier JSON', en: 'Upload a JSON file' },
  definition: { ar: 'التعريف (JSON)', fr: 'Définition (JSON)', en: 'Definition (JSON)' },
  definitionNotJson: { ar: 'ليس JSON صالحا', fr: "Ce n'est pas du JSON valide", en: 'Not valid JSON' },
  scenarioNotJson: { ar: 'السيناريو ليس JSON صالحا', fr: "Le scénario n'est pas du JSON valide", en: 'The scenario is not valid JSON' },
  validate: { ar: 'تحقق', fr: 'Valider', en: 'Validate' },
  definitionValid: { ar: 'التعريف صالح.', fr: 'La définition est valide.', en: 'The definition is valid.' },
  definitionInvalid: { ar: 'التعريف غير صالح', fr: "La définition n'est pas valide", en: 'The definition is not valid' },
  pointer: { ar: 'الموضع', fr: 'Emplacement', en: 'Pointer' },
  problem: { ar: 'المشكل', fr: 'Problème', en: 'Problem' },
  diagram: { ar: 'مخطط المراحل', fr: 'Schéma des étapes', en: 'Diagram of the steps' },
  diagramOf: { ar: 'مخطط مراحل', fr: 'Schéma des étapes de', en: 'Steps of' },
  cannotDraw: { ar: 'لا يمكن رسم هذا التعريف.', fr: 'Impossible de dessiner cette définition.', en: 'This definition cannot be drawn.' },
  simulate: { ar: 'المحاكاة', fr: 'Simulation', en: 'Simulation' },
  scenario: { ar: 'السيناريو (JSON)', fr: 'Scénario (JSON)', en: 'Scenario (JSON)' },
  scenarioHint: { ar: 'filedAt وdata وevents (after: P1D، action: complete، step، outcome).', fr: 'filedAt, data et events (after : P1D, action : complete, step, outcome).', en: 'filedAt, data and events (after: P1D, action: complete, step, outcome).' },
  runSimulation: { ar: 'تشغيل المحاكاة', fr: 'Lancer la simulation', en: 'Run the simulation' },
  outcome: { ar: 'النتيجة', fr: 'Issue', en: 'Outcome' },
  trace: { ar: 'مجريات المحاكاة', fr: 'Déroulé', en: 'Trace' },
  when: { ar: 'متى', fr: 'Quand', en: 'When' },
  what: { ar: 'ماذا', fr: 'Quoi', en: 'What' },
  notFound: { ar: 'هذه الصفحة غير موجودة.', fr: "Cette page n'existe pas.", en: 'This page does not exist.' },
  notAllowed: { ar: 'هذه الصفحة ليست لدورك.', fr: "Cette page n'est pas pour votre rôle.", en: 'This page is not for your role.' },
  home: { ar: 'الرئيسية', fr: 'Accueil', en: 'Home' },
  err_required: { ar: 'هذه الخانة إلزامية', fr: 'Ce champ est obligatoire', en: 'This field is required' },
  err_format: { ar: 'الصيغة غير صحيحة', fr: "Le format n'est pas valide", en: 'The format is not valid' },
  err_tooShort: { ar: 'قصير جدا، الحد الأدنى', fr: 'Trop court, minimum', en: 'Too short, at least' },
  err_tooLong: { ar: 'طويل جدا، الحد الأقصى', fr: 'Trop long, maximum', en: 'Too long, at most' },
  err_chars: { ar: 'حروف', fr: 'caractères', en: 'characters' },
  err_choose: { ar: 'اختر قيمة من اللائحة', fr: 'Choisissez une valeur de la liste', en: 'Choose a value from the list' },
  err_number: { ar: 'يجب إدخال رقم', fr: 'Saisissez un nombre', en: 'Enter a number' },
  err_min: { ar: 'يجب أن تكون القيمة على الأقل', fr: 'La valeur doit être au moins', en: 'The value must be at least' },
  err_max: { ar: 'يجب ألا تتجاوز القيمة', fr: 'La valeur doit être au plus', en: 'The value must be at most' },
  err_notAllowed: { ar: 'خانة غير مقبولة', fr: "Ce champ n'est pas prévu", en: 'This field is not expected' },
  err_fileFormat: { ar: 'صيغة الملف غير مقبولة، المطلوب', fr: 'Format de fichier refusé, attendu', en: 'File format refused, expected' },
  err_fileSize: { ar: 'الملف كبير جدا', fr: 'Fichier trop volumineux', en: 'The file is too large' },
  err_invalid: { ar: 'القيمة غير مقبولة', fr: 'Valeur non valide', en: 'This value is not valid' },
  st_open: { ar: 'قيد الدراسة', fr: 'En cours de traitement', en: 'Being processed' },
  st_approved: { ar: 'مقبول', fr: 'Acceptée', en: 'Approved' },
  st_rejected: { ar: 'مرفوض', fr: 'Refusée', en: 'Refused' },
  st_withdrawn: { ar: 'مسحوب', fr: 'Retirée', en: 'Withdrawn' },
  st_closed: { ar: 'مغلق', fr: 'Clôturée', en: 'Closed' },
  st_partiallyGranted: { ar: 'مقبول جزئيا', fr: 'Acceptée en partie', en: 'Granted in part' },
  st_forwarded: { ar: 'محال على الجهة المختصة', fr: "Transmise à l'autorité compétente", en: 'Forwarded to the competent body' },
  forwardedTo: { ar: 'الجهة المحال عليها', fr: 'Transmise à', en: 'Forwarded to' },
  internalFile: { ar: 'ملف داخلي، بدون مواطن', fr: 'Dossier interne, sans citoyen', en: 'Internal file, no citizen' },
  internalProcedure: { ar: 'مسطرة داخلية: يودعها موظفو المصلحة', fr: 'Procédure interne : déposée par le personnel du service', en: 'Internal procedure: filed by the office’s staff' },
  tl_filed: { ar: 'إيداع الطلب', fr: 'Demande déposée', en: 'Application filed' },
  tl_stepEntered: { ar: 'مرحلة جديدة', fr: 'Nouvelle étape', en: 'Step started' },
  tl_taskClaimed: { ar: 'تكفل موظف بالملف', fr: 'Dossier pris en charge', en: 'Task claimed' },
  tl_taskReleased: { ar: 'إعادة الملف إلى المصلحة', fr: 'Dossier remis dans la file', en: 'Task released' },
  tl_taskCompleted: { ar: 'إنجاز مرحلة', fr: 'Étape terminée', en: 'Task completed' },
  tl_taskReassigned: { ar: 'إعادة إسناد', fr: 'Dossier réaffecté', en: 'Task reassigned' },
  tl_taskEscalated: { ar: 'إحالة على الرئيس', fr: 'Escalade au supérieur', en: 'Escalated to a supervisor' },
  tl_complementRequested: { ar: 'طلب وثائق إضافية', fr: 'Pièces complémentaires demandées', en: 'Documents asked for' },
  tl_complementProvided: { ar: 'تسليم الوثائق الإضافية', fr: 'Pièces complémentaires fournies', en: 'Documents provided' },
  tl_deadlineWarned: { ar: 'تنبيه باقتراب الأجل', fr: "Rappel d'échéance", en: 'Deadline reminder' },
  tl_deadlineExpired: { ar: 'انقضاء الأجل', fr: 'Délai expiré', en: 'Deadline passed' },
  tl_deadlineExtended: { ar: 'تمديد الأجل', fr: 'Délai prolongé', en: 'Deadline extended' },
  tl_deadlineReprojected: { ar: 'تعديل الأجل بسبب العطل', fr: 'Échéance recalculée (jours fériés)', en: 'Due date recomputed (holidays)' },
  tl_serviceCompleted: { ar: 'معالجة آلية', fr: 'Traitement automatique', en: 'Automatic step done' },
  tl_serviceFailed: { ar: 'تعذر إجراء آلي', fr: 'Échec d’une étape automatique', en: 'Automatic step failed' },
  tl_branchesJoined: { ar: 'انتهاء الدراسات المتزامنة', fr: 'Examens parallèles terminés', en: 'Parallel reviews done' },
  tl_closed: { ar: 'إغلاق الملف', fr: 'Dossier clôturé', en: 'Application closed' },
  tl_clockMet: { ar: 'احترام أجل', fr: 'Délai respecté', en: 'Time limit met' },
  tl_clockDated: { ar: 'تحديد التاريخ الذي يحتسب منه أجل', fr: 'Date de référence d’un délai', en: 'Date a time limit counts from' },
  tl_waitEnded: { ar: 'انتهاء الانتظار', fr: 'Fin de l’attente', en: 'Wait over' },
  tl_taskCancelled: { ar: 'إلغاء مهمة', fr: 'Tâche annulée', en: 'Task cancelled' },
  tl_movedOnExpiry: { ar: 'انتقال الملف بعد انقضاء أجل', fr: 'Dossier réorienté à l’échéance', en: 'Moved on when a time limit passed' },
  tl_withdrawn: { ar: 'سحب الطلب', fr: 'Demande retirée', en: 'Application withdrawn' },
  tl_fieldsAmended: { ar: 'تصحيح معطيات الطلب', fr: 'Champs du formulaire précisés', en: 'Form fields amended' },
  tl_windowOpened: { ar: 'فتح أجل للمواطن', fr: 'Délai ouvert au demandeur', en: 'Time opened for the citizen' },
  tl_citizenActed: { ar: 'تصرف المواطن داخل الأجل', fr: 'Le demandeur a agi dans le délai', en: 'The citizen acted in time' },
  tl_windowClosed: { ar: 'انقضاء الأجل المتاح للمواطن', fr: 'Délai du demandeur écoulé', en: 'The citizen’s time ran out' },
  tl_legalDeadlineStopped: { ar: 'توقف الأجل القانوني', fr: 'Délai légal arrêté', en: 'Legal deadline stopped' },
  tl_legalDeadlineRestarted: { ar: 'أجل جديد للبت', fr: 'Nouveau délai de réponse', en: 'New time to answer' },
  oc_approve: { ar: 'قبول', fr: 'Accepter', en: 'Approve' },
  oc_reject: { ar: 'رفض', fr: 'Refuser', en: 'Reject' },
} satisfies Record<string, LocalizedText>;

export type MessageKey = keyof typeof M;

export function t(key: MessageKey): string {
  return M[key][language.get()];
}

export function statusText(status: string, outcome: string | null): string {
  const key = `st_${status === 'open' ? 'open' : outcome ?? status}`;
  return key in M ? t(key as MessageKey) : (outcome ?? status);
}

export function timelineKind(kind: string): string {
  const key = `tl_${kind}`;
  return key in M ? t(key as MessageKey) : kind;
}

/** An outcome without a label in its definition: the common verbs are known, others shown as they are. */
export function outcomeText(outcome: string): string {
  const key = `oc_${outcome}`;
  return key in M ? t(key as MessageKey) : outcome;
}

/** The API's field messages (English, from JSON Schema) in the reader's language, where we know the form. */
export function fieldMessage(message: string): string {
  const rules: Array<[RegExp, (m: RegExpMatchArray) => string]> = [
    [/^is required$/, () => t('err_required')],
    [/^must match pattern/, () => t('err_format')],
    [/^must match format/, () => t('err_format')],
    [/^must NOT have fewer than (\d+) characters$/, (m) => `${t('err_tooShort')} ${m[1]} ${t('err_chars')}`],
    [/^must NOT have more than (\d+) characters$/, (m) => `${t('err_tooLong')} ${m[1]} ${t('err_chars')}`],
    [/^must be one of/, () => t('err_choose')],
    [/^must be equal to one of the allowed values$/, () => t('err_choose')],
    [/^must be (integer|number)$/, () => t('err_number')],
    [/^must be >=? (\S+)$/, (m) => `${t('err_min')} ${m[1]}`],
    [/^must be <=? (\S+)$/, (m) => `${t('err_max')} ${m[1]}`],
    [/^is not an allowed property$/, () => t('err_notAllowed')],
    [/^must be ((?:pdf|jpeg|png)(?: or (?:pdf|jpeg|png))*)$/, (m) => `${t('err_fileFormat')} ${m[1]}`],
    [/^is larger than/, () => t('err_fileSize')],
  ];
  for (const [pattern, text] of rules) {
    const m = message.match(pattern);
    if (m) return text(m);
  }
  return message;
}
