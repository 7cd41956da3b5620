/**
 * The BullMQ queues of notifications, producer side: one dispatch queue (a job per outbox row, whose id
 * is the row's business key) and one queue per channel (a job per message), so each provider has its
 * own rate limit. Job ids are deterministic: adding a job that already exists does nothing, which is
 * what makes a retried activity or a relay pass harmless.
 */
import { SpanKind } from '@opentelemetry/api';
import { Queue, type Job, type JobsOptions, type RedisOptions } from 'bullmq';
import { inChildSpan } from '../infra/tracing.js';
import { deliveryJobId, dispatchJobId, parseJobId } from '../engine/ids.js';
import { CHANNELS, isChannel, type Channel, type DeliveryJob, type DispatchJob } from './types.js';

export const DISPATCH_QUEUE = 'notifications';
export const channelQueueName = (channel: Channel) => `notifications-${channel}`;

export interface QueueSettings {
  redisUrl: string;
  /** Redis key prefix: one per deployment (or per test file) sharing a Redis. */
  prefix: string;
  attempts: number;
  backoffMs: number;
}

/** Redis connection options shared by every notification connection. */
export function redisOptions(redisUrl: string, extra: RedisOptions = {}): RedisOptions {
  return {
    url: redisUrl,
    // Reconnect quickly and keep trying: Redis coming back must not wait for a long backoff.
    retryStrategy: (times: number) => Math.min(times * 250, 2000),
    ...extra,
  };
}

function jobOptions(settings: Pick<QueueSettings, 'attempts' | 'backoffMs'>): JobsOptions {
  return {
    attempts: settings.attempts,
    backoff: { type: 'exponential', delay: settings.backoffMs },
    // Kept for a day so a late duplicate add still finds its job; the outbox rows are the real record.
    removeOnComplete: { age: 24 * 3600, count: 100_000 },
    // Failed jobs stay until an administrator retries them.
    removeOnFail: false,
  };
}

export interface FailedNotification {
  /** The job id: what POST /notifications/failed/:id/retry takes. */
  id: string;
  /** `dispatch` (finding the recipients) or the channel of one message. */
  stage: 'dispatch' | Channel;
  key: string;
  recipient: string | null;
  attemptsMade: number;
  reason: string;
  failedAt: string | null;
}

class TimeoutError extends Error {}

