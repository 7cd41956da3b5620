/**
 * Watches every answer an app gives during a test file and notes each one that is not what its route
 * declares: a route without an operationId or a response schema, a status or content type its schema
 * does not declare, and above all a JSON answer whose serialization differs from what the handler made.
 * A response schema that forgets a field makes fast-json-stringify drop it without a word; compared
 * with the handler's own payload, the answer shows it. The test stack asserts the notes when it closes.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { WEB_PREFIXES } from '../../api/web.js';

/** Routes that plugins register (the API's documentation, the front end's files): theirs to describe. */
const PLUGIN_PREFIXES = ['/docs', ...WEB_PREFIXES];

type ResponseSchemas = Record<string, { content?: Record<string, unknown> } | undefined>;

/** The response a route declares for a status, as fastify picks it: the exact status, its class, then `default`. */
function declaredFor(responses: ResponseSchemas, status: number) {
  const byClass = `${String(status)[0]}xx`;
  return responses[String(status)] ?? responses[byClass] ?? responses[byClass.toUpperCase()] ?? responses.default;
}

function mediaTypeOf(reply: FastifyReply): string | undefined {
  const header = reply.getHeader('content-type');
  return typeof header === 'string' ? header.split(';')[0]!.trim().toLowerCase() : undefined;
}

/** Where two JSON values differ: each path, and what happened there. */
function differences(made: unknown, sent: unknown, path = ''): string[] {
  if (made === null || sent === null || typeof made !== 'object' || typeof sent !== 'object') {
    return Object.is(made, sent) ? [] : [`${path || '/'}: ${JSON.stringify(made)} became ${JSON.stringify(sent)}`];
  }
  if (Array.isArray(made) !== Array.isArray(sent)) return [`${path || '/'}: ${JSON.stringify(made)} became ${JSON.stringify(sent)}`];
  const found: string[] = [];
  const a = made as Record<string, unknown>;
  const b = sent as Record<string, unknown>;
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const at = `${path}/${key}`;
    if (!(key in b)) found.push(`${at}: dropped (the schema does not declare it)`);
    else if (!(key in a)) found.push(`${at}: added by the serializer`);
    else found.push(...differences(a[key], b[key], at));
  }
  return found;
}

export interface AnswerGuard {
  /** One line per answer that was not what its route declares. */
  readonly failures: string[];
  /** Watches another app (one a test builds itself) into the same notes. */
  watch(app: FastifyInstance): void;
}

export function answerGuard(): AnswerGuard {
  const failures: string[] = [];
  const note = (request: FastifyRequest, what: string) => {
    const line = `${request.method} ${request.routeOptions.url ?? request.url}: ${what}`;
    if (!failures.includes(line)) failures.push(line);
  };
  function watch(app: FastifyInstance): void {
    // The handler's payload as JSON, before the serializer: what the client was meant to get.
    const made = new WeakMap<FastifyRequest, string>();
    app.addHook('preSerialization', async (request, _reply, payload) => {
      made.set(request, JSON.stringify(payload));
      return payload;
    });
    app.addHook('onError', async (request, _reply, error) => {
      // fastify marks an error thrown while serializing (a required field missing, a value of another type).
      if ((error as { serialization?: unknown }).serialization) note(request, `the serializer refused the answer: ${error.message}`);
    });
    app.addHook('onSend', async (request, reply, payload) => {
      const url = request.routeOptions.url;
      // No route (a 404 for an unknown path, an error before routing), or a plugin's own.
      if (!url || PLUGIN_PREFIXES.some((prefix) => url.startsWith(prefix))) return payload;
      const schema = request.routeOptions.schema as { operationId?: string; response?: ResponseSchemas } | undefined;
      if (!schema?.operationId) note(request, 'has no operationId');
      if (!schema?.response) {
        note(request, 'has no response schema');
        return payload;
      }
      const status = reply.statusCode;
      const declared = declaredFor(schema.response, status);
      const mediaType = mediaTypeOf(reply);
      if (!declared) note(request, `answered ${status}, which its response schema does not declare`);
      else if (status !== 204 && status !== 304) {
        const types = declared.content ? Object.keys(declared.content) : ['application/json'];
        if (!mediaType || !types.includes(mediaType)) note(request, `answered ${status} as ${mediaType ?? 'no content type'}; its schema declares ${types.join(', ')}`);
      }
      const before = made.get(request);
      made.delete(request);
      if (before !== undefined && typeof payload === 'string' && status !== 204) {
        for (const difference of differences(JSON.parse(before), JSON.parse(payload))) note(request, `${status} ${difference}`);
      }
      return payload;
    });
  }
  return { failures, watch };
}
