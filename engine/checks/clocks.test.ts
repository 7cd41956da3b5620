import { describe, expect, it } from 'vitest';
import { validateDefinition } from '../../registry/catalogue.js';
import { text } from '../../test/helpers/definitions.js';

const basis = { law: 'Organic law 113.14', note: 'The summons reaches members ten days before (unconfirmed).', confirmed: false };
const task = (outcomes: Record<string, string>, extra: Record<string, unknown> = {}) => ({
  type: 'userTask',
  role: 'secretariat',
  title: text('task'),
  outcomes: Object.fromEntries(Object.entries(outcomes).map(([o, next]) => [o, { next }])),
  ...extra,
});

const summons = {
  label: text('Summons to members'),
  from: { date: { var: 'data.sessionDate' }, before: { calendarDays: 10 } },
  startsOn: 'filing',
  stopsOn: ['awaitSession'],
  warnings: [{ before: { workingDays: 2 }, notify: ['secretariat'] }],
  onExpiry: { action: 'goto', step: 'postpone', notify: ['president'] },
  legalBasis: basis,
};

/** A council session with one clock; `postpone` is reached only through the clock's expiry. A change to `undefined` removes the key. */
function session(changes: Record<string, unknown> = {}, clocks: Record<string, unknown> = { summons }, steps: Record<string, unknown> = {}) {
  return JSON.parse(JSON.stringify({
    id: 'council-session',
    version: 1,
    title: text('Council session'),
    description: text('A session'),
    category: 'council',
    offices: ['commune'],
    roles: ['secretariat', 'president'],
    legalBasis: basis,
    form: {
      type: 'object',
      properties: { subject: { type: 'string' }, sessionDate: { type: 'string', format: 'date' }, remarks: { type: 'string' }, seats: { type: 'integer' } },
    },
    documents: [],
    fees: [],
    channels: ['counter'],
    deadline: { budget: { calendarDays: 90 }, startsOn: 'filing', onComplement: 'continue', onExpiry: { action: 'notify', notify: ['president'] } },
    clocks,
    start: 'prepareSummons',
    steps: {
      prepareSummons: task({ sent: 'awaitSession' }),
      awaitSession: { type: 'wait', until: { var: 'data.sessionDate' }, next: 'recordMinutes' },
      recordMinutes: task({ recorded: 'done' }, { form: { type: 'object', properties: { signedOn: { type: 'string', format: 'date' }, note: { type: 'string' } } } }),
      postpone: task({ cancelled: 'done' }),
      done: { type: 'end', outcome: 'closed' },
      ...steps,
    },
    ...changes,
  })) as Record<string, unknown> & { deadline: Record<string, unknown> };
}

const clock = (changes: Record<string, unknown>) => ({ summons: { ...summons, ...changes } });

