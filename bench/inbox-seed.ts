/**
 * Bulk-loads open applications and their inbox tasks into a migrated database, shaped as the projection
 * activity writes them (activities/projection.ts, db/rows.ts), for the inbox benchmark.
 *
 * Each application is one of the shipped procedures (latest version, its hash), waiting on one of its
 * user-task steps with that step's role; a task past the first step has the step before it completed
 * beside it, as the real history leaves it. Tracking numbers have the real form (Crockford base 32 and
 * check character). Legal due dates fall at the end of a local day, from six days overdue to two months
 * ahead, so many tasks of an office share a due instant; steps before the one that starts the legal
 * deadline (the promotion's first steps) have none yet. About one application in twenty waits on a
 * complement, its deadline paused; a third of the tasks are claimed; steps with a service level carry
 * its due date. Form data is synthetic, with the procedure's own field names. Each of these varies
 * with its own prime modulus of the row number, so no office gets all of one kind.
 *
 * How: PostgreSQL generates the rows itself (`generate_series`), in batches of one transaction each, two
 * sessions at a time, into the production tables with every production index in place: an index built
 * after the load would be packed tighter than the one production grows row by row. Only the
 * statements cross the wire.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Budget, JsonSchemaObject, ProcedureDefinition, UserTaskStep } from '../engine/definition.generated.js';
import { parseIsoDuration } from '../engine/deadline/duration.js';
import { withSql } from '../db/sql.js';
import { loadProcedureFolder } from '../registry/catalogue.js';
import { pool } from './lib.js';

export interface InboxSeed {
  tasks: number;
  offices: number;
  proceduresDir: string;
  /** Rows per transaction. */
  batch?: number;
  /** Sessions loading at once. */
  sessions?: number;
  onProgress?: (done: number) => void;
}

/** One way an application can wait in an inbox: a procedure, the step its open task is on, and the one before. */
interface Shape {
  procedure_id: string;
  procedure_version: number;
  procedure_hash: string;
  step_id: string;
  role: string;
  previous_step_id: string | null;
  previous_role: string | null;
  /** Calendar days the legal deadline gives, roughly (how long ago the application was filed). */
  legal_days: number;
  /** False for a step before the one whose entry starts the legal deadline: its tasks have no due date yet. */
  deadline_started: boolean;
  service_level_days: number | null;
  /** The form's data as JSON text, `{{n}}` standing for the application's number. */
  data: string;
}

const DAY_MS = 86_400_000;

function roughDays(budget: Budget): number {
  if ('workingDays' in budget) return Math.ceil((budget.workingDays * 7) / 5);
  if ('calendarDays' in budget) return budget.calendarDays;
  if ('months' in budget) return Math.ceil(budget.months * 30.5);
  return Math.max(1, Math.ceil((parseIsoDuration(budget.duration) ?? DAY_MS) / DAY_MS));
}

/** A value of the field's type, unique per application where the field is free text. */
function syntheticValue(name: string, schema: JsonSchemaObject): unknown {
  const s = schema as { type?: string; enum?: unknown[]; format?: string; minimum?: number; const?: unknown };
  if (s.const !== undefined) return s.const;
  if (s.enum?.length) return s.enum[0];
  if (s.type === 'boolean') return false;
  if (s.type === 'integer' || s.type === 'number') return s.minimum ?? 1;
  if (s.format === 'date') return '1990-01-01';
  if (s.format === 'email') return `person{{n}}@example.ma`;
  return `${name} {{n}}`;
}

function formTemplate(definition: ProcedureDefinition): string {
  const properties = ((definition.form as { properties?: Record<string, JsonSchemaObject> }).properties ?? {}) as Record<string, JsonSchemaObject>;
  return JSON.stringify(Object.fromEntries(Object.entries(properties).map(([name, schema]) => [name, syntheticValue(name, schema)])));
}

