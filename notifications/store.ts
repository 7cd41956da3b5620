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
} from '../db/entities.js';
import type { Gap, PlannedDelivery } from './recipients.js';
import type { Channel } from './types.js';

/** The channel of a gap row: a recipient nobody could be found for. */
export const NO_CHANNEL = 'none';

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

  private get connection() {
    return this.orm.em.getConnection();
  }

  async notification(key: string): Promise<NotificationRecord | null> {
    return this.orm.em.fork().findOne(Notification, { key });
  }

  /** What the dispatcher needs to plan a notification; undefined when the row is missing. */
  async dispatchInputs(key: string): Promise<DispatchInputs | undefined> {
    // Plain SQL on this path: it runs for every message, and entity hydration cost more than the queries.
    const [row] = await this.connection.execute<Array<Record<string, unknown>>>(
      `select n.key, n.tracking_number, n.template, n.recipients, n.context, n.status as notification_status, n.created_at, n.queued_at,
              a.office_id, a.procedure_id, a.procedure_version, a.data, a.due_at, a.deadline, a.outcome, a.motivation
         from notification n join application a on a.tracking_number = n.tracking_number
        where n.key = ?`,
      [key],
    );
    if (!row) return undefined;
    const trackingNumber = row.tracking_number as string;
    const tasks = (await this.connection.execute<Array<Record<string, unknown>>>(
      'select id, step_id, role, status, assignee from task where tracking_number = ?',
      [trackingNumber],
    )).map((t) => ({ id: t.id as string, stepId: t.step_id as string, role: t.role as string, status: t.status as string, assignee: (t.assignee as string | null) ?? null }));
    const assignees = tasks.map((t) => t.assignee).filter((a): a is string => Boolean(a));
    const staff = (await this.connection.execute<Array<Record<string, unknown>>>(
      `select id, office_id, role, name, email, phone, language, updated_at from staff_member where office_id = ?${assignees.length ? ` or id in (${assignees.map(() => '?').join(', ')})` : ''}`,
      [row.office_id, ...assignees],
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
  async savePlan(key: string, deliveries: PlannedDelivery[], gaps: Gap[]): Promise<void> {
    const rows = [
      ...deliveries.map((d) => [key, d.channel, d.recipient, d.address, d.language, d.subject, d.body, 'pending', null]),
      ...gaps.map((g) => [key, NO_CHANNEL, g.recipient.slice(0, 128), null, 'fr', '', '', 'failed', g.reason]),
    ];
    await this.orm.em.fork().transactional(async (em) => {
      const connection = em.getConnection();
      const tx = em.getTransactionContext();
      await connection.execute('delete from notification_delivery where notification_key = ? and channel = ?', [key, NO_CHANNEL], 'all', tx);
      if (!rows.length) return;
      await connection.execute(
        `insert into notification_delivery
           (notification_key, channel, recipient, address, language, subject, body, status, error, attempts, created_at, updated_at)
         values ${rows.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, 0, now(), now())').join(', ')}
         on conflict (notification_key, channel, recipient) do nothing`,
        rows.flat(),
        'all',
        tx,
      );
    });
  }

  async deliveries(key: string): Promise<Array<Pick<NotificationDeliveryRecord, 'channel' | 'recipient' | 'status'>>> {
    return this.connection.execute<Array<Pick<NotificationDeliveryRecord, 'channel' | 'recipient' | 'status'>>>(
      'select channel, recipient, status from notification_delivery where notification_key = ? order by channel, recipient',
      [key],
    );
  }

  async delivery(key: string, channel: Channel, recipient: string): Promise<NotificationDeliveryRecord | null> {
    return this.orm.em.fork().findOne(NotificationDelivery, { notificationKey: key, channel, recipient });
  }

  /**
   * Takes a delivery for sending, with its message. `claimed`: this attempt may send; `sent`: an
   * earlier one did; `interrupted`: an earlier attempt began sending and never said how it ended (its
   * worker died), so only an idempotent provider may be asked again.
   */
  async claim(key: string, channel: Channel, recipient: string): Promise<Claim> {
    const [claimed] = await this.connection.execute<Array<ClaimedMessage>>(
      `update notification_delivery set status = 'sending', attempts = attempts + 1, updated_at = now()
        where notification_key = ? and channel = ? and recipient = ? and status in ('pending', 'failed')
        returning address, language, subject, body`,
      [key, channel, recipient],
    );
    if (claimed) return { outcome: 'claimed', message: claimed };
    const [row] = await this.connection.execute<Array<ClaimedMessage & { status: string }>>(
      'select status, address, language, subject, body from notification_delivery where notification_key = ? and channel = ? and recipient = ?',
      [key, channel, recipient],
    );
    if (!row) return { outcome: 'missing' };
    if (row.status === 'sent') return { outcome: 'sent' };
    return { outcome: 'interrupted', message: row };
  }

  async markSent(key: string, channel: Channel, recipient: string, provider: string, providerMessageId?: string): Promise<void> {
    await this.refreshStatus(key, [
      `update notification_delivery set status = 'sent', sent_at = now(), updated_at = now(), error = null, provider = ?, provider_message_id = ?
        where notification_key = ? and channel = ? and recipient = ?`,
      [provider, providerMessageId ?? null, key, channel, recipient],
    ]);
  }

  /** A failed attempt: `pending` while retries remain, `failed` when none do (never over a sent message). */
  async markAttemptFailed(key: string, channel: Channel, recipient: string, error: string, final: boolean): Promise<void> {
    const change: [string, unknown[]] = [
      `update notification_delivery set status = ?, error = ?, updated_at = now()
        where notification_key = ? and channel = ? and recipient = ? and status <> 'sent'`,
      [final ? 'failed' : 'pending', error.slice(0, 2000), key, channel, recipient],
    ];
    if (final) await this.refreshStatus(key, change);
    else await this.connection.execute(change[0], change[1]);
  }

  /** Only the dispatch itself failed (no plan could be made): the notification as a whole failed. */
  async markDispatchFailed(key: string): Promise<void> {
    await this.connection.execute(`update notification set status = 'failed' where key = ? and status = 'pending'`, [key]);
  }

  /** An administrator asked for another try: what failed becomes pending again. */
  async reopen(key: string, delivery?: { channel: Channel; recipient: string }): Promise<void> {
    if (delivery) {
      await this.connection.execute(
        `update notification_delivery set status = 'pending', error = null, updated_at = now()
          where notification_key = ? and channel = ? and recipient = ? and status <> 'sent'`,
        [key, delivery.channel, delivery.recipient],
      );
    }
    await this.connection.execute(`update notification set status = 'pending' where key = ? and status = 'failed'`, [key]);
  }

  /**
   * The notification's status follows its deliveries: failed if one failed (or a recipient could not
   * be found), sent when every one was sent, unreachable when there was nobody to send to.
   */
  async refreshStatus(key: string, change?: [string, unknown[]]): Promise<void> {
    await this.orm.em.fork().transactional(async (em) => {
      const connection = em.getConnection();
      const tx = em.getTransactionContext();
      // Deliveries of one notification finish concurrently. Each refresh first takes the row's lock,
      // so its next statement reads every delivery committed before: the last one to finish decides.
      await connection.execute('select key from notification where key = ? for update', [key], 'all', tx);
      if (change) await connection.execute(change[0], change[1], 'all', tx);
      await connection.execute(
        `update notification n set status = case
            when exists (select 1 from notification_delivery d where d.notification_key = n.key and d.status = 'failed') then 'failed'
            when not exists (select 1 from notification_delivery d where d.notification_key = n.key) then 'unreachable'
            when not exists (select 1 from notification_delivery d where d.notification_key = n.key and d.status <> 'sent') then 'sent'
            else 'pending' end
          where n.key = ?`,
        [key],
        'all',
        tx,
      );
    });
  }

  /** Outbox rows no queue has seen yet, oldest first: what the relay hands over. */
  async notQueued(limit: number): Promise<string[]> {
    const rows = await this.connection.execute<Array<{ key: string }>>(
      `select key from notification where status = 'pending' and queued_at is null order by created_at limit ?`,
      [limit],
    );
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
