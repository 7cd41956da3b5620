import { defaultGrpcRetryOptions, makeGrpcRetryInterceptor, type ClientInterceptors, type ConnectionOptions } from '@temporalio/client';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';

/**
 * How the API's Temporal client connects. The SDK retries an unreachable server ten times, about twenty
 * seconds in all, which held a citizen's filing open that long before an error; the API retries briefly
 * instead (about a second) and answers 503 with Retry-After, so the caller's own retry takes over. Long
 * polls (an update waiting for the workflow) are unaffected: only failed calls are retried.
 */
const API_TEMPORAL_ATTEMPTS = 4;

export function apiConnectionOptions(address: string): ConnectionOptions {
  return {
    address,
    connectTimeout: '5s',
    interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: API_TEMPORAL_ATTEMPTS }))],
  };
}

/**
 * The API's client calls (start, update with start, signal, update, query, terminate) as spans, children
 * of the request's span; their context travels in the call's headers to the workflow.
 */
export function apiClientInterceptors(): ClientInterceptors {
  return { workflow: [new OpenTelemetryWorkflowClientInterceptor()] };
}
