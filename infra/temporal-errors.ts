import { WorkflowNotFoundError } from '@temporalio/client';

const GRPC_NOT_FOUND = 5;

/**
 * Whether Temporal answered that it holds no such history: deleted by `mohla retention` or by the
 * namespace's retention, or never there.
 */
export function historyGone(err: unknown): boolean {
  const code = (err as { code?: number }).code ?? (err as { cause?: { code?: number } }).cause?.code;
  return err instanceof WorkflowNotFoundError || code === GRPC_NOT_FOUND;
}
