import { describe, expect, it } from 'vitest';
import { applyEvent, checkEvent, initialState, type ApplicationInput } from './application.js';
import type { ProcedureDefinition } from './definition.generated.js';
import { DomainError } from './errors.js';

const text = { ar: 'ن', fr: 't', en: 't' };
const definition: ProcedureDefinition = {
  id: 'sample',
  version: 1,
  title: text,
  category: 'test',
  roles: ['agent'],
  form: { type: 'object' },
  start: 'review',
  steps: {
    review: { type: 'userTask', role: 'agent', title: text, outcomes: { approve: { next: 'check' }, reject: { next: 'refused' } } },
    check: { type: 'userTask', role: 'agent', title: text, outcomes: { done: { next: 'granted' } } },
    granted: { type: 'end', outcome: 'approved', document: 'certificate' },
    refused: { type: 'end', outcome: 'rejected' },
  },
};

const input: ApplicationInput = {
  trackingNumber: '7KQM-4RZ8-P',
  procedure: { id: 'sample', version: 1, hash: 'h', definition },
  officeId: 'annex-1',
  data: {},
  filedBy: 'citizen-1',
  filedAt: '2026-03-16T09:00:00.000Z',
};

function filed() {
  return applyEvent(definition, initialState(input), { type: 'filed', at: input.filedAt });
}

describe('the interpreter', () => {
  it('opens the first task for the start step when an application is filed', () => {
    const { state, commands } = filed();
    expect(commands).toEqual([
      { type: 'createTask', task: expect.objectContaining({ id: '7KQM-4RZ8-P.review.1', role: 'agent', status: 'open' }) },
    ]);
    expect(state).toMatchObject({ status: 'open', revision: 1 });
  });

  it('follows the completed outcome to the next step and closes at an end', () => {
    const first = filed();
    const second = applyEvent(definition, first.state, {
      type: 'taskCompleted',
      taskId: '7KQM-4RZ8-P.review.1',
      outcome: 'approve',
      actor: 'agent-1',
      at: '2026-03-16T10:00:00.000Z',
    });
    expect(second.commands.map((c) => c.type)).toEqual(['updateTask', 'createTask']);
    const third = applyEvent(definition, second.state, {
      type: 'taskCompleted',
      taskId: '7KQM-4RZ8-P.check.2',
      outcome: 'done',
      actor: 'agent-2',
      at: '2026-03-17T10:00:00.000Z',
    });
    expect(third.state).toMatchObject({ status: 'closed', outcome: 'approved', document: 'certificate', revision: 3 });
    expect(third.commands.at(-1)).toEqual({ type: 'closeApplication', outcome: 'approved', document: 'certificate' });
  });

  it('leaves the state it was given untouched', () => {
    const first = filed();
    const before = JSON.stringify(first.state);
    applyEvent(definition, first.state, {
      type: 'taskCompleted', taskId: '7KQM-4RZ8-P.review.1', outcome: 'reject', actor: 'a', at: '2026-03-16T10:00:00.000Z',
    });
    expect(JSON.stringify(first.state)).toBe(before);
  });

  it.each([
    ['an undeclared outcome', { taskId: '7KQM-4RZ8-P.review.1', outcome: 'maybe' }, 'unknown_outcome'],
    ['an unknown task', { taskId: '7KQM-4RZ8-P.nope.9', outcome: 'approve' }, 'task_not_found'],
  ])('refuses %s', (_label, fields, code) => {
    const { state } = filed();
    const event = { type: 'taskCompleted' as const, actor: 'a', at: '2026-03-16T10:00:00.000Z', ...fields };
    expect(() => checkEvent(definition, state, event)).toThrow(expect.objectContaining({ code }));
  });

  it('refuses to complete a task twice, and a task claimed by someone else', () => {
    const first = filed();
    const claimed = applyEvent(definition, first.state, {
      type: 'taskClaimed', taskId: '7KQM-4RZ8-P.review.1', actor: 'agent-1', at: '2026-03-16T09:30:00.000Z',
    });
    const byOther = { type: 'taskCompleted' as const, taskId: '7KQM-4RZ8-P.review.1', outcome: 'reject', actor: 'agent-2', at: 'x' };
    expect(() => checkEvent(definition, claimed.state, byOther)).toThrow(DomainError);
    const done = applyEvent(definition, claimed.state, { ...byOther, actor: 'agent-1' });
    expect(() => checkEvent(definition, done.state, { ...byOther, actor: 'agent-1' })).toThrow(
      expect.objectContaining({ code: 'application_closed' }),
    );
  });
});
