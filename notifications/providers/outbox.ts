import { mkdir, link, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DeliveryReceipt, NotificationProvider, OutgoingMessage } from '../types.js';

/**
 * The local outbox of `mohla dev`: every message becomes a file, `<dir>/<channel>/<delivery id>.json`,
 * so a developer sees what citizens and agents would receive. The file name is the delivery id and is
 * created atomically and exclusively, so a message written twice is still one file: idempotent.
 */
export class OutboxProvider implements NotificationProvider {
  readonly name = 'outbox';
  readonly idempotent = true;

  constructor(readonly dir: string) {}

  async send(message: OutgoingMessage): Promise<DeliveryReceipt> {
    const folder = path.join(this.dir, message.channel);
    await mkdir(folder, { recursive: true });
    const target = path.join(folder, `${message.id}.json`);
    const draft = `${target}.${process.pid}.${Date.now()}.tmp`;
    const content = { ...message, writtenAt: new Date().toISOString() };
    await writeFile(draft, `${JSON.stringify(content, null, 2)}\n`, 'utf8');
    try {
      await link(draft, target);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      await unlink(draft).catch(() => undefined);
    }
    return { providerMessageId: path.relative(this.dir, target) };
  }
}