export function inboxShapes(proceduresDir: string): Shape[] {
  const { catalogue } = loadProcedureFolder(proceduresDir);
  const shapes: Shape[] = [];
  for (const pinned of catalogue.list()) {
    const { definition } = pinned;
    const steps = Object.entries(definition.steps).filter((entry): entry is [string, UserTaskStep] => entry[1].type === 'userTask');
    const { deadline } = definition;
    const startingStep = deadline.startsOn === 'stepEntry' ? steps.findIndex(([stepId]) => stepId === deadline.step) : 0;
    steps.forEach(([stepId, step], i) => {
      shapes.push({
        procedure_id: definition.id,
        procedure_version: definition.version,
        procedure_hash: pinned.hash,
        step_id: stepId,
        role: step.role,
        previous_step_id: i > 0 ? steps[i - 1]![0] : null,
        previous_role: i > 0 ? steps[i - 1]![1].role : null,
        legal_days: roughDays(deadline.budget),
        deadline_started: i >= startingStep,
        service_level_days: step.serviceLevel ? roughDays(step.serviceLevel.budget) : null,
        data: formTemplate(definition),
      });
    });
  }
  return shapes;
}

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * SQL for a tracking number of the real form from x, a 40-bit number: eight base-32 characters, then
 * the Luhn mod-32 check character of engine/tracking-number.ts (factor 2 on the last character,
 * alternating leftwards). Written out as one expression: a function call per row costs twice as much.
 */
function trackingNumberSql(x: string): string {
  const digit = (p: number) => `((${x} >> ${5 * (7 - p)}) & 31)::int`;
  const char = (sql: string) => `substr('${ALPHABET}', ${sql} + 1, 1)`;
  const positions = [0, 1, 2, 3, 4, 5, 6, 7];
  const body = positions.map((p) => char(digit(p)) + (p === 3 ? ` || '-'` : '')).join(' || ');
  const sum = positions.map((p) => ((7 - p) % 2 === 0 ? `(2 * ${digit(p)}) / 32 + (2 * ${digit(p)}) % 32` : digit(p))).join(' + ');
  return `${body} || '-' || ${char(`(32 - (${sum}) % 32) % 32`)}`;
}

/** n times an odd constant, modulo 2^40, is a permutation: distinct numbers that look drawn at random. */
const SCRAMBLED = '(i * 679542667529) % 1099511627776';

/**
 * The rows of numbers $1..$2, each with its shape, its office and its dates: the legal deadline ends at
 * the end of a local day, from five days ago to two months ahead; it has not started for a step before
 * the one that starts it.
 */
const ROWS = `rows as (
  select i, ${trackingNumberSql(SCRAMBLED)} as tn, 'office-' || (i % $3) as office_id, s.*, i % 3 = 0 as claimed,
         ((current_date + ((i * 7919) % 67 - 6)::int)::timestamp at time zone 'Africa/Casablanca') - interval '1 millisecond' as day_end
    from generate_series($1::bigint, $2::bigint) as i
    join bench_shape s on s.n = i % $4),
  dated as (
  select r.*, case when deadline_started then day_end end as due_at, deadline_started and i % 19 = 0 as paused,
         day_end - legal_days * interval '1 day' + (i % 480) * interval '1 minute' as filed_at
    from rows r)`;

