import type { FastifyInstance } from 'fastify';
import { DomainError } from '../engine/errors.js';

/**
 * How deep a JSON body may nest. The deepest shipped definition nests 12 levels inside its request; no
 * form or task needs more than a few. Far below what recursive code on the way (JSON.stringify in the
 * Temporal client, ajv's deep equality) can take.
 */
export const MAX_JSON_DEPTH = 32;

function escapePointerToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** The JSON pointer of the first value nested deeper than `maxDepth` (the root is depth 0), if any. */
export function tooDeeplyNested(value: unknown, maxDepth = MAX_JSON_DEPTH): string | undefined {
  // A loop, not recursion: the point is to survive what would overflow the stack.
  const pending: Array<[unknown, string, number]> = [[value, '', 0]];
  while (pending.length) {
    const [node, pointer, depth] = pending.pop() as [unknown, string, number];
    if (node === null || typeof node !== 'object') continue;
    if (depth > maxDepth) return pointer;
    for (const [key, child] of Object.entries(node as Record<string, unknown>)) {
      if (child !== null && typeof child === 'object') pending.push([child, `${pointer}/${escapePointerToken(key)}`, depth + 1]);
    }
  }
  return undefined;
}

/** Refuses a body nested deeper than MAX_JSON_DEPTH before any route looks at it, naming the field. */
export function registerNestingLimit(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const pointer = tooDeeplyNested(request.body);
    if (pointer !== undefined) {
      throw new DomainError('invalid_input', `${pointer} nests deeper than ${MAX_JSON_DEPTH} levels.`, [
        { pointer, message: `nests deeper than ${MAX_JSON_DEPTH} levels` },
      ]);
    }
  });
}
