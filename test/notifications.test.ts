/**
 * Notifications end to end: the real workflow emits notify commands, the projection activity hands them
 * to BullMQ on the test's Redis, the notification worker sends them to a real SMTP server and a real
 * HTTP SMS gateway started here. Each event reaches each person once, in their language, within the
 * provider's rate limit; what fails is listed for an administrator and sent when retried.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deliveryAnswer, eachItem, failedNotificationAnswer, notificationAnswer } from './helpers/answers.js';
import { createProjectionActivities } from '../activities/projection.js';
import type { ApplicationState } from '../engine/interpreter/state.js';
import type { Command } from '../engine/interpreter/commands.js';
import { Application, Notification, NotificationDelivery } from '../db/entities.js';
import { applicationStatus } from '../workflows/messages.js';
import type { NotificationSettings } from '../notifications/config.js';
import { SmsGatewayProvider } from '../notifications/providers/sms-gateway.js';
import { SmtpProvider } from '../notifications/providers/smtp.js';
import { StaffDirectory } from '../notifications/staff.js';
import { NotificationWorker } from '../notifications/worker.js';
import { startSmsGateway, startSmtpServer, type TestSmsGateway, type TestSmtpServer } from './helpers/messaging.js';
import { as, createTestStack, eventually, people, tokenFor, type TestStack } from './helpers/stack.js';
import { text } from './helpers/definitions.js';

const GATEWAY_TOKEN = 'gateway-secret';

function procedure(id: string, deadline: Record<string, unknown> = {}) {
  return {
    id,
    version: 1,
    title: { ar: 'شهادة تجريبية', fr: 'Certificat d’essai', en: 'Test certificate' },
    description: text(id),
    category: 'certificates',
    offices: ['annex'],
    roles: ['agent', 'supervisor', 'president'],
    legalBasis: { law: 'Law 55.19', note: 'test procedure', confirmed: true },
    form: {
      type: 'object',
      properties: { phone: { type: 'string' }, email: { type: 'string' }, language: { enum: ['ar', 'fr', 'en'] } },
    },
    documents: [{ id: 'cinCopy', label: text('Copy of the identity card'), formats: ['pdf'], maxSizeMb: 5 }],
    fees: [],
    channels: ['web'],
    deadline: {
      budget: { calendarDays: 30 },
      startsOn: 'filing',
      onComplement: 'pause',
      onExpiry: { action: 'notify', notify: ['supervisor'] },
      ...deadline,
    },
    start: 'review',
    steps: {
      review: {
        type: 'userTask',
        role: 'agent',
        title: { ar: 'دراسة الملف', fr: 'Étudier le dossier', en: 'Review the file' },
        outcomes: { approve: { next: 'ready' }, reject: { next: 'refused' } },
      },
      ready: { type: 'notify', notify: ['citizen'], template: 'administrative-certificate.ready', channels: ['sms'], next: 'granted' },
      granted: { type: 'end', outcome: 'approved', document: 'test-certificate' },
      refused: { type: 'end', outcome: 'rejected', motivation: { ar: 'الملف غير مطابق.', fr: 'Le dossier n’est pas conforme.', en: 'The file does not comply.' } },
    },
  };
}

let stack: TestStack;
let actors: Awaited<ReturnType<typeof people>>;
let smtp: TestSmtpServer;
let gateway: TestSmsGateway;
let notifier: NotificationWorker | undefined;
let phones = 0;

beforeAll(async () => {
  stack = await createTestStack();
  actors = await people(stack, `annex-${stack.id}`);
  [smtp, gateway] = await Promise.all([startSmtpServer(), startSmsGateway({ token: GATEWAY_TOKEN })]);
  await stack.procedures.publish(procedure('notified-certificate'), 'test', 'api');
  await new StaffDirectory(stack.orm).import([
    { id: actors.agentId, officeId: actors.office, role: 'agent', name: 'Youssef', email: 'youssef@annex.ma', phone: '0661000001', language: 'ar' },
    { id: actors.supervisorId, officeId: actors.office, role: 'supervisor', name: 'Khadija', email: 'khadija@annex.ma', language: 'en' },
  ]);
});

afterEach(async () => {
  await notifier?.close();
  notifier = undefined;
});

afterAll(async () => {
  await smtp?.close();
  await gateway?.close();
  await stack?.close();
});

function settings(overrides: Partial<NotificationSettings> = {}): NotificationSettings {
  return {
    ...stack.notifications.settings,
    providers: {
      sms: new SmsGatewayProvider({ url: gateway.url, authorization: `Bearer ${GATEWAY_TOKEN}`, payload: '{"to":"{{to}}","text":"{{text}}","reference":"{{id}}"}' }),
      email: new SmtpProvider({ url: smtp.url, from: 'Annexe de Berkane <notifications@berkane.ma>' }),
    },
    rates: { sms: { max: 100, durationMs: 1000 }, email: { max: 100, durationMs: 1000 } },
    defaultLanguage: 'fr',
    ...overrides,
  };
}

async function startNotifier(overrides: Partial<NotificationSettings> = {}): Promise<NotificationWorker> {
  notifier = new NotificationWorker({ orm: stack.orm, settings: settings(overrides), queues: stack.notifications, relayIntervalMs: 250, log: () => undefined });
  notifier.start();
  await notifier.waitUntilReady();
  return notifier;
}

/** A new Moroccan mobile number per application, so each test reads its own messages. */
function newPhone(): { local: string; international: string } {
  phones += 1;
  const digits = String(10_000_000 + phones + Number.parseInt(stack.id.slice(0, 4), 16) * 100).slice(-8);
  return { local: `06${digits}`, international: `+2126${digits}` };
}

