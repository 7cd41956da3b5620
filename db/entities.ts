import { EntitySchema } from '@mikro-orm/core';

/**
 * PostgreSQL holds projections, not truth: Temporal's history is the source of truth and every row here
 * can be rebuilt from it. `revision` is the application's revision at the time of the write, so a late,
 * retried write never overwrites a newer one.
 */
export interface ApplicationRecord {
  trackingNumber: string;
  procedureId: string;
  procedureVersion: number;
  procedureHash: string;
  officeId: string;
  status: string;
  outcome?: string | null;
  document?: string | null;
  data: Record<string, unknown>;
  filedBy: string;
  filedAt: Date;
  closedAt?: Date | null;
  revision: number;
  updatedAt: Date;
}

export interface TaskRecord {
  id: string;
  trackingNumber: string;
  procedureId: string;
  stepId: string;
  role: string;
  officeId: string;
  status: string;
  assignee?: string | null;
  outcome?: string | null;
  createdAt: Date;
  completedAt?: Date | null;
  completedBy?: string | null;
  revision: number;
  updatedAt: Date;
}

export const Application = new EntitySchema<ApplicationRecord>({
  name: 'Application',
  tableName: 'application',
  properties: {
    trackingNumber: { type: 'string', length: 16, primary: true },
    procedureId: { type: 'string', length: 64, index: true },
    procedureVersion: { type: 'integer' },
    procedureHash: { type: 'string', length: 64 },
    officeId: { type: 'string', length: 64 },
    status: { type: 'string', length: 16 },
    outcome: { type: 'string', length: 16, nullable: true },
    document: { type: 'string', length: 128, nullable: true },
    data: { type: 'json' },
    filedBy: { type: 'string', length: 128 },
    filedAt: { type: 'datetime' },
    closedAt: { type: 'datetime', nullable: true },
    revision: { type: 'integer' },
    updatedAt: { type: 'datetime' },
  },
  indexes: [{ properties: ['officeId', 'status', 'filedAt'] }],
});

export const Task = new EntitySchema<TaskRecord>({
  name: 'Task',
  tableName: 'task',
  properties: {
    id: { type: 'string', length: 128, primary: true },
    trackingNumber: { type: 'string', length: 16, index: true },
    procedureId: { type: 'string', length: 64 },
    stepId: { type: 'string', length: 64 },
    role: { type: 'string', length: 64 },
    officeId: { type: 'string', length: 64 },
    status: { type: 'string', length: 16 },
    assignee: { type: 'string', length: 128, nullable: true },
    outcome: { type: 'string', length: 64, nullable: true },
    createdAt: { type: 'datetime' },
    completedAt: { type: 'datetime', nullable: true },
    completedBy: { type: 'string', length: 128, nullable: true },
    revision: { type: 'integer' },
    updatedAt: { type: 'datetime' },
  },
  // The inbox: an office's open tasks, oldest first.
  indexes: [{ properties: ['officeId', 'status', 'createdAt'] }],
});

export interface ProcedureVersionRecord {
  procedureId: string;
  version: number;
  hash: string;
  definition: Record<string, unknown>;
  source: string;
  publishedBy: string;
  publishedAt: Date;
}

/** The registry of published versions: rows are inserted once and never updated. */
export const ProcedureVersion = new EntitySchema<ProcedureVersionRecord>({
  name: 'ProcedureVersion',
  tableName: 'procedure_version',
  properties: {
    procedureId: { type: 'string', length: 64, primary: true },
    version: { type: 'integer', primary: true },
    hash: { type: 'string', length: 64 },
    definition: { type: 'json' },
    source: { type: 'string', length: 16 },
    publishedBy: { type: 'string', length: 128 },
    publishedAt: { type: 'datetime' },
  },
});

export const entities = [Application, Task, ProcedureVersion];
