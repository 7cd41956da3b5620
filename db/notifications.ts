/**
 * The notification outbox in PostgreSQL: which messages the workflow asked for (`notification`), which
 * deliveries they became and where each stands (`notification_delivery`). The queue only carries work;
 * these rows decide whether something is still to be sent, so no retry, relay or replayed job can
 * send a message twice.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import {
  Notification,
  NotificationDelivery,
  type ApplicationRecord,
  type NotificationDeliveryRecord,
  type NotificationRecord,
  type StaffMemberRecord,
  type TaskRecord,
} from './entities.js';
import { query, transaction } from './sql.js';

/** The channel of a gap row: a recipient nobody could be found for. */
export const NO_CHANNEL = 'none';

/** A message the dispatcher planned (notifications/recipients.ts). */
export type PlannedMessage = Pick<NotificationDeliveryRecord, 'channel' | 'recipient' | 'language' | 'subject' | 'body'> & { address: string };

/** A recipient the definition names but nobody can be found for. */
export interface RecipientGap {
  recipient: string;
  reason: string;
}

/** A change to a delivery, made in the same transaction as the refresh of its notification's status. */
type DeliveryChange = [text: string, values: unknown[]];

export interface DispatchInputs {
  notification: NotificationRecord;
  application: Pick<ApplicationRecord, 'trackingNumber' | 'officeId' | 'procedureId' | 'procedureVersion' | 'data' | 'dueAt' | 'deadline' | 'outcome' | 'motivation'>;
  tasks: Array<Pick<TaskRecord, 'id' | 'stepId' | 'role' | 'status' | 'assignee'>>;
  staff: StaffMemberRecord[];
}

/** Raw queries return timestamps as text. */
const asDate = (value: unknown): Date | null => (value === null || value === undefined ? null : value instanceof Date ? value : new Date(String(value)));

export interface ClaimedMessage {
  address: string | null;
  language: string;
  subject: string;
  body: string;
}

export type Claim =
  | { outcome: 'claimed'; message: ClaimedMessage }
  | { outcome: 'interrupted'; message: ClaimedMessage }
  | { outcome: 'sent' }
  | { outcome: 'missing' };

export class NotificationStore {
  constructor(private readonly orm: MikroORM) {}

  async notification(key: string): Promise<NotificationRecord | null> {
    return this.orm.em.fork().findOne(Notification, { key });
  }

  /** What the dispatcher needs to plan a notification; undefined when the row is missing. */
  async dispatchInputs(key: string): Promise<DispatchInputs | undefined> {
    // Plain SQL on this path: it runs for every message, and entity hydration cost more than the queries.
    const [row] = await query(
      this.orm,
      `select n.key, n.tracking_number, n.template, n.recipients, n.context, n.status as notification_status, n.created_at, n.queued_at,
              a.office_id, a.procedure_id, a.procedure_version, a.data, a.due_at, a.deadline, a.outcome, a.motivation
         from notification n join application a on a.tracking_number = n.tracking_number
        where n.key = $1`,
      [key],
    );
    if (!row) return undefined;
    const trackingNumber = row.tracking_number as string;
    const tasks = (await query(this.orm, 'select id, step_id, role, status, assignee from task where tracking_number = $1', [trackingNumber])).map((t) => ({
      id: t.id as string,
      stepId: t.step_id as string,
      role: t.role as string,
      status: t.status as string,
      assignee: (t.assignee as string | null) ?? null,
    }));
    const assignees = tasks.map((t) => t.assignee).filter((a): a is string => Boolean(a));
    const staff = (await query(
      this.orm,
      'select id, office_id, role, name, email, phone, language, updated_at from staff_member where office_id = $1 or id = any($2::text[])',
      [row.office_id, assignees],
    )).map((m) => ({
      id: m.id as string,
      officeId: m.office_id as string,
      role: m.role as string,
      name: m.name as string,
      email: (m.email as string | null) ?? null,
      phone: (m.phone as string | null) ?? null,
      language: m.language as string,
      updatedAt: asDate(m.updated_at) ?? new Date(0),
    }));
    return {
      notification: {
        key: row.key as string,
        trackingNumber,
        template: row.template as string,
        recipients: row.recipients as string[],
        context: row.context as Record<string, unknown>,
        status: row.notification_status as string,
        createdAt: asDate(row.created_at) ?? new Date(0),
        queuedAt: asDate(row.queued_at),
      },
      application: {
        trackingNumber,
        officeId: row.office_id as string,
        procedureId: row.procedure_id as string,
        procedureVersion: Number(row.procedure_version),
        data: row.data as Record<string, unknown>,
        dueAt: asDate(row.due_at),
        deadline: (row.deadline as Record<string, unknown> | null) ?? null,
        outcome: (row.outcome as string | null) ?? null,
        motivation: (row.motivation as string | null) ?? null,
      },
      tasks,
      staff,
    };
  }