/** `work`, or a QueueTimeoutError after `ms`: Redis away must not hold a caller longer than that. */
export function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new TimeoutError(`Redis did not answer within ${ms} ms (${what})`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** A producer span around one batch added to a queue: its stage and size, never a job's contents. */
function enqueueSpan<T>(queue: string, count: number, add: () => Promise<T>): Promise<T> {
  return inChildSpan(`bullmq add ${queue}`, { kind: SpanKind.PRODUCER, attributes: { 'messaging.system': 'bullmq', 'messaging.destination.name': queue, 'messaging.batch.message_count': count } }, add);
}

export class NotificationQueues {
  readonly dispatch: Queue<DispatchJob>;
  readonly channels: Record<Channel, Queue<DeliveryJob>>;
  readonly settings: QueueSettings;

  constructor(settings: QueueSettings, private readonly timeoutMs = 3000) {
    this.settings = settings;
    // Fail at once while Redis is away rather than queue commands in memory: the outbox rows wait in
    // PostgreSQL, and the relay hands them over when Redis is back.
    const connection = redisOptions(settings.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    const options = { connection, prefix: settings.prefix, defaultJobOptions: jobOptions(settings) };
    this.dispatch = new Queue<DispatchJob>(DISPATCH_QUEUE, options);
    this.channels = Object.fromEntries(CHANNELS.map((c) => [c, new Queue<DeliveryJob>(channelQueueName(c), options)])) as Record<Channel, Queue<DeliveryJob>>;
    for (const queue of this.all()) queue.on('error', () => undefined);
  }

  private all(): Array<Queue<DispatchJob> | Queue<DeliveryJob>> {
    return [this.dispatch, ...Object.values(this.channels)];
  }

  /** Queues the outbox rows with these keys for dispatch (a key already queued is left alone). */
  async enqueue(keys: string[]): Promise<void> {
    if (!keys.length) return;
    await enqueueSpan('dispatch', keys.length, () =>
      within(
        this.timeoutMs,
        'queueing notifications',
        this.dispatch.addBulk(keys.map((key) => ({ name: 'dispatch', data: { key }, opts: { jobId: dispatchJobId(key) } }))),
      ),
    );
  }

  async enqueueDeliveries(jobs: DeliveryJob[]): Promise<void> {
    for (const channel of CHANNELS) {
      const mine = jobs.filter((j) => j.channel === channel);
      if (!mine.length) continue;
      await enqueueSpan(channel, mine.length, () =>
        within(
          this.timeoutMs,
          `queueing ${channel} messages`,
          this.channels[channel].addBulk(mine.map((data) => ({ name: 'deliver', data, opts: { jobId: deliveryJobId(data) } }))),
        ),
      );
    }
  }

  /** The queue a job id belongs to, read from the id itself. */
  private queueOf(id: string): { stage: FailedNotification['stage']; queue: Queue<DispatchJob> | Queue<DeliveryJob> } {
    const job = parseJobId(id, CHANNELS);
    return job?.stage === 'delivery' && isChannel(job.channel) ? { stage: job.channel, queue: this.channels[job.channel] } : { stage: 'dispatch', queue: this.dispatch };
  }

  private view(stage: FailedNotification['stage'], job: Job<DispatchJob> | Job<DeliveryJob>): FailedNotification {
    const data = job.data as Partial<DeliveryJob>;
    return {
      id: job.id ?? '',
      stage,
      key: data.key ?? '',
      recipient: data.recipient ?? null,
      attemptsMade: job.attemptsMade,
      reason: job.failedReason ?? '',
      failedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
    };
  }

  /** Every failed job, most recent first. */
  async failed(limit = 200): Promise<FailedNotification[]> {
    const stages: Array<[FailedNotification['stage'], Queue<DispatchJob> | Queue<DeliveryJob>]> = [
      ['dispatch', this.dispatch],
      ...CHANNELS.map((c) => [c, this.channels[c]] as [Channel, Queue<DeliveryJob>]),
    ];
    const views: FailedNotification[] = [];
    for (const [stage, queue] of stages) {
      const jobs = (await within(this.timeoutMs, 'listing failed notifications', queue.getFailed(0, limit - 1))) as Array<Job<DispatchJob> | Job<DeliveryJob>>;
      views.push(...jobs.filter(Boolean).map((job) => this.view(stage, job)));
    }
    return views.sort((a, b) => (b.failedAt ?? '').localeCompare(a.failedAt ?? '')).slice(0, limit);
  }

  async failedJob(id: string): Promise<FailedNotification | undefined> {
    const { stage, queue } = this.queueOf(id);
    const job = (await within(this.timeoutMs, 'reading a job', queue.getJob(id))) as Job<DispatchJob> | Job<DeliveryJob> | undefined;
    if (!job || !(await job.isFailed())) return undefined;
    return this.view(stage, job);
  }

  /** Puts a failed job back in its queue with every attempt available again. */
  async retry(id: string): Promise<void> {
    const { queue } = this.queueOf(id);
    const job = await queue.getJob(id);
    if (!job) throw new Error(`no job ${id}`);
    await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
  }

  async close(): Promise<void> {
    await Promise.all(this.all().map((q) => q.close().catch(() => undefined)));
  }

  /** Tests and benchmarks: removes every key of these queues. */
  async obliterate(): Promise<void> {
    await Promise.all(this.all().map((q) => q.obliterate({ force: true })));
  }
}

export { TimeoutError as QueueTimeoutError };
