/**
 * What a filing reserves before its workflow starts: its tracking number, and for a filing made with an
 * Idempotency-Key the record that leads a retry to the same application.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { IdempotentFiling, type IdempotencyRecord } from './entities.js';
import { query } from './sql.js';

/** Reserves the tracking number; false when it was already handed out. */
export async function claimTrackingNumber(orm: MikroORM, trackingNumber: string, at: Date): Promise<boolean> {
  const [reserved] = await query(
    orm,
    'insert into tracking_number_reservation (tracking_number, reserved_at) values ($1, $2) on conflict do nothing returning 1',
    [trackingNumber, at],
  );
  return reserved !== undefined;
}

/** The filing recorded for this caller (`scope`) and key, if any. */
export async function findKeyedFiling(orm: MikroORM, scope: string, key: string): Promise<IdempotencyRecord | null> {
  return orm.em.fork().findOne(IdempotentFiling, { scope, key });
}

/**
 * Records a keyed filing unless one is recorded for the caller and key already, and answers the one
 * recorded: a concurrent retry may have recorded its own first, and everyone then uses that one.
 */
export async function recordKeyedFiling(orm: MikroORM, filing: IdempotencyRecord): Promise<IdempotencyRecord> {
  const em = orm.em.fork();
  await em.createQueryBuilder(IdempotentFiling).insert(filing).onConflict(['scope', 'key']).ignore().execute();
  return em.fork().findOneOrFail(IdempotentFiling, { scope: filing.scope, key: filing.key });
}