  /**
   * Records the plan: new deliveries are added, deliveries already known keep their state (a second
   * dispatch never resets a sent message), and the gaps are replaced by the ones found now.
   */
  async savePlan(key: string, deliveries: PlannedMessage[], gaps: RecipientGap[]): Promise<void> {
    const rows = [
      ...deliveries.map((d) => [key, d.channel, d.recipient, d.address, d.language, d.subject, d.body, 'pending', null]),
      ...gaps.map((g) => [key, NO_CHANNEL, g.recipient.slice(0, 128), null, 'fr', '', '', 'failed', g.reason]),
    ];
    // One text per number of rows: a plan names a handful of recipients, so there are few.
    const placeholders = rows.map((_, r) => `(${Array.from({ length: 9 }, (_, c) => `$${r * 9 + c + 1}`).join(', ')}, 0, now(), now())`);
    await transaction(this.orm, async (sql) => {
      await sql('delete from notification_delivery where notification_key = $1 and channel = $2', [key, NO_CHANNEL]);
      if (!rows.length) return;
      await sql(
        `insert into notification_delivery
           (notification_key, channel, recipient, address, language, subject, body, status, error, attempts, created_at, updated_at)
         values ${placeholders.join(', ')}
         on conflict (notification_key, channel, recipient) do nothing`,
        rows.flat(),
      );
    });
  }

  async deliveries(key: string): Promise<Array<Pick<NotificationDeliveryRecord, 'channel' | 'recipient' | 'status'>>> {
    return query<Pick<NotificationDeliveryRecord, 'channel' | 'recipient' | 'status'>>(
      this.orm,
      'select channel, recipient, status from notification_delivery where notification_key = $1 order by channel, recipient',
      [key],
    );
  }

  async delivery(key: string, channel: string, recipient: string): Promise<NotificationDeliveryRecord | null> {
    return this.orm.em.fork().findOne(NotificationDelivery, { notificationKey: key, channel, recipient });
  }

  /**
   * Takes a delivery for sending, with its message. `claimed`: this attempt may send; `sent`: an
   * earlier one did; `interrupted`: an earlier attempt began sending and never said how it ended (its
   * worker died), so only an idempotent provider may be asked again.
   */
  async claim(key: string, channel: string, recipient: string): Promise<Claim> {
    const [claimed] = await query<ClaimedMessage>(
      this.orm,
      `update notification_delivery set status = 'sending', attempts = attempts + 1, updated_at = now()
        where notification_key = $1 and channel = $2 and recipient = $3 and status in ('pending', 'failed')
        returning address, language, subject, body`,
      [key, channel, recipient],
    );
    if (claimed) return { outcome: 'claimed', message: claimed };
    const [row] = await query<ClaimedMessage & { status: string }>(
      this.orm,
      'select status, address, language, subject, body from notification_delivery where notification_key = $1 and channel = $2 and recipient = $3',
      [key, channel, recipient],
    );
    if (!row) return { outcome: 'missing' };
    if (row.status === 'sent') return { outcome: 'sent' };
    return { outcome: 'interrupted', message: row };
  }

