import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../audit/chain.js';
import { as, createTestStack, people, tokenFor, type TestStack } from './helpers/stack.js';

const form = { fullName: 'Nadia Alaoui', cin: 'FE554433', address: 'Rue de Fès, Berkane' };

let stack: TestStack;
let office: string;

beforeAll(async () => {
  stack = await createTestStack();
  const staff = await people(stack, `annex-audit-${stack.id}`);
  office = staff.office;
  for (const outcome of ['approve', 'reject']) {
    const filed = (await staff.citizen({ method: 'POST', url: '/applications', payload: { procedureId: 'residence-certificate', officeId: office, data: form } })).json();
    await staff.agent({ method: 'POST', url: `/tasks/${filed.tasks[0].id}/claim` });
    await staff.agent({ method: 'POST', url: `/tasks/${filed.tasks[0].id}/complete`, payload: { outcome } });
  }
});
afterAll(async () => {
  await stack?.close();
});

const sql = (text: string, params: unknown[] = []) => stack.orm.em.fork().getConnection().execute(text, params);

/** Tampers with the log the way someone with database access could, then puts it back. */
async function tampered(change: string, restore: string, check: () => Promise<void>): Promise<void> {
  await sql('alter table audit_entry disable trigger audit_entry_append_only');
  try {
    await sql(change);
    await check();
  } finally {
    await sql(restore);
    await sql('alter table audit_entry enable trigger audit_entry_append_only');
  }
}

describe('the audit log', () => {
  it('chains every human action and deadline event, and verifies intact', async () => {
    const result = await verifyAuditChain(stack.orm);
    expect(result.problem).toBeUndefined();
    expect(result.checked).toBeGreaterThanOrEqual(10);
    const kinds = (await sql('select kind, actor from audit_entry order by seq')) as Array<{ kind: string; actor: string | null }>;
    expect(kinds.map((k) => k.kind)).toEqual(expect.arrayContaining(['filed', 'taskClaimed', 'taskCompleted', 'closed']));
  });

  it('refuses updates and deletes at the database', async () => {
    await expect(sql("update audit_entry set actor = 'mallory' where seq = 1")).rejects.toThrow(/append-only/);
    await expect(sql('delete from audit_entry where seq = 1')).rejects.toThrow(/append-only/);
  });

  it('names an altered row', async () => {
    const [row] = (await sql('select actor from audit_entry where seq = 3')) as Array<{ actor: string | null }>;
    await tampered(
      "update audit_entry set actor = 'mallory' where seq = 3",
      `update audit_entry set actor = ${row?.actor === null ? 'null' : `'${row?.actor}'`} where seq = 3`,
      async () => expect((await verifyAuditChain(stack.orm)).problem).toMatchObject({ kind: 'altered', seq: 3 }),
    );
    expect((await verifyAuditChain(stack.orm)).problem).toBeUndefined();
  });

  it('names a deleted row, and rows cut from the end', async () => {
    await sql('create temporary table audit_backup as select * from audit_entry');
    try {
      await tampered('delete from audit_entry where seq = 2', 'insert into audit_entry select * from audit_backup where seq = 2', async () =>
        expect((await verifyAuditChain(stack.orm)).problem).toMatchObject({ kind: 'missing', seq: 2 }),
      );
      const [{ last }] = (await sql('select max(seq) as last from audit_entry')) as [{ last: string }];
      await tampered(`delete from audit_entry where seq = ${last}`, `insert into audit_entry select * from audit_backup where seq = ${last}`, async () =>
        expect((await verifyAuditChain(stack.orm)).problem).toMatchObject({ kind: 'missing', seq: Number(last) }),
      );
    } finally {
      await sql('drop table audit_backup');
    }
  });

  it('names reordered rows', async () => {
    const swap = 'update audit_entry set seq = -4 where seq = 4; update audit_entry set seq = 4 where seq = 5; update audit_entry set seq = 5 where seq = -4';
    await tampered(
      swap,
      swap,
      async () => expect((await verifyAuditChain(stack.orm)).problem).toMatchObject({ seq: 4 }),
    );
    expect((await verifyAuditChain(stack.orm)).problem).toBeUndefined();
  });
});

describe('statistics through the API', () => {
  it('are scoped to the caller’s offices, exported as CSV, and published as open data without personal data', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const auditor = as(stack, await tokenFor('auditor', 'auditor-1', [office]));
    const stats = (await auditor({ method: 'GET', url: `/statistics?from=${today}&to=${today}` })).json();
    expect(stats.total).toMatchObject({ filed: 2, decided: 2, pending: 0, decidedWithinDeadline: 2, shareWithinDeadline: 1 });
    expect(stats.byAgent).toEqual([expect.objectContaining({ agent: `agent-${office}`, tasksCompleted: 2 })]);
    const stranger = as(stack, await tokenFor('auditor', 'auditor-2', ['elsewhere']));
    expect((await stranger({ method: 'GET', url: `/statistics?from=${today}&to=${today}` })).json().total.filed).toBe(0);
    expect((await stranger({ method: 'GET', url: `/statistics?from=${today}&to=${today}&officeId=${office}` })).statusCode).toBe(403);
    const csv = await auditor({ method: 'GET', url: `/statistics.csv?from=${today}&to=${today}` });
    expect(csv.headers['content-type']).toContain('text/csv');
    const open = await stack.app.inject({ method: 'GET', url: `/open-data/statistics.csv?from=${today}&to=${today}` });
    expect(open.statusCode).toBe(200);
    expect(open.body).toContain(`,${office},2,2,0,`);
    expect(open.body).not.toMatch(/agent-|citizen-|[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]/);
  });
});
