/**
 * The JSON Schema of a text in the portal's three languages, as reference data carries it (the office
 * directory, a calendar's holidays and closures): the registry reads it from files, the API from requests.
 */
export const localizedText = {
  type: 'object',
  required: ['ar', 'fr', 'en'],
  additionalProperties: false,
  properties: { ar: { type: 'string', minLength: 1 }, fr: { type: 'string', minLength: 1 }, en: { type: 'string', minLength: 1 } },
} as const;