async function file(data: Record<string, unknown>, procedureId = 'notified-certificate') {
  const res = await actors.citizen({ method: 'POST', url: '/applications', payload: { procedureId, officeId: actors.office, data } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { trackingNumber: string; tasks: Array<{ id: string }> };
}

const notificationsOf = (trackingNumber: string) => stack.orm.em.fork().find(Notification, { trackingNumber }, { orderBy: { key: 'asc' } });

async function allSettled(trackingNumber: string, expected: number, status = 'sent') {
  return eventually(async () => {
    const rows = await notificationsOf(trackingNumber);
    return rows.length === expected && rows.every((r) => r.status === status) ? rows : undefined;
  });
}

const smsTo = (phone: string) => gateway.messages.filter((m) => m.to === phone);
const mailsTo = (address: string) => smtp.mails.filter((m) => m.to.includes(address));

/** The administrator's routes for failed messages. */
async function adminApi() {
  return as(stack, await tokenFor('admin'));
}

describe('notifications over BullMQ', () => {
  it('tells the citizen of each event once, even when the activity runs again and the relay passes by', async () => {
    const phone = newPhone();
    const email = `amina-${stack.id}@example.ma`;
    // No notification worker yet: the jobs wait in Redis while the activity is "retried".
    const filed = await file({ phone: phone.local, email, language: 'fr' });
    const approved = await actors.agent({ method: 'POST', url: `/tasks/${filed.tasks[0]!.id}/complete`, payload: { outcome: 'approve' } });
    expect(approved.statusCode, approved.body).toBe(200);

    const rows = await notificationsOf(filed.trackingNumber);
    expect(rows.map((r) => r.template).sort()).toEqual(['administrative-certificate.ready', 'decision', 'filed']);
    expect(rows.every((r) => r.status === 'pending' && r.queuedAt)).toBe(true);

    // Temporal retrying the activity: the same transition recorded twice more.
    const state = (await stack.client.workflow.getHandle(filed.trackingNumber).query(applicationStatus)) as ApplicationState;
    const commands: Command[] = rows.map((r) => ({ type: 'notify', key: r.key, recipients: r.recipients, template: r.template, context: r.context }));
    const { procedureHash } = (await stack.orm.em.fork().findOneOrFail(Application, { trackingNumber: filed.trackingNumber }));
    const activities = createProjectionActivities({ orm: stack.orm, notifications: stack.notifications });
    await activities.recordProjection({ state, commands, procedureHash });
    await activities.recordProjection({ state, commands, procedureHash });
    // And the relay finding the rows as if no activity had queued them.
    await stack.orm.em.fork().nativeUpdate(Notification, { trackingNumber: filed.trackingNumber }, { queuedAt: null });
    await stack.notifications.enqueue(rows.map((r) => r.key));
    expect(await stack.notifications.dispatch.getJobCounts('waiting')).toMatchObject({ waiting: 3 });

    const worker = await startNotifier();
    await worker.relay();
    await allSettled(filed.trackingNumber, 3);
    // Everything that could run twice has run: nothing more may arrive.
    await new Promise((r) => setTimeout(r, 1000));

    const texts = smsTo(phone.international).map((m) => m.text);
    expect(texts).toHaveLength(3);
    expect(texts.filter((t) => t.includes('est enregistrée sous le n°'))).toHaveLength(1);
    expect(texts.filter((t) => t.includes('est prêt'))).toHaveLength(1);
    expect(texts.filter((t) => t.includes('est acceptée'))).toHaveLength(1);
    expect(gateway.requests).toBe(gateway.messages.length);
    // The "ready" step is SMS only; filing and decision also go by e-mail.
    expect(mailsTo(email).map((m) => m.subject).sort()).toEqual([`Décision – ${filed.trackingNumber}`, `Demande enregistrée – ${filed.trackingNumber}`].sort());
    expect(smsTo(phone.international)[0]!.authorization).toBe(`Bearer ${GATEWAY_TOKEN}`);

    const deliveries = await stack.orm.em.fork().find(NotificationDelivery, { notificationKey: { $like: `${filed.trackingNumber}:%` } });
    expect(deliveries).toHaveLength(5);
    expect(deliveries.every((d) => d.status === 'sent' && d.attempts === 1 && d.sentAt)).toBe(true);
  });

  it('writes to each citizen in the language of their form', async () => {
    await startNotifier();
    const words = { ar: 'تم تسجيل طلبكم «شهادة تجريبية»', fr: 'votre demande « Certificat d’essai » est enregistrée', en: 'your application “Test certificate” is registered' };
    const subjects = { ar: 'تسجيل الطلب', fr: 'Demande enregistrée', en: 'Application registered' };
    for (const language of ['ar', 'fr', 'en'] as const) {
      const phone = newPhone();
      const email = `${language}-${stack.id}@example.ma`;
      const filed = await file({ phone: phone.local, email, language });
      await allSettled(filed.trackingNumber, 1);
      const [sms] = smsTo(phone.international);
      expect(sms?.text).toContain(words[language]);
      expect(sms?.text).toContain(filed.trackingNumber);
      const [mail] = mailsTo(email);
      expect(mail?.subject).toBe(`${subjects[language]} – ${filed.trackingNumber}`);
      expect(mail?.text).toContain(words[language]);
      expect(mail?.headers['content-language']).toBe(language);
      expect(mail?.headers['x-mohla-delivery']).toBe(`email~${filed.trackingNumber}~filed~citizen`);
    }
  });

  it("sends a procedure's own message as its definition words it, in the citizen's language", async () => {
    const worded = procedure('worded-certificate');
    worded.steps.ready = { ...worded.steps.ready, template: 'ready', channels: ['sms', 'email'] };
    const definition = {
      ...worded,
      languageVersion: 2,
      messages: {
        ready: {
          title: { ar: 'شهادتكم جاهزة', fr: 'Votre certificat est prêt', en: 'Your certificate is ready' },
          text: {
            ar: 'Mohla: {procedure} ({trackingNumber}) جاهزة، {audience, select, staff {للتسليم} other {تسلم في الشباك}}.',
            fr: 'Mohla : {procedure} ({trackingNumber}) est prêt, {audience, select, staff {à remettre} other {à retirer au guichet}}.',
            en: 'Mohla: {procedure} ({trackingNumber}) is ready, {audience, select, staff {to hand over} other {to collect at the counter}}.',
          },
        },
      },
    };
    // Its filing message rewords Mohla's own `filed` event, which no notify step sends.
    const filedWords = { ar: 'Mohla: سُجل {trackingNumber}.', fr: 'Mohla : {trackingNumber} enregistré, réponse avant le {dueAt}.', en: 'Mohla: {trackingNumber} registered.' };
    Object.assign(definition.messages, { filed: { title: definition.messages.ready.title, text: filedWords } });
    await stack.procedures.publish(definition, 'test', 'api');
    await startNotifier();
    const phone = newPhone();
    const email = `worded-${stack.id}@example.ma`;
    const filed = await file({ phone: phone.local, email, language: 'fr' }, 'worded-certificate');
    const approved = await actors.agent({ method: 'POST', url: `/tasks/${filed.tasks[0]!.id}/complete`, payload: { outcome: 'approve' } });
    expect(approved.statusCode, approved.body).toBe(200);
    await allSettled(filed.trackingNumber, 3);
    expect(smsTo(phone.international).map((m) => m.text)).toContain(`Mohla : Certificat d’essai (${filed.trackingNumber}) est prêt, à retirer au guichet.`);
    expect(mailsTo(email).map((m) => m.subject)).toContain(`Votre certificat est prêt – ${filed.trackingNumber}`);
    expect(smsTo(phone.international).map((m) => m.text)).toContainEqual(expect.stringMatching(new RegExp(`^Mohla : ${filed.trackingNumber} enregistré, réponse avant le \\d+ \\p{L}+ 20\\d\\d à \\d\\d:\\d\\d\\.$`, 'u')));
  });

  it('tells the assignee and the supervisor which task is late and how much time is left', async () => {
    await stack.procedures.publish(
      procedure('warned-certificate', {
        budget: { duration: 'PT6S' },
        warnings: [{ before: { duration: 'PT4S' }, notify: ['assignee', 'supervisor'] }],
      }),
      'test',
      'api',
    );
    await startNotifier();
    const filed = await file({}, 'warned-certificate');
    const claimed = await actors.agent({ method: 'POST', url: `/tasks/${filed.tasks[0]!.id}/claim` });
    expect(claimed.statusCode, claimed.body).toBe(200);
    const warning = await eventually(async () => {
      const rows = await notificationsOf(filed.trackingNumber);
      return rows.find((r) => r.template === 'deadlineWarning' && r.status === 'sent');
    });
    const deliveries = await stack.orm.em.fork().find(NotificationDelivery, { notificationKey: warning.key }, { orderBy: { channel: 'asc', recipient: 'asc' } });
    expect(deliveries.map((d) => `${d.channel}:${d.recipient}`)).toEqual([
      `email:${actors.agentId}`,
      `email:${actors.supervisorId}`,
      `sms:${actors.agentId}`,
    ]);
    const toSupervisor = deliveries.find((d) => d.recipient === actors.supervisorId)!;
    expect(toSupervisor.body).toContain(`deadline approaching for application ${filed.trackingNumber} (“Test certificate”) – task: “Review the file”`);
    expect(toSupervisor.body).toMatch(/Time left: \d+ minutes?/);
    const toAgent = deliveries.find((d) => d.recipient === actors.agentId && d.channel === 'sms')!;
    expect(toAgent.body).toContain('المهمة: «دراسة الملف»');
    expect(toAgent.body).toContain('المدة المتبقية');
    expect(smsTo('+212661000001').some((m) => m.text === toAgent.body)).toBe(true);
  });

  it('keeps to the rate limit of a provider', async () => {
    const rate = { max: 2, durationMs: 1000 };
    await startNotifier({ rates: { sms: rate, email: { max: 100, durationMs: 1000 } } });
    const phone = newPhone();
    const filed = await file({ phone: phone.local });
    await allSettled(filed.trackingNumber, 1);
    const em = stack.orm.em.fork();
    const keys = Array.from({ length: 6 }, (_, i) => `${filed.trackingNumber}:bulk:${i}`);
    for (const key of keys) {
      em.create(Notification, { key, trackingNumber: filed.trackingNumber, template: 'filed', recipients: ['citizen'], context: {}, status: 'pending', createdAt: new Date() });
    }
    await em.flush();
    await stack.notifications.enqueue(keys);
    await allSettled(filed.trackingNumber, 7);
    const arrivals = smsTo(phone.international)
      .filter((m) => m.key.includes('~bulk~'))
      .map((m) => m.at)
      .sort((a, b) => a - b);
    expect(arrivals).toHaveLength(6);
    // Never more than `max` messages within one period. Arrivals are timed at the gateway, after
    // rendering and the HTTP round trip, which a loaded machine stretches for one message and not the
    // next (seen: 204 ms): half a period of margin. Without the limit all six arrive within milliseconds.
    for (let i = 0; i + rate.max < arrivals.length; i++) {
      expect(arrivals[i + rate.max]! - arrivals[i]!, `messages ${i} and ${i + rate.max}`).toBeGreaterThanOrEqual(rate.durationMs / 2);
    }
    expect(arrivals.at(-1)! - arrivals[0]!).toBeGreaterThanOrEqual(2 * rate.durationMs - 200);
  });

  it('lists a message that could not be sent, and sends it when an administrator retries it', async () => {
    await startNotifier();
    const admin = await adminApi();
    const phone = newPhone();
    const email = `failing-${stack.id}@example.ma`;
    gateway.failFor.set(phone.international, 503);
    const filed = await file({ phone: phone.local, email });
    await allSettled(filed.trackingNumber, 1, 'failed');
    // The e-mail left; the SMS used its three attempts.
    expect(mailsTo(email)).toHaveLength(1);
    const listed = await eventually(async () => {
      const res = await admin({ method: 'GET', url: '/notifications/failed' });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toEqual({ failed: eachItem(failedNotificationAnswer()) });
      return (res.json().failed as Array<Record<string, unknown>>).find((f) => f.key === `${filed.trackingNumber}:filed`);
    });
    expect(listed).toEqual(failedNotificationAnswer({ id: `sms~${filed.trackingNumber}~filed~citizen`, stage: 'sms', key: `${filed.trackingNumber}:filed`, recipient: 'citizen', attemptsMade: 3 }));
    expect(listed.reason).toContain('SMS gateway answered 503');
    const before = await admin({ method: 'GET', url: `/notifications?trackingNumber=${filed.trackingNumber}` });
    expect(before.json()).toEqual({ trackingNumber: filed.trackingNumber, notifications: eachItem(notificationAnswer()) });
    expect(before.json().notifications[0]).toEqual(
      notificationAnswer({ status: 'failed', deliveries: [deliveryAnswer({ channel: 'email', status: 'sent' }), deliveryAnswer({ channel: 'sms', status: 'failed', attempts: 3 })] }),
    );

    gateway.failFor.delete(phone.international);
    const retried = await admin({ method: 'POST', url: `/notifications/failed/${listed.id}/retry` });
    expect(retried.statusCode, retried.body).toBe(202);
    expect(retried.json()).toEqual({ retried: failedNotificationAnswer({ id: listed.id, reason: null }) });
    await allSettled(filed.trackingNumber, 1, 'sent');
    expect(smsTo(phone.international)).toHaveLength(1);
    expect(mailsTo(email)).toHaveLength(1);
    const after = await admin({ method: 'GET', url: '/notifications/failed' });
    expect((after.json().failed as Array<{ id: string }>).map((f) => f.id)).not.toContain(listed.id);
    expect((await admin({ method: 'POST', url: `/notifications/failed/${listed.id}/retry` })).statusCode).toBe(404);
  });

  it('gives up at once on a refusal, and on a role nobody holds until the directory has them', async () => {
    await startNotifier();
    const admin = await adminApi();
    const phone = newPhone();
    gateway.failFor.set(phone.international, 400);
    smtp.refuseNext(1, 550);
    const email = `refused-${stack.id}@example.ma`;
    const refused = await file({ phone: phone.local, email });
    await allSettled(refused.trackingNumber, 1, 'failed');
    const deliveries = await eventually(async () => {
      const rows = await stack.orm.em.fork().find(NotificationDelivery, { notificationKey: `${refused.trackingNumber}:filed` }, { orderBy: { channel: 'asc' } });
      return rows.length === 2 && rows.every((d) => d.status === 'failed') ? rows : undefined;
    });
    expect(deliveries.map((d) => [d.channel, d.status, d.attempts])).toEqual([
      ['email', 'failed', 1],
      ['sms', 'failed', 1],
    ]);
    expect(deliveries[0]!.error).toContain('SMTP 550');

    // A legal deadline that expires at once tells the president, whom this office does not have yet.
    await stack.procedures.publish(procedure('unstaffed-certificate', { budget: { duration: 'PT1S' }, onExpiry: { action: 'notify', notify: ['president'] } }), 'test', 'api');
    const late = await file({}, 'unstaffed-certificate');
    const gap = await eventually(async () => {
      const res = await admin({ method: 'GET', url: '/notifications/failed' });
      return (res.json().failed as Array<{ id: string; key: string; stage: string; reason: string }>).find((f) => f.key === `${late.trackingNumber}:expired:legal`);
    });
    expect(gap.stage).toBe('dispatch');
    expect(gap.reason).toContain(`nobody holds the role "president" in office ${actors.office}`);
    await new StaffDirectory(stack.orm).import([{ id: `president-${stack.id}`, officeId: actors.office, role: 'president', name: 'Le président', email: `president-${stack.id}@berkane.ma` }]);
    expect((await admin({ method: 'POST', url: `/notifications/failed/${gap.id}/retry` })).statusCode).toBe(202);
    await eventually(async () => ((await stack.orm.em.fork().findOne(Notification, { key: gap.key }))?.status === 'sent' ? true : undefined));
    const [toPresident] = mailsTo(`president-${stack.id}@berkane.ma`);
    expect(toPresident?.text).toContain(`le délai de la demande ${late.trackingNumber}`);
  });
});
