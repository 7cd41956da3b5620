/**
 * The API's edge: what every request goes through before any handler sees it, so that no route can be
 * reached with input PostgreSQL cannot store, and no error leaves as anything but a problem.
 *
 * - Text PostgreSQL cannot store (NUL, lone UTF-16 surrogates), in the body at any depth (keys too), the
 *   path and query parameters and the stored headers, is refused with a 400 naming the field: stored, it
 *   would make a projection write fail on every retry.
 * - JSON bodies are parsed here so that bad JSON, an empty body, a prototype-changing key or nesting
 *   deeper than any form needs each get a message of their own naming the field.
 * - Errors raised before routing (bad URL encoding, a parameter longer than the router takes, a header
 *   block too large, a malformed request line) are answered as problems too.
 */
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { DomainError, type DomainErrorDetail } from '../engine/errors.js';
import { MAX_JSON_DEPTH } from '../engine/input-bounds.js';
import { readJsonSource, type SourceProblem } from '../registry/json-source.js';
import { frameworkProblem, problem, sendProblem, type Problem } from './problem.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The body holds a procedure definition: its text is read as `mohla validate` reads a file, so
     * that a key given twice is named (JSON.parse would keep the last without a word) and a syntax
     * error has its line and column.
     */
    definitionBody?: true;
  }
}

/**
 * Longest path parameter the router passes on. Routes' schemas bound their parameters more tightly and
 * name the field when they are exceeded; this only stops absurd URLs before routing.
 */
const MAX_PARAM_LENGTH = 1000;

/** Headers whose value Mohla stores (the Idempotency-Key is kept with the filing). */
const STORED_HEADERS = ['idempotency-key'];

/** A lone surrogate is one code point in a `u` regex; paired ones make an astral code point and do not match. */
const LONE_SURROGATE = /\p{Cs}/u;

/** PostgreSQL's text and jsonb hold neither NUL nor a lone surrogate (it cannot be encoded in UTF-8). */
function unstorable(text: string): boolean {
  return text.includes('\u0000') || LONE_SURROGATE.test(text);
}

/** RFC 6901: `~` and `/` inside a key are escaped so the pointer names exactly one field. */
function pointerSegment(key: string | number): string {
  return String(key).replace(/~/g, '~0').replace(/\//g, '~1');
}

function unstorableReason(text: string): string {
  return text.includes('\u0000')
    ? 'contains a NUL character (U+0000), which cannot be stored'
    : 'contains a lone UTF-16 surrogate (not a valid Unicode character), which cannot be stored';
}

/**
 * The first field of a parsed value that Mohla refuses, with its JSON pointer under `prefix`.
 * Iterative, not recursive: a hostile body may be nested far deeper than the stack allows.
 */
export function firstRefusedField(value: unknown, prefix = ''): DomainErrorDetail | undefined {
  const pending: Array<{ value: unknown; pointer: string; depth: number }> = [{ value, pointer: prefix, depth: 0 }];
  while (pending.length) {
    const { value: current, pointer, depth } = pending.pop()!;
    if (typeof current === 'string') {
      if (unstorable(current)) return { pointer: pointer || '/', message: unstorableReason(current) };
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    if (depth >= MAX_JSON_DEPTH) return { pointer: pointer || '/', message: `is nested more than ${MAX_JSON_DEPTH} levels deep` };
    if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) pending.push({ value: current[i], pointer: `${pointer}/${i}`, depth: depth + 1 });
      continue;
    }
    const keys = Object.keys(current);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i]!;
      const at = `${pointer}/${pointerSegment(key)}`;
      if (unstorable(key)) return { pointer: at, message: `is a property name that ${unstorableReason(key)}` };
      const child = (current as Record<string, unknown>)[key];
      if (key === '__proto__' || (key === 'constructor' && child !== null && typeof child === 'object' && 'prototype' in child)) {
        return { pointer: at, message: 'is a prototype-changing property name (prototype pollution), which is never accepted' };
      }
      pending.push({ value: child, pointer: at, depth: depth + 1 });
    }
  }
  return undefined;
}

