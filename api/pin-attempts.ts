/**
 * The kiosk's PIN attempts, counted in Redis (shared by every API process) so that a six-digit PIN cannot
 * be guessed. Three counters: one per tracking number *and* caller address, one per address over every
 * number, and one per number over every address. A stranger guessing from elsewhere does not hold the
 * citizen back before the number's own, generous allowance is spent; one address cannot sweep many
 * numbers; and many addresses together (an IPv6 block), or a right PIN of one's own mixed in to win the
 * address's attempts back, get no more than the number's allowance on one receipt. Past a few free attempts each further one must wait twice as long as the one
 * before (a backoff, not a lock). @fastify/rate-limit counts requests per route; it cannot reserve an
 * attempt before the PIN is checked, nor refund it after, which is what makes this limit hold under
 * concurrency, hence the small script of our own.
 */
import type { Redis } from 'ioredis';
import { counterKeys, type CounterKey } from './counter-keys.js';

export interface PinAttemptRules {
  /** Attempts per tracking number and address before the backoff starts. */
  perNumber: number;
  /** Wrong PINs per address, over every number, before the backoff starts (a kiosk serves many people). */
  perAddress: number;
  /** Wrong PINs on one number from every address together before the backoff starts. */
  perNumberEverywhere: number;
  /** The first wait; each further attempt doubles it, up to `maxWaitMs`. */
  baseWaitMs: number;
  maxWaitMs: number;
  /** How long a counter is kept after its last attempt. */
  memoryMs: number;
}

export const PIN_ATTEMPT_RULES: PinAttemptRules = {
  perNumber: 5,
  perAddress: 20,
  perNumberEverywhere: 50,
  baseWaitMs: 60_000,
  maxWaitMs: 24 * 3600_000,
  memoryMs: 24 * 3600_000,
};

/**
 * Atomically: refuse (answering the wait in ms) while any counter is waiting; otherwise take one attempt
 * on every counter, and start or double the wait of each that has used its free attempts. Taking the
 * attempt before the PIN is checked is what keeps concurrent guesses within the limit.
 * KEYS: the counters; ARGV: now, then for each key its free attempts; then base wait, max wait, memory.
 */
const TAKE_ATTEMPT = `
local now = tonumber(ARGV[1])
local n = #KEYS
local base, max, memory = tonumber(ARGV[n + 2]), tonumber(ARGV[n + 3]), tonumber(ARGV[n + 4])
local wait = 0
for i = 1, n do
  local until_ = tonumber(redis.call('HGET', KEYS[i], 'until') or '0')
  if until_ - now > wait then wait = until_ - now end
end
if wait > 0 then return wait end
for i = 1, n do
  local count = redis.call('HINCRBY', KEYS[i], 'count', 1)
  local free = tonumber(ARGV[i + 1])
  local keep = memory
  if count >= free then
    local delay = math.min(base * 2 ^ (count - free), max)
    redis.call('HSET', KEYS[i], 'until', now + delay)
    keep = delay + memory
  end
  redis.call('PEXPIRE', KEYS[i], keep)
end
return 0
`;

/**
 * A right PIN: the number-and-address counter starts over, and the address and the number each get that
 * attempt back (only the holder of the receipt can win back attempts on its number).
 * KEYS: the three counters; ARGV: the free attempts of the second and third.
 */
const REFUND_ATTEMPT = `
redis.call('DEL', KEYS[1])
for i = 2, 3 do
  if redis.call('EXISTS', KEYS[i]) == 1 then
    local count = redis.call('HINCRBY', KEYS[i], 'count', -1)
    if count < tonumber(ARGV[i - 1]) then redis.call('HDEL', KEYS[i], 'until') end
  end
end
return 0
`;

export class PinAttempts {
  private readonly key: CounterKey;

  constructor(
    private readonly redis: Redis,
    secret: string,
    private readonly rules: PinAttemptRules = PIN_ATTEMPT_RULES,
  ) {
    this.key = counterKeys(secret);
  }

  private keys(trackingNumber: string, address: string): [string, string, string] {
    // The client's Redis key prefix (one per deployment) is added by ioredis to every key.
    const number = this.key('number', trackingNumber);
    return [`pin-attempts:${number}:${this.key('address', address)}`, `pin-attempts:${this.key('address', address)}`, `pin-attempts:${number}`];
  }

  /** Takes one attempt; answers how many milliseconds to wait instead when the caller must wait. */
  async take(trackingNumber: string, address: string, nowMs = Date.now()): Promise<number> {
    const r = this.rules;
    const wait = await this.redis.eval(TAKE_ATTEMPT, 3, ...this.keys(trackingNumber, address), nowMs, r.perNumber, r.perAddress, r.perNumberEverywhere, r.baseWaitMs, r.maxWaitMs, r.memoryMs);
    return Number(wait);
  }

  async succeeded(trackingNumber: string, address: string): Promise<void> {
    await this.redis.eval(REFUND_ATTEMPT, 3, ...this.keys(trackingNumber, address), this.rules.perAddress, this.rules.perNumberEverywhere);
  }
}
