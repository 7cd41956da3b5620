/**
 * The error catalogue shared by the engine, the workflow, the API and the CLI. A code travels through
 * Temporal as the `type` of an ApplicationFailure and becomes an HTTP status at the API's edge.
 */
export const ERROR_CATALOGUE = {
  invalid_input: { status: 400, title: 'The request is not valid' },
  unauthorized: { status: 401, title: 'Authentication is required' },
  forbidden: { status: 403, title: 'Your role does not allow this' },
  file_too_large: { status: 413, title: 'The file is larger than the procedure allows' },
  input_too_large: { status: 413, title: 'The request is larger than the procedure allows' },
  unsupported_media_type: { status: 415, title: 'The file is not in a format the procedure accepts' },
  too_many_files: { status: 422, title: 'This document already has as many files as it may hold' },
  idempotency_conflict: { status: 422, title: 'This Idempotency-Key was used for another request' },
  rate_limited: { status: 429, title: 'Too many attempts; wait a little' },
  application_not_found: { status: 404, title: 'No application has this tracking number' },
  procedure_not_found: { status: 404, title: 'No published procedure has this id' },
  calendar_not_found: { status: 404, title: 'No calendar has this id' },
  task_not_found: { status: 404, title: 'The application has no such task' },
  document_not_found: { status: 404, title: 'The application has no such document' },
  incident_not_found: { status: 404, title: 'No incident has this id' },
  incident_not_retryable: { status: 409, title: 'Nothing retries this incident' },
  task_not_open: { status: 409, title: 'The task is no longer open' },
  application_closed: { status: 409, title: 'The application is already closed' },
  unknown_outcome: { status: 422, title: 'The task does not declare this outcome' },
  invalid_task_data: { status: 400, title: 'The task form is not valid' },
  complement_not_allowed: { status: 422, title: 'A complement cannot be requested here' },
  bulk_not_allowed: { status: 422, title: 'This step completes its tasks one at a time' },
  no_complement_requested: { status: 409, title: 'No documents are awaited from the citizen' },
  no_window_open: { status: 409, title: 'The citizen has no window open to act in' },
  invalid_form_data: { status: 422, title: 'What the citizen entered does not fit the form' },
  extension_not_allowed: { status: 422, title: 'The deadline cannot be extended' },
  invalid_definition: { status: 422, title: 'The procedure definition is not valid' },
  version_conflict: { status: 409, title: 'This procedure version is already published with other content' },
  service_unavailable: { status: 503, title: 'A service Mohla depends on does not answer' },
  issued_document_not_found: { status: 404, title: 'No issued document has this verification code' },
  issued_document_erased: { status: 410, title: "The document's file was erased under the retention rules" },
  issued_document_not_current: { status: 409, title: 'The document was revoked or replaced by another copy' },
  application_not_closed: { status: 409, title: 'The application is still being processed' },
  delivery_mismatch: { status: 422, title: 'The document is not delivered this way' },
  not_movable: { status: 409, title: 'The application cannot move to this version' },
  already_migrated: { status: 409, title: 'The application already runs on this version' },
  migration_plan_not_found: { status: 404, title: 'No migration plan has this id' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export interface DomainErrorDetail {
  /** JSON pointer of the offending field, when there is one. */
  pointer?: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: DomainErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ERROR_CATALOGUE, value);
}