function refuse(detail: DomainErrorDetail): DomainError {
  return new DomainError('invalid_input', `${detail.pointer} ${detail.message}.`, [detail]);
}

/** Where a JSON syntax error is, without echoing the body (it may hold personal data) back into logs. */
function syntaxErrorPlace(err: unknown): string {
  const position = /position (\d+)/.exec(String((err as Error).message))?.[1];
  return position ? ` (at character ${position})` : '';
}

/** Keys a definition's body gave twice, by pointer into the body; kept for the route, which knows the definition's language. */
const duplicateKeys = new WeakMap<FastifyRequest, SourceProblem[]>();

export function duplicateKeysOf(request: FastifyRequest): SourceProblem[] {
  return duplicateKeys.get(request) ?? [];
}

/** Replaces fastify's JSON parser, whose errors all say "not valid JSON" whatever the cause. */
function registerJsonParser(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    if (text.trim() === '') {
      done(refuse({ pointer: '/', message: 'is empty: the body must be a JSON document' }), undefined);
      return;
    }
    if (request.routeOptions.config?.definitionBody) {
      const source = readJsonSource(text);
      if (source.unreadable) {
        done(refuse({ pointer: source.unreadable.pointer || '/', message: source.unreadable.message }), undefined);
        return;
      }
      if (source.duplicates.length) duplicateKeys.set(request, source.duplicates);
      done(null, source.value);
      return;
    }
    try {
      done(null, JSON.parse(text));
    } catch (err) {
      done(refuse({ pointer: '/', message: `is not valid JSON${syntaxErrorPlace(err)}` }), undefined);
    }
  });
}

/** Checks every part of the request a handler could store, before validation and before the handler. */
function registerStorableTextCheck(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const refused =
      firstRefusedField(request.params, 'params:') ??
      firstRefusedField(request.query, 'querystring:') ??
      STORED_HEADERS.map((name) => firstRefusedField(request.headers[name], `header:/${name}`)).find(Boolean) ??
      firstRefusedField(request.body);
    if (refused) throw refuse(refused);
  });
}

/** fastify's errors raised before a route is found, answered as problems. */
function onFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const body = frameworkProblem(error) ?? { ...problem('invalid_input', error.message), status: error.statusCode ?? 400, code: error.code };
  void sendProblem(reply.header('x-request-id', request.id), request, body);
}

/** What Node's HTTP parser refuses before fastify sees a request, as a problem written on the socket. */
function clientErrorProblem(code: string | undefined): { status: number; reason: string; body: Problem } {
  const make = (status: number, reason: string, pointer: string, message: string) => ({
    status,
    reason,
    body: { type: 'about:blank', title: reason, status, detail: `${pointer} ${message}.`, code: status === 400 ? 'invalid_input' : reason.toLowerCase().replace(/\W+/g, '_'), errors: [{ pointer, message }] },
  });
  if (code === 'HPE_HEADER_OVERFLOW') return make(431, 'Request Header Fields Too Large', 'header', 'fields are larger than the server accepts');
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return make(408, 'Request Timeout', 'request', 'did not arrive in time');
  return make(400, 'Bad Request', 'request', 'is not a well-formed HTTP request');
}

function onClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  if (socket.writable) {
    const { status, reason, body } = clientErrorProblem(error.code);
    const text = JSON.stringify(body);
    socket.write(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
    );
  }
  socket.destroy(error);
}

/** Server options the edge needs; buildApp merges them under the caller's own. */
export const edgeServerOptions: Partial<FastifyServerOptions> = {
  frameworkErrors: onFrameworkError,
  clientErrorHandler: onClientError,
  routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
};

export function registerEdge(app: FastifyInstance): void {
  registerJsonParser(app);
  registerStorableTextCheck(app);
}