  async markSent(key: string, channel: string, recipient: string, provider: string, providerMessageId?: string): Promise<void> {
    await this.refreshStatus(key, [
      `update notification_delivery set status = 'sent', sent_at = now(), updated_at = now(), error = null, provider = $1, provider_message_id = $2
        where notification_key = $3 and channel = $4 and recipient = $5`,
      [provider, providerMessageId ?? null, key, channel, recipient],
    ]);
  }

  /** A failed attempt: `pending` while retries remain, `failed` when none do (never over a sent message). */
  async markAttemptFailed(key: string, channel: string, recipient: string, error: string, final: boolean): Promise<void> {
    const change: DeliveryChange = [
      `update notification_delivery set status = $1, error = $2, updated_at = now()
        where notification_key = $3 and channel = $4 and recipient = $5 and status <> 'sent'`,
      [final ? 'failed' : 'pending', error.slice(0, 2000), key, channel, recipient],
    ];
    if (final) await this.refreshStatus(key, change);
    else await query(this.orm, ...change);
  }

  /** Only the dispatch itself failed (no plan could be made): the notification as a whole failed. */
  async markDispatchFailed(key: string): Promise<void> {
    await query(this.orm, `update notification set status = 'failed' where key = $1 and status = 'pending'`, [key]);
  }

  /** An administrator asked for another try: what failed becomes pending again. */
  async reopen(key: string, delivery?: { channel: string; recipient: string }): Promise<void> {
    if (delivery) {
      await query(
        this.orm,
        `update notification_delivery set status = 'pending', error = null, updated_at = now()
          where notification_key = $1 and channel = $2 and recipient = $3 and status <> 'sent'`,
        [key, delivery.channel, delivery.recipient],
      );
    }
    await query(this.orm, `update notification set status = 'pending' where key = $1 and status = 'failed'`, [key]);
  }

  /**
   * The notification's status follows its deliveries: failed if one failed (or a recipient could not
   * be found), sent when every one was sent, unreachable when there was nobody to send to.
   */
  async refreshStatus(key: string, change?: DeliveryChange): Promise<void> {
    await transaction(this.orm, async (sql) => {
      // Deliveries of one notification finish concurrently. Each refresh first takes the row's lock,
      // so its next statement reads every delivery committed before: the last one to finish decides.
      await sql('select key from notification where key = $1 for update', [key]);
      if (change) await sql(...change);
      await sql(
        `update notification n set status = case
            when exists (select 1 from notification_delivery d where d.notification_key = n.key and d.status = 'failed') then 'failed'
            when not exists (select 1 from notification_delivery d where d.notification_key = n.key) then 'unreachable'
            when not exists (select 1 from notification_delivery d where d.notification_key = n.key and d.status <> 'sent') then 'sent'
            else 'pending' end
          where n.key = $1`,
        [key],
      );
    });
  }

  /** Outbox rows no queue has seen yet, oldest first: what the relay hands over. */
  async notQueued(limit: number): Promise<string[]> {
    const rows = await query<{ key: string }>(this.orm, `select key from notification where status = 'pending' and queued_at is null order by created_at limit $1`, [limit]);
    return rows.map((r) => r.key);
  }

  async markQueued(keys: string[]): Promise<void> {
    if (!keys.length) return;
    await this.orm.em.fork().nativeUpdate(Notification, { key: { $in: keys }, queuedAt: null }, { queuedAt: new Date() });
  }

  async forApplication(trackingNumber: string): Promise<Array<NotificationRecord & { deliveries: NotificationDeliveryRecord[] }>> {
    const em = this.orm.em.fork();
    const rows = await em.find(Notification, { trackingNumber }, { orderBy: { createdAt: 'asc', key: 'asc' } });
    const deliveries = rows.length
      ? await em.find(NotificationDelivery, { notificationKey: { $in: rows.map((r) => r.key) } }, { orderBy: { channel: 'asc', recipient: 'asc' } })
      : [];
    return rows.map((r) => ({ ...r, deliveries: deliveries.filter((d) => d.notificationKey === r.key) }));
  }
}
