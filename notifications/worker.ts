/**
 * The notification worker: plans each outbox row into messages (dispatch queue), sends each message
 * through its channel's provider within that provider's rate limit (channel queues), and relays to the
 * queue whatever the activities could not hand over while Redis was away. It runs inside the Temporal
 * worker process and inside `mohla dev`.
 */
import { UnrecoverableError, Worker, type Job, type WorkerOptions } from 'bullmq';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { ProcedureDefinition } from '../engine/definition.generated.js';
import { ProcedureRegistry } from '../registry/published.js';
import type { NotificationSettings } from './config.js';
import { deliveryJobId } from '../engine/ids.js';
import { channelQueueName, DISPATCH_QUEUE, NotificationQueues, redisOptions } from './queues.js';
import { planDeliveries } from './recipients.js';
import { NO_CHANNEL, NotificationStore } from '../db/notifications.js';
import { CHANNELS, isChannel, isLanguage, PermanentDeliveryError, type Channel, type DeliveryJob, type DispatchJob } from './types.js';
import { loggableMessage } from '../infra/log-redaction.js';
import { createLogger, type Logger } from '../infra/logger.js';
import type { DeliveryMetrics } from './delivery-metrics.js';

export interface NotificationWorkerOptions {
  orm: MikroORM;
  settings: NotificationSettings;
  /** The producer side; one is made from the settings when not given. */
  queues?: NotificationQueues;
  procedures?: ProcedureRegistry;
  /** How often rows that never reached the queue are handed over (default 5 s). */
  relayIntervalMs?: number;
  /** Messages sent at once per channel by this process (the rate limit still applies across processes). */
  concurrency?: number;
  /** BullMQ tuning (tests shorten the stalled-job checks). */
  workerOptions?: Partial<WorkerOptions>;
  /** Where its lines go; a JSON logger of its own (infra/logger.ts) on standard output otherwise. */
  log?: (line: string) => void;
  now?: () => Date;
  /** Where sends and failed attempts are counted (the worker process's Prometheus registry). */
  metrics?: DeliveryMetrics;
}

const RELAY_BATCH = 500;

export class NotificationWorker {
  readonly queues: NotificationQueues;
  readonly store: NotificationStore;
  private readonly ownsQueues: boolean;
  private readonly procedures: ProcedureRegistry;
  private readonly workers: Worker[] = [];
  private relayTimer?: NodeJS.Timeout;
  private relaying?: Promise<void>;
  private lastRelayError = '';
  private closed = false;

  constructor(private readonly options: NotificationWorkerOptions) {
    this.ownsQueues = !options.queues;
    this.queues = options.queues ?? new NotificationQueues(options.settings);
    this.store = new NotificationStore(options.orm);
    this.procedures = options.procedures ?? new ProcedureRegistry(options.orm);
  }

  private log(line: string): void {
    if (this.options.log) this.options.log(`notifications: ${line}`);
    else (this.ownLog ??= createLogger('mohla-notifications', 'info')).info(line);
  }

  private ownLog?: Logger;

  start(): this {
    const { settings } = this.options;
    const base: Partial<WorkerOptions> = {
      connection: redisOptions(settings.redisUrl, { maxRetriesPerRequest: null }),
      prefix: settings.prefix,
      ...this.options.workerOptions,
    };
    const dispatch = new Worker<DispatchJob>(DISPATCH_QUEUE, (job) => this.dispatch(job), {
      ...base,
      concurrency: this.options.concurrency ?? 4,
    } as WorkerOptions);
    // afterFailure logs what it could not record, so the event handlers need not wait for it.
    dispatch.on('failed', (job) => {
      if (job) void this.afterFailure(job, () => this.store.markDispatchFailed(job.data.key));
    });
    this.workers.push(dispatch);
    for (const channel of CHANNELS) {
      const rate = settings.rates[channel];
      const worker = new Worker<DeliveryJob>(channelQueueName(channel), (job) => this.deliver(job), {
        ...base,
        concurrency: this.options.concurrency ?? 4,
        limiter: { max: rate.max, duration: rate.durationMs },
      } as WorkerOptions);
      // A job that died with its worker more often than allowed fails without reaching the processor.
      worker.on('failed', (job, err) => {
        if (job) {
          void this.afterFailure(job, () => this.store.markAttemptFailed(job.data.key, job.data.channel, job.data.recipient, err.message, true));
        }
      });
      this.workers.push(worker);
    }
    for (const worker of this.workers) worker.on('error', (err) => this.log(`queue error: ${loggableMessage(err.message)}`));
    // relay() catches and logs its own failures, and the next tick tries again.
    this.relayTimer = setInterval(() => void this.relay(), this.options.relayIntervalMs ?? 5000);
    return this;
  }

  private async afterFailure(job: Job, record: () => Promise<void>): Promise<void> {
    try {
      if (await job.isFailed()) await record();
    } catch (err) {
      this.log(`could not record the failure of ${job.id}: ${loggableMessage((err as Error).message)}`);
    }
  }

