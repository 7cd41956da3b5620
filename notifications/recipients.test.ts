import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ProcedureDefinition } from '../engine/definition.generated.js';
import type { StaffMemberRecord } from '../db/entities.js';
import { PROJECT_ROOT } from '../infra/config.js';
import { planDeliveries, type PlanInput } from './recipients.js';

const definition = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'procedures', 'administrative-certificate.v1.json'), 'utf8')) as ProcedureDefinition;
const office = 'annex-berkane-1';
const tn = '7KQM-4RZ8-P';

function staff(id: string, role: string, extra: Partial<StaffMemberRecord> = {}): StaffMemberRecord {
  return { id, officeId: office, role, name: id, email: `${id}@berkane.ma`, phone: null, language: 'fr', updatedAt: new Date(), ...extra };
}

function input(overrides: Partial<PlanInput> & { template?: string; recipients?: string[]; context?: Record<string, unknown>; data?: Record<string, unknown> } = {}): PlanInput {
  return {
    notification: { key: `${tn}:x`, template: overrides.template ?? 'filed', recipients: overrides.recipients ?? ['citizen'], context: overrides.context ?? {} },
    application: {
      trackingNumber: tn,
      officeId: office,
      data: overrides.data ?? { fullName: 'Amina', phone: '06 12 34 56 78', email: 'amina@example.ma', language: 'ar' },
      dueAt: new Date('2026-11-30T17:00:00Z'),
      deadline: null,
      outcome: null,
      motivation: null,
    },
    tasks: [
      { id: `${tn}.checkFile.1`, stepId: 'checkFile', role: 'agent', status: 'claimed', assignee: 'agent-7' },
      { id: `${tn}.sign.2`, stepId: 'sign', role: 'head-of-annex', status: 'open', assignee: null },
    ],
    definition,
    staff: [staff('agent-7', 'agent', { phone: '0661000007', language: 'ar' }), staff('sup-1', 'supervisor'), staff('head-1', 'head-of-annex', { language: 'en' })],
    defaultLanguage: 'fr',
    now: new Date('2026-11-23T09:00:00Z'),
    ...overrides,
  };
}

