/**
 * Incidents: applications whose workflow is failing or stuck, recorded by the worker (worker/incidents.ts)
 * and by the projection, listed for operators (api/routes/incidents.ts). A condition seen again counts up
 * on its row; one that went away is resolved, and opens again (counting from one) if it comes back.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import type { IncidentRecord } from './entities.js';
import { query } from './sql.js';

export const INCIDENT_KINDS = ['workflow-task-failure', 'activity-retrying', 'service-down', 'projection-refused'] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];

export interface IncidentSighting {
  kind: IncidentKind;
  /** The workflow id: the application's tracking number. */
  trackingNumber: string;
  /** The workflow run; empty where the condition belongs to no run (a projection write). */
  runId: string;
  /** What the condition is about within the run: the error, the activity type, the service, the revision. */
  subject: string;
  revision?: number;
  code: string;
  /** The error's text, never payloads or personal data. */
  reason: string;
  at: Date;
}

/** An incident with the application it concerns, as the read model knows it (absent before its first projection). */
export interface IncidentRow extends Omit<IncidentRecord, 'kind' | 'status'> {
  id: number;
  kind: IncidentKind;
  status: 'open' | 'resolved';
  officeId: string | null;
  procedureId: string | null;
}

const clip = (text: string, length: number) => (text.length > length ? `${text.slice(0, length - 1)}…` : text);

/** Records that a condition was seen: a new open incident, or one more sighting of the open one. */
export async function noteIncident(orm: MikroORM, sighting: IncidentSighting): Promise<void> {
  await query(
    orm,
    `insert into incident (kind, tracking_number, run_id, subject, revision, code, reason, status, first_seen_at, last_seen_at, count)
       values ($1, $2, $3, $4, $5, $6, $7, 'open', $8, $8, 1)
     on conflict (kind, tracking_number, run_id, subject) do update set
       code = excluded.code, reason = excluded.reason, last_seen_at = greatest(incident.last_seen_at, excluded.last_seen_at),
       first_seen_at = case when incident.status = 'open' then incident.first_seen_at else excluded.first_seen_at end,
       count = case when incident.status = 'open' then incident.count + 1 else 1 end,
       status = 'open', resolved_at = null`,
    [
      sighting.kind,
      clip(sighting.trackingNumber, 64),
      sighting.runId,
      clip(sighting.subject, 128),
      sighting.revision ?? null,
      clip(sighting.code, 64),
      clip(sighting.reason, 500),
      sighting.at,
    ],
  );
}

export interface ResolvedCondition {
  kinds: readonly IncidentKind[];
  trackingNumber: string;
  runId?: string;
  subject?: string;
  /** Only incidents first seen before this instant: what a later success proves gone. */
  seenBefore?: Date;
  at: Date;
}

/** Resolves the open incidents of a condition that went away; answers how many. Idempotent. */
export async function resolveIncidents(orm: MikroORM, condition: ResolvedCondition): Promise<number> {
  const rows = await query(
    orm,
    `update incident set status = 'resolved', resolved_at = $6
       where status = 'open' and kind = any($1::text[]) and tracking_number = $2
         and ($3::text is null or run_id = $3) and ($4::text is null or subject = $4)
         and ($5::timestamptz is null or first_seen_at < $5)
     returning id`,
    [condition.kinds, condition.trackingNumber, condition.runId ?? null, condition.subject ?? null, condition.seenBefore ?? null, condition.at],
  );
  return rows.length;
}

/**
 * What an activity's success proves gone, in one statement (it runs after every activity): the activity's
 * own incidents of the run, and — when `workflowTaskSince` is given — the run's workflow task failures first
 * seen before it (the activity was scheduled by a workflow task that completed after them).
 */
export async function resolveAfterSuccess(
  orm: MikroORM,
  success: { trackingNumber: string; runId: string; subjects: readonly string[]; workflowTaskSince?: Date; at: Date },
): Promise<void> {
  await query(
    orm,
    `update incident set status = 'resolved', resolved_at = $5
       where status = 'open' and tracking_number = $1 and run_id = $2
         and ((kind in ('activity-retrying', 'service-down') and subject = any($3::text[]))
              or (kind = 'workflow-task-failure' and first_seen_at < $4::timestamptz))`,
    [success.trackingNumber, success.runId, success.subjects, success.workflowTaskSince ?? null, success.at],
  );
}

export interface IncidentFilter {
  kind?: IncidentKind;
  status?: 'open' | 'resolved';
  trackingNumber?: string;
  procedureId?: string;
  /** These offices' (a supervisor's); every office's, and incidents of no known application, when absent. */
  offices?: readonly string[];
  limit: number;
  offset: number;
}

const SELECT = `select i.id, i.kind, i.tracking_number as "trackingNumber", i.run_id as "runId", i.subject, i.revision, i.code, i.reason,
    i.status, i.first_seen_at as "firstSeenAt", i.last_seen_at as "lastSeenAt", i.count, i.resolved_at as "resolvedAt",
    a.office_id as "officeId", a.procedure_id as "procedureId"
  from incident i left join application a on a.tracking_number = i.tracking_number`;

type RawIncident = Omit<IncidentRow, 'firstSeenAt' | 'lastSeenAt' | 'resolvedAt'> & { firstSeenAt: string; lastSeenAt: string; resolvedAt: string | null };

// The pool hands timestamps over as PostgreSQL's text.
const asIncident = (raw: RawIncident): IncidentRow => ({
  ...raw,
  firstSeenAt: new Date(raw.firstSeenAt),
  lastSeenAt: new Date(raw.lastSeenAt),
  resolvedAt: raw.resolvedAt === null ? null : new Date(raw.resolvedAt),
});

/** Incidents, most recently seen first. */
export async function listIncidents(orm: MikroORM, filter: IncidentFilter): Promise<IncidentRow[]> {
  const rows = await query<RawIncident>(
    orm,
    `${SELECT}
     where ($1::text is null or i.kind = $1) and ($2::text is null or i.status = $2) and ($3::text is null or i.tracking_number = $3)
       and ($4::text is null or a.procedure_id = $4) and ($5::text[] is null or a.office_id = any($5::text[]))
     order by i.last_seen_at desc, i.id desc limit $6 offset $7`,
    [filter.kind ?? null, filter.status ?? null, filter.trackingNumber ?? null, filter.procedureId ?? null, filter.offices ?? null, filter.limit, filter.offset],
  );
  return rows.map(asIncident);
}

export async function findIncident(orm: MikroORM, id: number): Promise<IncidentRow | undefined> {
  const [row] = await query<RawIncident>(orm, `${SELECT} where i.id = $1`, [id]);
  return row && asIncident(row);
}

/** A projection write PostgreSQL refused for good: nothing retries it, so it stays open. */
export async function recordProjectionIncident(
  orm: MikroORM,
  incident: { trackingNumber: string; revision: number; code: string; reason: string; occurredAt: Date },
): Promise<void> {
  await noteIncident(orm, {
    kind: 'projection-refused',
    trackingNumber: incident.trackingNumber,
    runId: '',
    subject: String(incident.revision),
    revision: incident.revision,
    code: incident.code,
    reason: incident.reason,
    at: incident.occurredAt,
  });
}
