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

export function createServiceActivities() {
  return {
    async runService(request: ServiceRequest): Promise<unknown> {
      if (!isServiceActivity(request.activity)) {
        throw ApplicationFailure.nonRetryable(`no service activity "${request.activity}"`, 'unknown_activity');
      }
      return SERVICES[request.activity](request);
    },
  };
}