describe('who is told what', () => {
  it("names a forwarded application's body in the citizen's language", () => {
    const forwardedTo = { ar: 'وزارة الداخلية', fr: 'le ministère de l’Intérieur', en: 'the ministry of the interior' };
    const plan = planDeliveries(input({ template: 'decision', context: { outcome: 'forwarded', forwardedTo } }));
    expect(plan.deliveries.map((d) => d.body)).toEqual([
      'Mohla: طلبكم 7KQM-4RZ8-P («شهادة إدارية»): أحيل على الجهة المختصة بالبت فيه: وزارة الداخلية.',
      'Mohla: طلبكم 7KQM-4RZ8-P («شهادة إدارية»): أحيل على الجهة المختصة بالبت فيه: وزارة الداخلية.',
    ]);
  });

  it('reaches the citizen by SMS and e-mail, in the language of the form', () => {
    const plan = planDeliveries(input());
    expect(plan.gaps).toEqual([]);
    expect(plan.deliveries.map((d) => [d.channel, d.recipient, d.address, d.language])).toEqual([
      ['sms', 'citizen', '+212612345678', 'ar'],
      ['email', 'citizen', 'amina@example.ma', 'ar'],
    ]);
    expect(plan.deliveries[0]!.body).toContain('شهادة إدارية');
  });

  it('uses the default language, and sends nothing to a citizen who left no contact', () => {
    expect(planDeliveries(input({ data: { email: 'x@example.ma' } })).deliveries.map((d) => d.language)).toEqual(['fr']);
    expect(planDeliveries(input({ data: {} }))).toEqual({ deliveries: [], gaps: [] });
  });

  it("keeps to a notify step's channels", () => {
    const plan = planDeliveries(input({ template: 'administrative-certificate.ready', context: { stepId: 'notifyReady' } }));
    expect(plan.deliveries.map((d) => d.channel)).toEqual(['sms', 'email']);
    const employee = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'procedures', 'employee-promotion.v1.json'), 'utf8')) as ProcedureDefinition;
    const emailOnly = planDeliveries(input({ definition: employee, template: 'employee-promotion.promoted', context: { stepId: 'notifyPromoted' } }));
    expect(emailOnly.deliveries.map((d) => d.channel)).toEqual(['email']);
  });

  it('resolves roles and assignees through the staff directory, each person once', () => {
    const plan = planDeliveries(
      input({ template: 'deadlineWarning', recipients: ['assignee', 'supervisor', 'agent'], context: { dueAt: '2026-11-24T17:00:00Z' } }),
    );
    expect(plan.gaps).toEqual([]);
    expect(plan.deliveries.map((d) => `${d.channel}:${d.recipient}:${d.language}`).sort()).toEqual([
      'email:agent-7:ar',
      'email:head-1:en',
      'email:sup-1:fr',
      'sms:agent-7:ar',
    ]);
    const head = plan.deliveries.find((d) => d.recipient === 'head-1')!;
    expect(head.body).toContain('“Check the file” and “Sign the certificate”');
    expect(head.body).toContain('Time left: 1 day and 8 hours');
  });

  it('names the task of a service-level warning only', () => {
    const plan = planDeliveries(input({ template: 'deadlineWarning', recipients: ['assignee'], context: { taskId: `${tn}.sign.2`, dueAt: '2026-11-24T09:00:00Z' } }));
    expect(plan.deliveries.map((d) => d.recipient)).toEqual(['head-1']);
    expect(plan.deliveries[0]!.body).toContain('task: “Sign the certificate”. Time left: 1 day');
  });

  it("names a clock by its label, in each person's language", () => {
    const label = { ar: 'استدعاء الأعضاء', fr: 'Convocation des membres', en: 'Summons to members' };
    const withClock = { ...definition, clocks: { summons: { label } } } as unknown as ProcedureDefinition;
    const plan = planDeliveries(input({ template: 'clockWarning', recipients: ['citizen', 'head-of-annex'], definition: withClock, context: { deadline: 'clock:summons', dueAt: '2026-11-24T09:00:00Z' } }));
    expect(plan.deliveries.find((d) => d.recipient === 'citizen')!.body).toContain('«استدعاء الأعضاء»');
    expect(plan.deliveries.find((d) => d.recipient === 'head-1')!.body).toBe(
      'Mohla: the time limit “Summons to members” of application 7KQM-4RZ8-P (“Administrative certificate”) is near – task: “Check the file” and “Sign the certificate”. Time left: 1 day (due 24 November 2026 at 09:00).',
    );
  });

  it('reports whoever cannot be found as a gap', () => {
    const plan = planDeliveries(input({ template: 'escalation', recipients: ['president', 'supervisor'], staff: [staff('sup-1', 'supervisor', { email: null })] }));
    expect(plan.deliveries).toEqual([]);
    expect(plan.gaps.map((g) => g.recipient)).toEqual(['role:president', 'sup-1']);
    expect(plan.gaps[0]!.reason).toContain('nobody holds the role "president" in office annex-berkane-1');
  });

  it("translates the definition's motivation into the citizen's language", () => {
    const plan = planDeliveries(
      input({
        template: 'decision',
        context: { outcome: 'rejected' },
        application: { ...input().application, outcome: 'rejected', motivation: 'The declared situation could not be verified.' },
      }),
    );
    expect(plan.deliveries[0]!.body).toContain('تعذر التحقق من الوضعية المصرح بها.');
  });

  describe("a procedure's own message, worded in its definition", () => {
    const worded = {
      ...definition,
      messages: {
        documentsAsked: {
          title: { ar: 'وثائق ناقصة', fr: 'Pièces manquantes', en: 'Missing documents' },
          text: {
            ar: 'Mohla: {audience, select, staff {الملف} other {طلبكم}} {trackingNumber}: {documentCount, plural, one {وثيقة واحدة ناقصة} two {وثيقتان ناقصتان} few {# وثائق ناقصة} other {# وثيقة ناقصة}} ({documents}).',
            fr: 'Mohla : {audience, select, staff {le dossier} other {votre demande}} {trackingNumber} attend {documentCount, plural, one {une pièce} other {# pièces}} : {documents}, avant le {dueAt}.',
            en: 'Mohla: {trackingNumber} needs {documentCount, plural, one {one document} other {# documents}}: {documents}.',
          },
        },
      },
    } as unknown as ProcedureDefinition;
    const documentsAsked = (documents: string[], recipients = ['citizen']) =>
      planDeliveries(input({ template: 'documentsAsked', recipients, definition: worded, context: { documents, dueAt: '2026-11-24T09:00:00Z' } }));

    it("counts in the reader's language, Arabic's dual and plural forms included", () => {
      const ids = worded.documents.map((d) => d.id);
      expect(documentsAsked(ids.slice(0, 2)).deliveries[0]!.body).toContain('وثيقتان ناقصتان');
      expect(documentsAsked(ids.slice(0, 1)).deliveries[0]!.body).toContain('وثيقة واحدة ناقصة');
      expect(documentsAsked(ids.slice(0, 1)).deliveries[0]!.subject).toBe('وثائق ناقصة – 7KQM-4RZ8-P');
    });

    it('speaks to staff and citizens differently, dates written in Moroccan time', () => {
      const plan = documentsAsked([worded.documents[0]!.id], ['supervisor']);
      expect(plan.deliveries[0]!.body).toBe(
        `Mohla : le dossier 7KQM-4RZ8-P attend une pièce : ${worded.documents[0]!.label.fr}, avant le 24 novembre 2026 à 09:00.`,
      );
    });

    it("falls back to Mohla's own wording when a published text cannot be formatted", () => {
      const broken = { ...worded, messages: { decision: { title: worded.messages!.documentsAsked!.title, text: { ar: '{', fr: '{', en: '{' } } } } as ProcedureDefinition;
      const plan = planDeliveries(input({ template: 'decision', definition: broken, context: { outcome: 'approved' } }));
      expect(plan.deliveries[0]!.body).toBe('Mohla: طلبكم 7KQM-4RZ8-P («شهادة إدارية»): تمت الموافقة عليه.');
    });
  });
});
