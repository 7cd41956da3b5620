/**
 * How a route declares what it answers: the body of each success status with its content type, and the
 * problem every error answers with. The route's schema is then the one source of its validation, of
 * its handler's types (the JSON-Schema type provider) and of the OpenAPI document, which so describes
 * every answer.
 */
import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import type { problemSchema } from './problem.js';

/** Requests are typed by their schemas and replies by the answers; `Problem#` resolves to the problem. */
export type SchemaTypes = JsonSchemaToTsProvider<{ SerializerSchemaOptions: { references: [typeof problemSchema] } }>;

/** The server as routes see it: every route's schema types its handler. */
export type ApiRoutes = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, SchemaTypes>;

export function withSchemaTypes(app: FastifyInstance): ApiRoutes {
  return app.withTypeProvider<SchemaTypes>();
}

const PROBLEM = 'application/problem+json';
/** The shared problem schema (api/problem.ts), registered once with the server. */
export const problemContent = { [PROBLEM]: { schema: { $ref: 'Problem#' } } } as const;

/** Every error, whatever its status, is a problem: a route declares it once for each class of status. */
const problems = {
  '4xx': { description: 'Refused: a problem saying why, with the fields concerned.', content: problemContent },
  '5xx': { description: 'Mohla or a service it needs failed: a problem saying whether to try again.', content: problemContent },
} as const;

/**
 * A JSON body. Given as the schema itself rather than by content type, so that `reply.status(code)`
 * types what may be sent with that status (fastify's types do not look into content maps there).
 */
export function json<const S extends object>(description: string, schema: S) {
  return { ...schema, description } as const;
}

function byMediaType<const T extends string, const S>(types: readonly T[], schema: S) {
  return Object.fromEntries(types.map((type) => [type, { schema }])) as { [K in T]: { schema: S } };
}

/** A text that is not JSON (a page, a stylesheet, a CSV export), in the media types it comes in. */
export function text<const T extends string>(description: string, types: readonly T[]) {
  return { description, content: byMediaType(types, { type: 'string' } as const) } as const;
}

/** A file's bytes, in the media types it comes in; the empty schema is OpenAPI 3.1's word for "any bytes". */
export function file<const T extends string>(description: string, types: readonly T[]) {
  return { description, content: byMediaType(types, {} as const) } as const;
}

/** No body (204): the schema says `null`, so the handler sends null; fastify writes no body for a 204. */
export function noContent(description: string) {
  return { description, type: 'null' } as const;
}

/** A route's answers: its own by status, and the problem for every error. */
export function answers<const A extends Record<number, object>>(own: A) {
  return { ...own, ...problems } as const;
}
