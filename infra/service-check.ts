/**
 * One check of a service a process needs (Temporal, PostgreSQL, Redis), bounded in time, as the API's
 * health routes and the worker's health listener report it to whoever asks.
 */

export interface ServiceCheck {
  ok: boolean;
  latencyMs: number;
  /** Why it failed, in general terms only: see publicReason. */
  error?: string;
}

const TIMEOUT = 'TIMEOUT';

/**
 * What a monitor is told of a failed check: whether the service is slow, refuses connections or fails
 * otherwise. The driver's own message (hosts, ports, roles, database names) goes to the log only, since
 * health answers are public.
 */
function publicReason(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  if ((err as Error).message === TIMEOUT) return 'does not answer in time';
  if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EHOSTUNREACH' || code === 'ENOTFOUND') return 'cannot be reached';
  return 'answers with an error';
}

/** Runs `check`, giving up after `timeoutMs`; a failure's details go to `log`, its general reason into the answer. */
export async function checkService(check: () => Promise<unknown>, timeoutMs: number, log: (detail: string) => void): Promise<ServiceCheck> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(TIMEOUT)), timeoutMs);
      }),
    ]);
    return { ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch (err) {
    log((err as Error).message === TIMEOUT ? `no answer within ${timeoutMs} ms` : String((err as Error).message));
    return { ok: false, latencyMs: Math.round(performance.now() - started), error: publicReason(err) };
  } finally {
    clearTimeout(timer);
  }
}
