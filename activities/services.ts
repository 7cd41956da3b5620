import { ApplicationFailure } from '@temporalio/common';
import type { ServiceActivityName } from '../engine/service-activities.js';
import { isServiceActivity } from '../engine/service-activities.js';

export interface ServiceRequest {
  trackingNumber: string;
  stepId: string;
  activity: string;
  input: Record<string, unknown>;
}

/** Commune councils meet in ordinary session in February, May and October (organic law 113.14). */
const SESSION_MONTHS = [2, 5, 10];

/**
 * The service activities. The registries they stand for (civil status, post, council agenda) are not
 * reachable from here: each implementation answers from the application itself, deterministically, so
 * a retried activity gives the same answer. Replace the body, keep the contract, to connect a real one.
 */
const SERVICES: Record<ServiceActivityName, (request: ServiceRequest) => unknown> = {
  issueDocument: ({ trackingNumber, input }) => ({
    document: input.document,
    number: `${String(input.document).toUpperCase().replace(/[^A-Z0-9]+/g, '-')}-${trackingNumber}`,
    holder: input.holder ?? null,
  }),
  fetchCivilStatusRecord: ({ input }) => ({
    found: Boolean(input.fullName),
    recordNumber: input.recordNumber ?? null,
    fullName: input.fullName,
  }),
  dispatchByPost: ({ trackingNumber, input }) => ({
    dispatchNumber: `POST-${trackingNumber}`,
    address: input.address,
    recipient: input.recipient,
  }),
  computeFees: ({ input }) => {
    const base = Number(input.base);
    const quantity = input.quantity === undefined || input.quantity === null ? 1 : Number(input.quantity);
    if (!Number.isFinite(base) || !Number.isFinite(quantity)) {
      throw ApplicationFailure.nonRetryable(`computeFees needs numbers, got base=${input.base} quantity=${input.quantity}`, 'invalid_input');
    }
    return { amountMad: Math.round(base * quantity * 100) / 100 };
  },
  // The commune's tax accounts are not reachable here: every property is answered as paid up.
  checkTaxArrears: ({ input }) => ({ landTitle: input.landTitle, upToDate: true, owedMad: 0 }),
  scheduleCouncilSession: ({ input }) => {
    const now = new Date();
    const month = now.getUTCMonth() + 1;
    const next = SESSION_MONTHS.find((m) => m > month);
    const year = next ? now.getUTCFullYear() : now.getUTCFullYear() + 1;
    return { subject: input.subject, session: `${year}-${String(next ?? SESSION_MONTHS[0]).padStart(2, '0')}` };
  },
};

/** How long a remote system has to answer one attempt; the step's retry policy decides what follows. */
const REMOTE_TIMEOUT_MS = 10_000;

/**
 * Asks the remote system that stands for a service (SERVICE_ENDPOINTS) for its answer: the request as JSON,
 * the answer as JSON. A system that is down — no connection, no answer in time, a 5xx — fails the attempt
 * with a retryable failure whose type names the status class (`remote-connection-refused`,
 * `remote-timeout`, `remote-5xx`), which the worker records as a `service-down` incident
 * (worker/incidents.ts); a 4xx is the system refusing this request, which no retry changes.
 */
async function callRemote(url: string, request: ServiceRequest): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ trackingNumber: request.trackingNumber, stepId: request.stepId, service: request.activity, input: request.input }),
      signal: AbortSignal.timeout(REMOTE_TIMEOUT_MS),
    });
  } catch (err) {
    const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
    const code = (err as { cause?: { code?: unknown } }).cause?.code;
    if (timedOut) throw ApplicationFailure.retryable(`${request.activity}: no answer within ${REMOTE_TIMEOUT_MS / 1000} s`, 'remote-timeout');
    if (code === 'ECONNREFUSED') throw ApplicationFailure.retryable(`${request.activity}: connection refused`, 'remote-connection-refused');
    throw ApplicationFailure.retryable(`${request.activity}: unreachable (${typeof code === 'string' ? code : 'network error'})`, 'remote-unreachable');
  }
  // Only the status goes into the failure: the answer's body may quote the request.
  if (response.status >= 500) throw ApplicationFailure.retryable(`${request.activity}: the remote system answered ${response.status}`, 'remote-5xx');
  if (!response.ok) throw ApplicationFailure.nonRetryable(`${request.activity}: the remote system refused the request (${response.status})`, 'remote-refused');
  try {
    return await response.json();
  } catch {
    // Up, but answering something else (a maintenance page): not "down", and never quoted.
    throw ApplicationFailure.retryable(`${request.activity}: the remote system's answer is not JSON`, 'invalid-remote-answer');
  }
}

/** `endpoints`: service activity → URL of the remote system that answers it instead of the built-in one. */
export function createServiceActivities(endpoints: Readonly<Record<string, string>> = {}) {
  return {
    async runService(request: ServiceRequest): Promise<unknown> {
      if (!isServiceActivity(request.activity)) {
        throw ApplicationFailure.nonRetryable(`no service activity "${request.activity}"`, 'unknown_activity');
      }
      const url = endpoints[request.activity];
      return url ? callRemote(url, request) : SERVICES[request.activity](request);
    },
  };
}