describe('the checker on clocks, waits until a date and goto expiries', () => {
  it('accepts a council session whose postponement only a clock reaches', () => {
    expect(validateDefinition(session())).toEqual([]);
  });

  it('refuses them in a definition written in language 1', () => {
    const errors = validateDefinition(session({ languageVersion: 1, deadline: { ...session().deadline, onExpiry: { action: 'goto', step: 'postpone' } } }));
    expect(errors).toEqual([
      { pointer: '/clocks', message: 'clocks need language 2: this definition is read in language 1' },
      { pointer: '/deadline/onExpiry/action', message: '"goto" needs language 2: this definition is read in language 1' },
      { pointer: '/steps/awaitSession/until', message: '"until" needs language 2: this definition is read in language 1' },
    ]);
  });

  it('wants a budget or a date to count from, not both', () => {
    expect(validateDefinition(session({}, clock({ budget: { workingDays: 3 } })))).toEqual([
      { pointer: '/clocks/summons/from', message: 'a clock counts either its "budget" from its start or "from" a date in the data, not both' },
    ]);
    expect(validateDefinition(session({}, clock({ from: undefined })))).toEqual([
      { pointer: '/clocks/summons/budget', message: 'a clock needs a "budget" (counted from its start) or "from" (counted from a date in the data)' },
    ]);
  });

  it('reads a date only from a date field of the form it names', () => {
    const dated = (date: unknown) => validateDefinition(session({}, clock({ from: { date, before: { calendarDays: 10 } } })));
    expect(dated({ var: 'data.remarks' })).toEqual([
      { pointer: '/clocks/summons/from/date/var', message: '"data.remarks" is not a date field: give /form/properties/remarks "type": "string" and "format": "date" (or "date-time")' },
    ]);
    expect(dated({ var: 'data.seats' })[0]?.message).toMatch(/^"data.seats" is not a date field/);
    expect(dated({ var: 'data.sessionDay' })).toEqual([
      { pointer: '/clocks/summons/from/date/var', message: '"data.sessionDay" is not a field of the form (/form/properties/sessionDay)' },
    ]);
    expect(dated({ var: 'steps.recordMinutes.data.signedOn' })).toEqual([]);
    expect(dated({ var: 'steps.recordMinutes.data.note' })[0]?.message).toBe(
      '"steps.recordMinutes.data.note" is not a date field: give /steps/recordMinutes/form/properties/note "type": "string" and "format": "date" (or "date-time")',
    );
    expect(dated({ var: 'steps.prepareSummons.data.day' })).toEqual([
      { pointer: '/clocks/summons/from/date/var', message: '"steps.prepareSummons.data.day": step "prepareSummons" has no form to read a date from' },
    ]);
    expect(dated({ var: 'complement.requested' })[0]?.message).toMatch(/a date comes from the form \(data.<field>\) or a task's form/);
    expect(dated('2026-05-20')).toEqual([]);
    expect(dated({ if: [{ var: 'data.sessionDate' }, { var: 'data.sessionDate' }, { today: [] }] })).toEqual([
      { pointer: '/clocks/summons/from/date', message: 'a date to count from comes from the data alone: "today" cannot be used here' },
    ]);
    expect(dated('soon')).toEqual([{ pointer: '/clocks/summons/from/date', message: '"soon" is not a date: write "YYYY-MM-DD" or read a date field' }]);
  });

  it('checks the steps a clock names, and where it may start', () => {
    expect(validateDefinition(session({}, clock({ stopsOn: ['awaitSesion'] })))).toEqual([{ pointer: '/clocks/summons/stopsOn/0', message: 'step "awaitSesion" does not exist' }]);
    expect(validateDefinition(session({}, clock({ startsOn: 'stepEntry' })))).toEqual([
      { pointer: '/clocks/summons/step', message: 'a clock that starts on entering a step must name the step' },
    ]);
    expect(validateDefinition(session({}, clock({ step: 'prepareSummons' })))).toEqual([
      { pointer: '/clocks/summons/step', message: '"step" only goes with startsOn "stepEntry", not "filing"' },
    ]);
    expect(validateDefinition(session({}, clock({ startsOn: 'stepEntry', step: 'awaitSession' })))).toEqual([
      { pointer: '/clocks/summons/stopsOn/0', message: 'the clock starts on entering "awaitSession": it cannot stop there too' },
    ]);
  });

  it('lets a clock notify, escalate or move the application, never decide by silence', () => {
    expect(validateDefinition(session({}, clock({ onExpiry: { action: 'autoApprove', end: 'done', attestation: 'x' } }), { postpone: undefined }))).toEqual([
      { pointer: '/clocks/summons/onExpiry/action', message: 'a clock may notify, escalate or goto a step; only the legal deadline decides by silence' },
    ]);
    expect(validateDefinition(session({}, clock({ onExpiry: { action: 'goto', step: 'postpone', notify: ['mayor'] } })))).toEqual([
      { pointer: '/clocks/summons/onExpiry/notify/0', message: 'recipient "mayor" is neither citizen, assignee nor a role declared in /roles' },
    ]);
    expect(validateDefinition(session({}, clock({ onExpiry: { action: 'escalate', toRole: 'governor' } }), { postpone: undefined }))).toEqual([
      { pointer: '/clocks/summons/onExpiry/toRole', message: 'role "governor" is not declared in /roles' },
    ]);
    // The misspelt step is said once: not again as the step it meant, left unreached.
    expect(validateDefinition(session({}, clock({ onExpiry: { action: 'goto', step: 'postpon' } })))).toEqual([
      { pointer: '/clocks/summons/onExpiry/step', message: 'step "postpon" does not exist' },
    ]);
  });

  it('keeps goto for the legal deadline and clocks', () => {
    const level = { budget: { workingDays: 2 }, onExpiry: { action: 'goto', step: 'postpone' } };
    expect(validateDefinition(session({}, clock({}), { prepareSummons: task({ sent: 'awaitSession' }, { serviceLevel: level }) }))).toEqual([
      { pointer: '/steps/prepareSummons/serviceLevel/onExpiry/action', message: 'a service level may escalate or notify; only the legal deadline and clocks move the application' },
    ]);
    const legal = session({ deadline: { ...session().deadline, onExpiry: { action: 'goto', step: 'postpone', notify: ['citizen'] } } }, {});
    expect(validateDefinition(legal)).toEqual([]);
  });

  it('does not count a wait until a date as waiting on a loop: a past date goes on at once', () => {
    const looping = validateDefinition(
      session({}, clock({}), {
        recordMinutes: task({ recorded: 'done', again: 'checkAgain' }),
        checkAgain: { type: 'decision', cases: [{ when: { var: 'data.remarks' }, next: 'awaitAgain' }], otherwise: 'done' },
        awaitAgain: { type: 'wait', until: { var: 'data.sessionDate' }, next: 'checkAgain' },
      }),
    );
    expect(looping.map((p) => p.pointer)).toContain('/steps/checkAgain');
  });

  it('wants a wait to say how long or until when', () => {
    expect(validateDefinition(session({}, clock({}), { awaitSession: { type: 'wait', for: { calendarDays: 1 }, until: { var: 'data.sessionDate' }, next: 'recordMinutes' } }))).toEqual([
      { pointer: '/steps/awaitSession/until', message: 'a wait has either "for" or "until", not both' },
    ]);
    expect(validateDefinition(session({}, clock({}), { awaitSession: { type: 'wait', next: 'recordMinutes' } }))).toEqual([
      { pointer: '/steps/awaitSession/for', message: 'a wait needs "for" (how long) or "until" (a date in the data)' },
    ]);
  });

  it('refuses a date to count from that gives no date: a constant that is none, or an operator that makes none', () => {
    expect(validateDefinition(session({}, clock({ from: { date: '2026-13-45', before: { calendarDays: 10 } } })))).toEqual([
      { pointer: '/clocks/summons/from/date', message: '"2026-13-45" is not a date: write "YYYY-MM-DD" or read a date field' },
    ]);
    expect(validateDefinition(session({}, { summons }, { awaitSession: { type: 'wait', until: 20260520, next: 'recordMinutes' } }))).toEqual([
      { pointer: '/steps/awaitSession/until', message: '20260520 is not a date: write "YYYY-MM-DD" or read a date field' },
    ]);
    expect(validateDefinition(session({}, clock({ from: { date: { if: [true, { var: 'data.sessionDate' }, 'later'] }, before: { calendarDays: 10 } } })))).toEqual([
      { pointer: '/clocks/summons/from/date/if/2', message: '"later" is not a date: write "YYYY-MM-DD" or read a date field' },
    ]);
    expect(validateDefinition(session({}, clock({ from: { date: { cat: ['2026-05-', '20'] }, before: { calendarDays: 10 } } })))).toEqual([
      { pointer: '/clocks/summons/from/date/cat', message: '"cat" gives no date: a date is a date field ({"var": …}), a constant "YYYY-MM-DD", or an "if" choosing among them' },
    ]);
  });

  it('refuses a goto into a join or a step only a parallel branch runs, since a goto cancels the branches', () => {
    const parallel = {
      review: { type: 'parallel', branches: { legal: { start: 'legalOpinion' }, finance: { start: 'financeOpinion' } }, completion: { mode: 'all' }, next: 'done' },
      legalOpinion: task({ given: 'opinions' }),
      financeOpinion: task({ given: 'opinions' }),
      opinions: { type: 'join', parallel: 'review' },
    };
    const into = (step: string) => validateDefinition(session({}, clock({ onExpiry: { action: 'goto', step } }), { ...parallel, recordMinutes: task({ recorded: 'review', postponed: 'postpone' }) }));
    expect(into('legalOpinion')).toEqual([
      { pointer: '/clocks/summons/onExpiry/step', message: '"legalOpinion" runs only inside a branch of "review", and a goto cancels the branches: go to a step outside the parallel step' },
    ]);
    expect(into('opinions')).toEqual([
      { pointer: '/clocks/summons/onExpiry/step', message: '"opinions" is a join: a goto cancels the branches it would wait for; go to the step after it' },
    ]);
  });

  it('refuses a clock warning, in whatever unit, that is never shorter than the clock', () => {
    expect(validateDefinition(session({}, clock({ from: undefined, budget: { calendarDays: 20 }, warnings: [{ before: { months: 1 }, notify: ['secretariat'] }] })))).toEqual([
      { pointer: '/clocks/summons/warnings/0/before', message: 'a warning 1 months before a 20 calendar days clock would fire at once: 1 months are never shorter than 20 calendar days' },
    ]);
  });

  it('refuses a clock started at filing that stops on the start step, met before it counts', () => {
    expect(validateDefinition(session({}, clock({ stopsOn: ['prepareSummons'] })))).toEqual([
      { pointer: '/clocks/summons/stopsOn/0', message: '"prepareSummons" is the start step, which every application enters as it is filed: a clock started at filing would be met at once' },
    ]);
  });

  it('allows eight clocks at most', () => {
    const nine = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`c${i}`, { ...summons, onExpiry: { action: 'notify', notify: ['president'] } }]));
    expect(validateDefinition(session({}, nine, { prepareSummons: task({ sent: 'awaitSession', later: 'postpone' }) }))).toEqual([
      { pointer: '/clocks', message: 'must NOT have more than 8 properties' },
    ]);
  });
});
