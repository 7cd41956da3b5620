/**
 * The staff directory: who holds which role in which office and how to reach them, loaded from a JSON
 * file (`mohla staff import <file>`). Roles and assignees in notify steps resolve through it.
 */
import { readFileSync } from 'node:fs';
import type { MikroORM } from '@mikro-orm/postgresql';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import type { StaffMemberRecord } from '../db/entities.js';
import { listStaff, saveStaff } from '../db/staff.js';

/** Ids end up in queue job ids, which may not hold ':' (nor the '~' that separates their parts). */
const STAFF_ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$';

const staffFileSchema = {
  type: 'object',
  required: ['staff'],
  additionalProperties: false,
  properties: {
    $schema: { type: 'string' },
    staff: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'officeId', 'role', 'name'],
        additionalProperties: false,
        properties: {
          id: { type: 'string', pattern: STAFF_ID_PATTERN, description: 'The subject of the person’s token: the assignee of their tasks.' },
          officeId: { type: 'string', minLength: 1, maxLength: 64 },
          role: { type: 'string', pattern: '^[a-z][a-zA-Z0-9_-]{0,62}$' },
          name: { type: 'string', minLength: 1, maxLength: 200 },
          email: { type: 'string', format: 'email', maxLength: 254 },
          phone: { type: 'string', pattern: '^\\+?[0-9 ]{9,15}$' },
          language: { enum: ['ar', 'fr', 'en'] },
        },
      },
    },
  },
} as const;

export interface StaffEntry {
  id: string;
  officeId: string;
  role: string;
  name: string;
  email?: string;
  phone?: string;
  language?: 'ar' | 'fr' | 'en';
}

export class StaffFileError extends Error {}

const ajv = addFormats.default(new Ajv({ allErrors: true, strict: false }));
const validateFile = ajv.compile(staffFileSchema);

function parseStaffFile(content: string, source = 'staff file'): StaffEntry[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch (err) {
    throw new StaffFileError(`${source} is not JSON: ${(err as Error).message}`);
  }
  if (!validateFile(parsed)) {
    const problems = (validateFile.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is not valid'}`);
    throw new StaffFileError(`${source}: ${problems.join('; ')}`);
  }
  const staff = (parsed as { staff: StaffEntry[] }).staff;
  const seen = new Set<string>();
  for (const [i, member] of staff.entries()) {
    if (seen.has(member.id)) throw new StaffFileError(`${source}: /staff/${i}/id ${member.id} appears twice`);
    seen.add(member.id);
  }
  return staff;
}

export class StaffDirectory {
  constructor(private readonly orm: MikroORM) {}

  /**
   * Adds or updates every member of the list. With `prune`, members of the offices the list covers who
   * are not in it are removed: the file is then the whole truth about those offices.
   */
  async import(staff: StaffEntry[], options: { prune?: boolean } = {}): Promise<{ saved: number; removed: number }> {
    const now = new Date();
    const rows = staff.map(
      (m): StaffMemberRecord => ({
        id: m.id,
        officeId: m.officeId,
        role: m.role,
        name: m.name,
        email: m.email ?? null,
        phone: m.phone ?? null,
        language: m.language ?? 'fr',
        updatedAt: now,
      }),
    );
    const removed = await saveStaff(this.orm, rows, options);
    return { saved: staff.length, removed };
  }

  async importFile(file: string, options: { prune?: boolean } = {}) {
    return this.import(parseStaffFile(readFileSync(file, 'utf8'), file), options);
  }

  async list(officeId?: string): Promise<StaffMemberRecord[]> {
    return listStaff(this.orm, officeId);
  }
}
