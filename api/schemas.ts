/** JSON Schema pieces shared by route schemas (each route's schema gives both its validator and its type). */

/** Ids of the procedure's documents (a definition's ids have at most 64 characters; no guide lists 50). */
export const documentIds = { type: 'array', minItems: 1, maxItems: 50, uniqueItems: true, items: { type: 'string', minLength: 1, maxLength: 64 } } as const;

export const freeText = { type: 'string', maxLength: 2000 } as const;
