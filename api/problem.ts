import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { WorkflowUpdateFailedError, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { DomainError, ERROR_CATALOGUE, isErrorCode, type DomainErrorDetail, type ErrorCode } from '../engine/errors.js';

/** RFC 9457 problem details: every error the API returns has this shape. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode | string;
  errors?: DomainErrorDetail[];
  instance?: string;
}

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

export function toProblem(error: unknown): Problem | undefined {
  if (error instanceof DomainError) return problem(error.code, error.message, error.details);
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) return validationProblem(fastifyError);
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
  return reply
    .status(body.status)
    .type('application/problem+json')
    .send({ ...body, instance: request.url });
}
