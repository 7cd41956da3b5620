/**
 * What each procedure category is called, in the three languages: one table that the guide's answer
 * (and so the web guide) and `mohla guide` both read, so that a category is never shown as its id.
 */
import type { ProcedureDefinition } from '../engine/definition.generated.js';

export type Category = ProcedureDefinition['category'];

type Label = { ar: string; fr: string; en: string };

/** Typed by the schema's enum: a category added there without a label here does not compile. */
export const CATEGORY_LABELS: Record<Category, Label> = {
  'civil-status': { ar: 'الحالة المدنية', fr: 'État civil', en: 'Civil status' },
  certificates: { ar: 'الشهادات الإدارية', fr: 'Certificats administratifs', en: 'Administrative certificates' },
  'urban-planning': { ar: 'التعمير', fr: 'Urbanisme', en: 'Urban planning' },
  'economic-activity': { ar: 'الأنشطة الاقتصادية', fr: 'Activités économiques', en: 'Economic activities' },
  'public-domain': { ar: 'الملك العمومي', fr: 'Domaine public', en: 'Public domain' },
  'access-to-information': { ar: 'الحق في الحصول على المعلومات', fr: "Accès à l'information", en: 'Access to information' },
  complaints: { ar: 'الشكايات', fr: 'Réclamations', en: 'Complaints' },
  'human-resources': { ar: 'الموارد البشرية', fr: 'Ressources humaines', en: 'Human resources' },
  participation: { ar: 'الديمقراطية التشاركية', fr: 'Participation citoyenne', en: 'Citizen participation' },
  taxation: { ar: 'الجبايات المحلية', fr: 'Fiscalité locale', en: 'Local taxation' },
  council: { ar: 'المجلس الجماعي', fr: 'Conseil communal', en: 'Commune council' },
  'legal-affairs': { ar: 'الشؤون القانونية', fr: 'Affaires juridiques', en: 'Legal affairs' },
};

export function categoryLabel(category: string, language: keyof Label): string {
  // A definition read from an older store may carry a category the schema no longer lists: its id, then.
  return Object.prototype.hasOwnProperty.call(CATEGORY_LABELS, category) ? CATEGORY_LABELS[category as Category][language] : category;
}