  async waitUntilReady(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.waitUntilReady()));
  }

  private async definition(procedureId: string, version: number): Promise<ProcedureDefinition | undefined> {
    return (await this.procedures.get(procedureId, version))?.definition;
  }

  /** One outbox row → the deliveries it means, then one job per delivery still to send. */
  private async dispatch(job: Job<DispatchJob>): Promise<string> {
    const { key } = job.data;
    const inputs = await this.store.dispatchInputs(key);
    if (!inputs) throw new UnrecoverableError(`no outbox row (or no application) for ${key}`);
    if (inputs.notification.status !== 'pending') return `already ${inputs.notification.status}`;
    const plan = planDeliveries({
      notification: inputs.notification,
      application: inputs.application,
      tasks: inputs.tasks,
      staff: inputs.staff,
      definition: await this.definition(inputs.application.procedureId, inputs.application.procedureVersion),
      defaultLanguage: this.options.settings.defaultLanguage,
      now: this.options.now?.() ?? new Date(),
    });
    await this.store.savePlan(key, plan.deliveries, plan.gaps);
    const toSend = (await this.store.deliveries(key)).filter((d) => d.channel !== NO_CHANNEL && d.status !== 'sent' && isChannel(d.channel));
    await this.queues.enqueueDeliveries(toSend.map((d) => ({ key, channel: d.channel as Channel, recipient: d.recipient })));
    await this.store.refreshStatus(key);
    if (plan.gaps.length) {
      // The others are on their way; this job waits in the failed list until the directory is fixed.
      throw new UnrecoverableError(`some recipients cannot be reached: ${plan.gaps.map((g) => `${g.recipient} (${g.reason})`).join('; ')}`);
    }
    return `${toSend.length} message(s) queued`;
  }

  private async deliver(job: Job<DeliveryJob>): Promise<string> {
    const { key, channel, recipient } = job.data;
    const provider = this.options.settings.providers[channel];
    const claim = await this.store.claim(key, channel, recipient);
    if (claim.outcome === 'sent') return 'already sent';
    if (claim.outcome === 'missing') throw new UnrecoverableError(`no delivery ${channel} to ${recipient} for ${key}`);
    if (claim.outcome === 'interrupted' && !provider.idempotent) {
      const reason =
        `an earlier attempt stopped in the middle of sending through ${provider.name}: the message may have left. ` +
        'Retry only after checking that it did not reach the recipient.';
      await this.store.markAttemptFailed(key, channel, recipient, reason, true);
      this.options.metrics?.failed(channel, 'interrupted', true);
      throw new UnrecoverableError(reason);
    }
    const delivery = claim.message;
    if (!delivery.address) {
      this.options.metrics?.failed(channel, 'no_address', true);
      throw new UnrecoverableError(`delivery ${channel} to ${recipient} for ${key} has no address`);
    }
    try {
      const receipt = await provider.send({
        id: deliveryJobId(job.data),
        channel,
        to: delivery.address,
        language: isLanguage(delivery.language) ? delivery.language : this.options.settings.defaultLanguage,
        subject: delivery.subject,
        text: delivery.body,
      });
      await this.store.markSent(key, channel, recipient, provider.name, receipt.providerMessageId);
      this.options.metrics?.sent(channel, job.timestamp);
      return 'sent';
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const permanent = err instanceof PermanentDeliveryError;
      const final = permanent || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      await this.store.markAttemptFailed(key, channel, recipient, message, final);
      this.options.metrics?.failed(channel, permanent ? 'refused' : 'provider_error', final);
      throw permanent ? new UnrecoverableError(message) : err;
    }
  }

  /** Hands over the outbox rows that no activity managed to queue (Redis was away when they were written). */
  relay(): Promise<void> {
    this.relaying ??= (async () => {
      try {
        for (;;) {
          const keys = await this.store.notQueued(RELAY_BATCH);
          if (!keys.length) break;
          await this.queues.enqueue(keys);
          await this.store.markQueued(keys);
          if (keys.length < RELAY_BATCH) break;
        }
        this.lastRelayError = '';
      } catch (err) {
        const message = loggableMessage((err as Error).message);
        // Say it once per outage, not every few seconds.
        if (message !== this.lastRelayError) this.log(`relay will try again: ${message}`);
        this.lastRelayError = message;
      } finally {
        this.relaying = undefined;
      }
    })();
    return this.relaying;
  }

  /** Stops taking jobs, lets the ones in hand finish (or abandons them when `force`), closes connections. */
  async close(force = false): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.relayTimer);
    await this.relaying;
    await Promise.all(this.workers.map((w) => w.close(force).catch(() => undefined)));
    if (this.ownsQueues) await this.queues.close();
    for (const provider of new Set(Object.values(this.options.settings.providers))) await provider.close?.();
  }
}
