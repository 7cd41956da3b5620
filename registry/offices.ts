/**
 * The offices citizens can file with (communes, annexes, provinces …), read from `procedures/offices.json`
 * so that the portal offers a list rather than asking a citizen for an identifier.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import type { FromSchema } from 'json-schema-to-ts';
import type { ProcedureDefinition } from '../engine/definition.generated.js';
import { localizedText } from './localized-text.js';

export const officesFileSchema = {
  type: 'object',
  required: ['offices'],
  additionalProperties: false,
  properties: {
    offices: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'kind', 'name'],
        additionalProperties: false,
        properties: {
          id: { type: 'string', pattern: '^[a-z][a-z0-9-]{1,63}$' },
          kind: { enum: ['commune', 'annex', 'prefecture', 'province', 'region', 'ministry', 'agency'] },
          name: localizedText,
        },
      },
    },
  },
} as const;

export type Office = FromSchema<typeof officesFileSchema>['offices'][number];

// The kinds here and the definition language's must stay the same list.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const _sameKinds: Same<Office['kind'], ProcedureDefinition['offices'][number]> = true;
void _sameKinds;

const validate = new Ajv({ allErrors: true }).compile(officesFileSchema);

/** The name of the office directory among the procedure files. */
export const OFFICES_FILE = 'offices.json';

/** What is wrong with an office directory's content, each with its JSON pointer: nothing when it is valid. */
export function officesProblems(parsed: unknown): Array<{ pointer: string; message: string }> {
  if (!validate(parsed)) return (validate.errors ?? []).map((e) => ({ pointer: e.instancePath || '/', message: e.message ?? 'is not valid' }));
  const seen = new Set<string>();
  const problems: Array<{ pointer: string; message: string }> = [];
  for (const [i, office] of (parsed as FromSchema<typeof officesFileSchema>).offices.entries()) {
    if (seen.has(office.id)) problems.push({ pointer: `/offices/${i}/id`, message: `"${office.id}" is listed twice` });
    seen.add(office.id);
  }
  return problems;
}

export function readOffices(proceduresDir: string): Office[] {
  const file = path.join(proceduresDir, OFFICES_FILE);
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  const [first] = officesProblems(parsed);
  if (first) throw new Error(`${file}: ${first.pointer} ${first.message}`);
  return [...(parsed as FromSchema<typeof officesFileSchema>).offices];
}

/**
 * Why an application of this procedure cannot be filed with this office, if it cannot: the office is not
 * in the directory, or is not of a kind the procedure names. Accepting either would start an
 * application whose task no agent's inbox shows.
 */
export function officeRefusal(offices: readonly Office[], officeId: string, definition: Pick<ProcedureDefinition, 'id' | 'offices'>): string | undefined {
  const office = offices.find((o) => o.id === officeId);
  if (!office) return 'is not an office of the directory (GET /offices)';
  if (!definition.offices.includes(office.kind)) return `is a ${office.kind}; ${definition.id} is handled by: ${definition.offices.join(', ')}`;
  return undefined;
}
