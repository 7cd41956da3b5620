/** Applications' timelines: who did what when, every deadline event. */
import type { MikroORM } from '@mikro-orm/postgresql';
import { TimelineEntry, type TimelineRecord } from './entities.js';

/** The entries of these applications, in the order they happened. */
export async function timelinesOf(orm: MikroORM, trackingNumbers: readonly string[]): Promise<TimelineRecord[]> {
  return orm.em.fork().find(TimelineEntry, { trackingNumber: { $in: [...trackingNumbers] } }, { orderBy: { seq: 'asc' } });
}

export async function timelineOf(orm: MikroORM, trackingNumber: string): Promise<TimelineRecord[]> {
  return orm.em.fork().find(TimelineEntry, { trackingNumber }, { orderBy: { seq: 'asc' } });
}