/** One batch in one statement: the rows are computed once, for the applications and for their tasks. */
const INSERT_BATCH = `with ${ROWS},
applications as (
insert into application (tracking_number, procedure_id, procedure_version, procedure_hash, office_id, status, data, filed_by, citizen,
                         filed_at, granted_by_silence, due_at, deadline, revision, updated_at)
select tn, procedure_id, procedure_version, procedure_hash, office_id, 'open', replace(data, '{{n}}', i::text)::jsonb,
       case when i % 11 = 0 then 'agent-' || (i % 7) else 'citizen-' || (i % 400000) end, 'citizen-' || (i % 400000),
       filed_at, false, due_at,
       case when deadline_started then jsonb_build_object(
         'dueAt', to_char(due_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"+00:00"'),
         'dueDate', to_char(due_at at time zone 'Africa/Casablanca', 'YYYY-MM-DD'),
         'paused', paused, 'expired', false,
         'explanation', jsonb_build_array(
           legal_days || ' calendar days from ' || to_char(filed_at at time zone 'Africa/Casablanca', 'FMDay DD FMMonth YYYY'),
           'counted from ' || to_char(filed_at at time zone 'Africa/Casablanca', 'DD FMMonth YYYY (HH24:MI') || ' in Africa/Casablanca): day 1 is the day after',
           'due ' || to_char(due_at at time zone 'Africa/Casablanca', 'FMDay DD FMMonth YYYY') || ' at 23:59 (Africa/Casablanca)'),
         'ledger', case when paused
           then jsonb_build_array(jsonb_build_object('type', 'started', 'at', filed_at), jsonb_build_object('type', 'paused', 'at', filed_at + interval '1 day', 'reason', 'complement requested'))
           else jsonb_build_array(jsonb_build_object('type', 'started', 'at', filed_at)) end) end,
       3, now()
  from dated)
insert into task (id, tracking_number, procedure_id, step_id, role, office_id, status, assignee, outcome, created_at, completed_at, completed_by,
                  escalated, due_at, service_level_due_at, revision, updated_at)
select tn || '.' || step_id || '.' || case when previous_step_id is null then 1 else 2 end, tn, procedure_id, step_id, role, office_id,
       case when claimed then 'claimed' else 'open' end, case when claimed then 'agent-' || (i % 7) end, null,
       filed_at + interval '2 hours', null, null, i % 53 = 0, due_at,
       case when service_level_days is not null then filed_at + interval '2 hours' + service_level_days * interval '1 day' end, 3, now()
  from dated
union all
select tn || '.' || previous_step_id || '.1', tn, procedure_id, previous_step_id, previous_role, office_id, 'completed', null, 'continue',
       filed_at + interval '1 hour', filed_at + interval '2 hours', 'agent-' || (i % 7), false, due_at, null, 3, now()
  from dated where previous_step_id is not null`;

const SHAPE_COLUMNS = `procedure_id text, procedure_version int, procedure_hash text, step_id text, role text, previous_step_id text,
  previous_role text, legal_days int, deadline_started boolean, service_level_days int, data text`;

export async function seedInbox(orm: MikroORM, seed: InboxSeed): Promise<{ applications: number; tasks: number; shapes: number }> {
  const batch = seed.batch ?? 20_000;
  const shapes = inboxShapes(seed.proceduresDir);
  if (!shapes.length) throw new Error(`no user-task step in the procedures of ${seed.proceduresDir}`);
  // The shapes live in an ordinary table for the load's duration: every session reads them.
  await withSql(orm, async (sql) => {
    await sql('drop table if exists bench_shape');
    await sql(`create table bench_shape (n int primary key, ${SHAPE_COLUMNS})`);
    await sql(`insert into bench_shape select (row_number() over () - 1)::int, s.* from jsonb_to_recordset($1::jsonb) as s(${SHAPE_COLUMNS})`, [JSON.stringify(shapes)]);
  });
  const batches = Math.ceil(seed.tasks / batch);
  let done = 0;
  await pool(batches, seed.sessions ?? 2, (b) =>
    withSql(orm, async (sql) => {
      const from = b * batch;
      const to = Math.min(seed.tasks, from + batch) - 1;
      const params = [from, to, seed.offices, shapes.length];
      // Waiting for each batch's commit to reach the disk is not the point; tables and indexes are production's.
      await sql('begin');
      await sql('set local synchronous_commit = off');
      await sql(INSERT_BATCH, params);
      await sql('commit');
      done += to - from + 1;
      seed.onProgress?.(done);
    }),
  );
  // A database that has been running is vacuumed (rows hinted, pages all-visible, statistics current)
  // and has written its pages out; measuring before that would measure the load's aftermath instead.
  await withSql(orm, async (sql) => {
    await sql('drop table bench_shape');
    await sql('vacuum (analyze) application');
    await sql('vacuum (analyze) task');
    // Only a superuser or a member of pg_checkpoint may; without it the server checkpoints on its own schedule.
    await sql('checkpoint').catch((err: Error) => process.stderr.write(`no checkpoint after the load: ${err.message}\n`));
  });
  const [counts] = await withSql(orm, (sql) =>
    sql<{ applications: string; tasks: string }>(`select (select count(*) from application) as applications, (select count(*) from task where status in ('open', 'claimed')) as tasks`),
  );
  return { applications: Number(counts!.applications), tasks: Number(counts!.tasks), shapes: shapes.length };
}
