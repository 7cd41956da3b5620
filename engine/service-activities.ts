/**
 * The service activities a `serviceTask` may name: the contract between designers and the worker.
 * Definitions are checked against this list; the worker implements each entry (activities/services.ts).
 */
export interface ServiceActivitySpec {
  description: string;
  /** Input parameters; `true` when required. */
  params: Record<string, boolean>;
}

export const SERVICE_ACTIVITIES = {
  issueDocument: {
    description: 'Numbers and records the document the application grants (certificate, permit, licence).',
    params: { document: true, holder: false },
  },
  fetchCivilStatusRecord: {
    description: 'Gets a civil-status record from the registry itself, so the citizen never has to bring it.',
    params: { cin: false, recordNumber: false, fullName: true },
  },
  dispatchByPost: {
    description: 'Hands the issued document to the postal service for delivery to the given address.',
    params: { address: true, recipient: true },
  },
  computeFees: {
    description: 'Computes the fees due from the application data (e.g. per square metre of occupation).',
    params: { base: true, quantity: false },
  },
  checkTaxArrears: {
    description: "Reads the commune's tax accounts: whether the local taxes on a property are paid, and what is still owed.",
    params: { cin: true, landTitle: true },
  },
  scheduleCouncilSession: {
    description: "Puts the file on the agenda of the council's next ordinary session.",
    params: { subject: true },
  },
} as const satisfies Record<string, ServiceActivitySpec>;

export type ServiceActivityName = keyof typeof SERVICE_ACTIVITIES;

export function isServiceActivity(name: string): name is ServiceActivityName {
  return Object.prototype.hasOwnProperty.call(SERVICE_ACTIVITIES, name);
}
