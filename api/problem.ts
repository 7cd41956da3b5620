import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import {
  isGrpcServiceError,
  WorkflowUpdateFailedError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { FromSchema } from 'json-schema-to-ts';
import type { Fits } from './same-type.js';
import { DomainError, ERROR_CATALOGUE, isErrorCode, type DomainErrorDetail, type ErrorCode } from '../engine/errors.js';

/**
 * RFC 9457 problem details: every error the API returns has this shape. One shared schema (`$id`
 * Problem) that every route's error answers refer to. The serializer writes the required properties
 * first, then the others, each in the schema's order: they are listed as the API writes them.
 */
export const problemSchema = {
  $id: 'Problem',
  type: 'object',
  description: 'A problem (RFC 9457): what went wrong, its code from the error catalogue, and the fields it concerns.',
  required: ['type', 'title', 'status', 'detail', 'code'],
  additionalProperties: false,
  properties: {
    type: { type: 'string', description: 'A URI naming the kind of problem, or about:blank.' },
    title: { type: 'string' },
    status: { type: 'integer', description: 'The HTTP status, repeated.' },
    detail: { type: 'string' },
    code: { type: 'string', description: "A code of Mohla's error catalogue (engine/errors.ts), or of the framework." },
    errors: {
      type: 'array',
      description: 'One entry per offending field, each with a message.',
      items: {
        type: 'object',
        // The message follows the pointer: listed as required it would be written first.
        additionalProperties: false,
        properties: {
          pointer: { type: 'string', description: 'A JSON pointer into the body, or where else the field is (params:, querystring:, header:).' },
          message: { type: 'string' },
        },
      },
    },
    instance: { type: 'string', description: 'The request URL.' },
  },
} as const;

/** Problem details as the API sends them. */
export type Problem = FromSchema<typeof problemSchema>;

// A field's detail as the engine makes it must be what the schema writes.
const _detailsFit: Fits<DomainErrorDetail, NonNullable<Problem['errors']>[number]> = true;
void _detailsFit;

export const PROBLEM_TYPE_BASE = 'https://mohla.ma/problems/';

export function problem(code: ErrorCode, detail: string, errors?: DomainErrorDetail[]): Problem {
  const entry = ERROR_CATALOGUE[code];
  return {
    type: `${PROBLEM_TYPE_BASE}${code}`,
    title: entry.title,
    status: entry.status,
    detail,
    code,
    ...(errors && errors.length ? { errors } : {}),
  };
}

/** fastify's validation errors name the field as a path; we give JSON pointers from the body's root. */
function validationProblem(error: FastifyError): Problem {
  const details = (error.validation ?? []).map((v) => {
    let pointer = v.instancePath || '';
    if (v.keyword === 'required') pointer += `/${(v.params as { missingProperty: string }).missingProperty}`;
    if (v.keyword === 'additionalProperties') {
      pointer += `/${(v.params as { additionalProperty: string }).additionalProperty}`;
    }
    const message =
      v.keyword === 'required' ? 'is required' : v.keyword === 'additionalProperties' ? 'is not an allowed property' : v.message ?? 'is not valid';
    const where = error.validationContext && error.validationContext !== 'body' ? `${error.validationContext}:` : '';
    return { pointer: `${where}${pointer || '/'}`, message };
  });
  const summary = details.map((d) => `${d.pointer} ${d.message}`).join('; ');
  return problem('invalid_input', summary || error.message, details);
}

function failureProblem(failure: ApplicationFailure): Problem | undefined {
  if (!isErrorCode(failure.type)) return undefined;
  const details = (failure.details as DomainErrorDetail[] | undefined) ?? [];
  return problem(failure.type, failure.message, details);
}

/** A fastify error about the request's framing (URL, body, content type), with the field it concerns. */
export function frameworkProblem(error: FastifyError): Problem | undefined {
  const named = (pointer: string, message: string, status = 400, code = 'invalid_input', title: string = ERROR_CATALOGUE.invalid_input.title): Problem => ({
    type: `${PROBLEM_TYPE_BASE}${code}`,
    title,
    status,
    detail: `${pointer} ${message}.`,
    code,
    errors: [{ pointer, message }],
  });
  switch (error.code) {
    case 'FST_ERR_BAD_URL':
      return named('url', 'is not valid percent-encoded UTF-8');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return named('url', 'has a path segment longer than the API accepts', 414, 'uri_too_long', 'The address is too long');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return named('/', 'is empty: the body must be a JSON document');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return named('/', 'is not valid JSON');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return named('/', 'is larger than this route accepts', 413, 'body_too_large', 'The request body is too large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return named('header:/content-type', 'is not a media type this route accepts', 415, 'unsupported_content_type', 'The body is not in a format this route accepts');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return named('header:/content-length', 'does not match the size of the body');
    default:
      return undefined;
  }
}

/**
 * gRPC statuses that mean Temporal did not answer: DEADLINE_EXCEEDED (4) and UNAVAILABLE (14), fixed by
 * the gRPC protocol (@grpc/grpc-js, which names them, is not a direct dependency).
 */
const UNREACHABLE = new Set<number>([4, 14]);

/**
 * Whether an error says that Temporal could not be reached. The client wraps the gRPC error (a
 * ServiceError, an update's RPC timeout), so the cause chain is walked.
 */
function isTemporalUnavailable(error: unknown): boolean {
  for (let current = error, hops = 0; current && hops < 8; current = (current as { cause?: unknown }).cause, hops++) {
    if (current instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return true;
    if (isGrpcServiceError(current) && UNREACHABLE.has(current.code)) return true;
  }
  return false;
}

/** Socket errors and PostgreSQL's connection classes (08…, 57P0x): the server is gone, not the query wrong. */
const CONNECTION_LOST = /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|EPIPE|08\d{3}|57P0[1-3])$/;

const STORE_GONE = /^Connection is closed\.$|Connection terminated|is not queryable$|^timeout exceeded when trying to connect$/;

/**
 * Whether PostgreSQL or Redis could not be reached (refused, cut, shut down, a client giving up on its
 * retries). Matched on the drivers' error codes and names, walking the causes that the ORM and the
 * drivers wrap them in.
 */
function isStoreUnavailable(error: unknown): boolean {
  for (let current = error, hops = 0; current && hops < 8; current = (current as { cause?: unknown }).cause, hops++) {
    const { code, name, message } = current as { code?: unknown; name?: unknown; message?: unknown };
    if (typeof code === 'string' && CONNECTION_LOST.test(code)) return true;
    // ioredis after its retries.
    if (name === 'MaxRetriesPerRequestError') return true;
    // pg says only in its message that a connection dropped mid-query or could not be opened in time
    // (`Connection terminated…`), that a statement came after it dropped (`…not queryable`), and pg's pool
    // that no connection came free in time; ioredis that its connection is closed. MikroORM 7 keeps the
    // driver's message as it is.
    if (typeof message === 'string' && STORE_GONE.test(message)) return true;
  }
  return false;
}

/** Seconds a client is told to wait before retrying a write that Temporal could not take. */
const RETRY_AFTER_SECONDS = 5;

export function toProblem(error: unknown): Problem | undefined {
  if (error instanceof DomainError) return problem(error.code, error.message, error.details);
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) return validationProblem(fastifyError);
  const framing = frameworkProblem(fastifyError);
  if (framing) return framing;
  if (isTemporalUnavailable(error)) {
    return problem('service_unavailable', 'The workflow service does not answer; nothing was changed. Try again in a few seconds.');
  }
  if (isStoreUnavailable(error)) {
    return problem('service_unavailable', 'A database Mohla needs does not answer. Try again in a few seconds.');
  }
  if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
    return failureProblem(error.cause);
  }
  if (error instanceof ApplicationFailure) return failureProblem(error);
  if (error instanceof WorkflowNotFoundError) {
    return problem('application_not_found', 'No running application has this tracking number.');
  }
  if (error instanceof WorkflowExecutionAlreadyStartedError) {
    return problem('application_closed', 'This application has already been filed.');
  }
  if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return {
      type: 'about:blank',
      title: fastifyError.name,
      status: fastifyError.statusCode,
      detail: fastifyError.message,
      code: fastifyError.code ?? 'bad_request',
    };
  }
  return undefined;
}

export function sendProblem(reply: FastifyReply, request: FastifyRequest, body: Problem): FastifyReply {
  if (body.status === 503) reply.header('retry-after', String(RETRY_AFTER_SECONDS));
  return reply
    .status(body.status)
    .type('application/problem+json')
    .send({ ...body, instance: request.url });
}
