import { describe, expect, it } from 'vitest';
import { loggableError, loggableMessage, loggableMeta } from './log-redaction.js';

describe('what a log keeps of an error', () => {
  it('drops the SQL and its values that a driver error carries, keeping the database’s own words and codes', () => {
    const err = Object.assign(new Error(`insert into "application" ("data") values ('{"fullName":"Amina Idrissi"}') - new row violates check constraint "no_amina"`), {
      name: 'CheckConstraintViolationException',
      code: '23514',
      constraint: 'no_amina',
      table: 'application',
      detail: 'Failing row contains (Amina Idrissi, FB123456).',
    });
    const logged = JSON.stringify(loggableError(err));
    expect(logged).not.toContain('Amina');
    expect(logged).not.toContain('FB123456');
    expect(loggableError(err)).toMatchObject({ type: 'CheckConstraintViolationException', code: '23514', constraint: 'no_amina', table: 'application' });
    expect(loggableError(err).message).toBe('new row violates check constraint "…"');
  });

  it('masks quoted values in any message and in the causes it wraps', () => {
    const err = new Error('refused', { cause: new Error('invalid input syntax for type uuid: "Amina"') });
    expect(JSON.stringify(loggableError(err))).not.toContain('Amina');
    expect(loggableMessage("No application has tracking number 'FB123456'.")).toBe('No application has tracking number "…".');
    expect(loggableMessage('select * from application where citizen = $1')).toBe('(SQL statement)');
  });

  it('rewrites the worker’s log metadata: errors and failure texts', () => {
    const meta = loggableMeta({ error: new Error('saw "Amina"'), failure: "quoting 'FB123456'", workflowId: 'ABCD-EFGH-J' });
    expect(JSON.stringify(meta)).not.toMatch(/Amina|FB123456/);
    expect(meta?.workflowId).toBe('ABCD-EFGH-J');
  });
});
