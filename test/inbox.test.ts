/**
 * The inbox's order and pages, on projections written straight into PostgreSQL (as the projection
 * activity writes them) so that due dates can tie, be missing or lie in the past: whoever pages
 * through their inbox sees each of their tasks to do exactly once, by legal due date, tasks without
 * one last, ties by id, whatever the page size and however many offices they work for.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../identity/tokens.js';
import { as, createTestStack, tokenFor, type TestStack } from './helpers/stack.js';

let stack: TestStack;
let offices: { a: string; b: string; c: string };

interface InboxPage {
  tasks: Array<{ id: string; officeId: string; status: string; assignee: string | null; legalDeadline: { dueAt: string; paused: boolean } | null }>;
  nextCursor: string | null;
}

const DAY = 86_400_000;
/** End of a local day in Casablanca (UTC+1), where legal deadlines fall. */
const dayEnd = (days: number) => new Date(Date.UTC(2026, 11, 1) + days * DAY - 3_600_000 - 1);
const DUE_DAYS = [-3, 0, 0, 2, 5, null] as const;
const STATUSES = ['open', 'claimed', 'open', 'completed', 'open', 'cancelled', 'claimed'] as const;

/** Tasks of every kind the inbox meets: shared due instants, none yet, overdue, claimed, done, paused. */
async function seed(office: string, prefix: string, count: number, salt: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const n = i + salt;
    const trackingNumber = `${prefix}${String(i).padStart(4, '0')}`;
    const days = DUE_DAYS[n % DUE_DAYS.length]!;
    const due = days === null ? null : dayEnd(days);
    const status = STATUSES[n % STATUSES.length]!;
    const paused = n % 5 === 0;
    await stack.orm.em.getConnection().execute(
      `insert into application (tracking_number, procedure_id, procedure_version, procedure_hash, office_id, status, data, filed_by, citizen,
                                filed_at, revision, updated_at, due_at, deadline)
       values (?, 'residence-certificate', 2, 'test', ?, 'open', '{}', 'citizen-1', 'citizen-1', ?, 1, now(), ?, ?::jsonb)`,
      [trackingNumber, office, dayEnd(-10), due, due ? JSON.stringify({ dueAt: due.toISOString(), paused }) : null],
    );
    await stack.orm.em.getConnection().execute(
      `insert into task (id, tracking_number, procedure_id, step_id, role, office_id, status, assignee, created_at, revision, updated_at, due_at)
       values (?, ?, 'residence-certificate', 'review', 'agent', ?, ?, ?, ?, 1, now(), ?)`,
      [`${trackingNumber}.review.1`, trackingNumber, office, status, status === 'claimed' ? `agent-${n % 2}` : null, dayEnd(-9), due],
    );
  }
}

/** The inbox's order as PostgreSQL sorts it: the reference every page is checked against. */
async function expectedOrder(where: string, params: unknown[]): Promise<string[]> {
  const rows = await stack.orm.em.getConnection().execute<Array<{ id: string }>>(`select id from task where ${where} order by due_at asc nulls last, id asc`, params);
  return rows.map((r) => r.id);
}

async function walk(role: Role, sub: string, officeIds: string[], query: string, limit: number): Promise<InboxPage['tasks']> {
  const call = as(stack, await tokenFor(role, sub, officeIds));
  const seen: InboxPage['tasks'] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 100; page++) {
    const res = await call({ method: 'GET', url: `/tasks?limit=${limit}${query}${cursor ? `&cursor=${cursor}` : ''}` });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as InboxPage;
    expect(body.tasks.length).toBeLessThanOrEqual(limit);
    seen.push(...body.tasks);
    cursor = body.nextCursor;
    if (!cursor) return seen;
  }
  throw new Error('the inbox never ended');
}

const ids = (tasks: InboxPage['tasks']) => tasks.map((t) => t.id);

beforeAll(async () => {
  stack = await createTestStack({ worker: false });
  offices = { a: `annex-a-${stack.id}`, b: `annex-b-${stack.id}`, c: `annex-c-${stack.id}` };
  await seed(offices.a, 'A', 40, 0);
  await seed(offices.b, 'B', 25, 3);
  await seed(offices.c, 'C', 10, 5);
});
afterAll(async () => {
  await stack?.close();
});

describe('the inbox', () => {
  it("pages through an office's open and claimed tasks once each, by due date, undated last, ties by id", async () => {
    const expected = await expectedOrder(`office_id = ? and status in ('open', 'claimed')`, [offices.a]);
    expect(expected.length).toBeGreaterThan(20);
    for (const limit of [1, 3, 7, 50]) expect(ids(await walk('agent', 'agent-0', [offices.a], '', limit))).toEqual(expected);
  });

  it('merges the offices of someone who works for several, and an administrator sees every office', async () => {
    const two = await expectedOrder(`office_id in (?, ?) and status in ('open', 'claimed')`, [offices.a, offices.b]);
    const merged = await walk('supervisor', 'supervisor-1', [offices.a, offices.b], '', 4);
    expect(ids(merged)).toEqual(two);
    expect(new Set(merged.map((t) => t.officeId))).toEqual(new Set([offices.a, offices.b]));
    expect(ids(await walk('supervisor', 'supervisor-1', [offices.a, offices.b], `&officeId=${offices.b}`, 4))).toEqual(
      await expectedOrder(`office_id = ? and status in ('open', 'claimed')`, [offices.b]),
    );
    expect(ids(await walk('admin', 'admin-1', [], '', 9))).toEqual(await expectedOrder(`status in ('open', 'claimed')`, []));
    expect(await walk('supervisor', 'supervisor-2', [], '', 9)).toEqual([]);
  });

  it('filters by status, assignee and due date, and shows a paused deadline as paused', async () => {
    expect(ids(await walk('agent', 'agent-0', [offices.a], '&status=completed', 2))).toEqual(await expectedOrder(`office_id = ? and status = 'completed'`, [offices.a]));
    const mine = await walk('agent', 'agent-1', [offices.a], '&assignee=me', 2);
    expect(ids(mine)).toEqual(await expectedOrder(`office_id = ? and status = 'claimed' and assignee = 'agent-1'`, [offices.a]));
    expect(mine.length).toBeGreaterThan(0);
    const before = dayEnd(1);
    const due = await walk('agent', 'agent-0', [offices.a], `&dueBefore=${encodeURIComponent(before.toISOString())}`, 5);
    expect(ids(due)).toEqual(await expectedOrder(`office_id = ? and status in ('open', 'claimed') and due_at < ?`, [offices.a, before]));
    expect(due.every((t) => t.legalDeadline !== null)).toBe(true);
    const all = await walk('agent', 'agent-0', [offices.a], '', 50);
    const pausedIds = await stack.orm.em
      .getConnection()
      .execute<Array<{ id: string }>>(
        `select t.id from task t join application a using (tracking_number) where t.office_id = ? and t.status in ('open', 'claimed') and (a.deadline->>'paused')::boolean`,
        [offices.a],
      );
    expect(pausedIds.length).toBeGreaterThan(0);
    expect(all.filter((t) => t.legalDeadline?.paused).map((t) => t.id).sort()).toEqual(pausedIds.map((r) => r.id).sort());
  });
});
