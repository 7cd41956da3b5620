import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../infra/config.js';
import { evaluate, isTrue, type Expression } from '../expression.js';
import { dayCountingAt } from './dates.js';
import { DATE_OPERATORS, OPERATORS, operationOf, operatorSpec } from './operators.js';
import { shippedCalendar } from '../../test/helpers/shipped-calendar.js';

type Case = [Expression, unknown, unknown];

const fixture = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'test/fixtures/json-logic/cases.json'), 'utf8')) as Array<string | Case>;
const cases = fixture.filter((c): c is Case => typeof c !== 'string');
const calendar = shippedCalendar();

const language2 = { language: 2 } as const;
const language1 = { language: 1 } as const;

describe('language 2 reads JSON Logic as its reference does', () => {
  it('has cases to run', () => {
    expect(cases.length).toBeGreaterThan(200);
  });

  it.each(cases.map((c) => [JSON.stringify(c[0]), JSON.stringify(c[1]), ...c] as const))('%s over %s', (_rule, _data, rule, data, expected) => {
    expect(evaluate(rule, data, language2)).toEqual(expected);
  });

  it('covers every JSON Logic operator Mohla allows, and no other', () => {
    const used = new Set<string>();
    const collect = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(collect);
      const operation = operationOf(node);
      if (!operation) return;
      used.add(operation.op);
      operation.args.forEach(collect);
    };
    cases.forEach(([rule]) => collect(rule));
    expect([...used].filter((op) => !operatorSpec(op))).toEqual([]);
    // count and the date operators are Mohla's own: the reference has no cases for them.
    const reference = Object.keys(OPERATORS).filter((op) => op !== 'count' && !DATE_OPERATORS.has(op));
    expect([...used].sort()).toEqual(reference.sort());
  });
});

describe('language 1 keeps the answers it always gave', () => {
  const differences: Array<[string, Expression, unknown, unknown, unknown]> = [
    ['dates compared as numbers', { '<': ['2026-01-10', '2026-02-01'] }, {}, false, true],
    ['a date not below or equal to itself', { '<=': ['2026-01-01', '2026-01-01'] }, {}, false, true],
    ['a later date not greater', { '>': ['2026-02-01', '2026-01-10'] }, {}, false, true],
    ['text compared as numbers', { '<': ['a', 'b'] }, {}, false, true],
    ['a default that replaces a null', { var: ['a', 26] }, { a: null }, 26, null],
    ['a sum that reads text with Number()', { '+': ['12 MAD', 3] }, {}, NaN, 15],
    ['a sum that reads null as 0', { '+': [null, 3] }, {}, 3, NaN],
    ['a product of one argument', { '*': ['7'] }, {}, 7, '7'],
    ['missing given a list', { missing: [['a', 'b']] }, { b: 1 }, ['a,b'], ['a']],
    ['a substring of the empty string', { in: ['', ''] }, {}, true, false],
  ];

  it.each(differences)('%s', (_label, rule, data, inLanguage1, inLanguage2) => {
    expect(evaluate(rule, data, language1)).toEqual(inLanguage1);
    expect(evaluate(rule, data, language2)).toEqual(inLanguage2);
  });

  it('has no date operators', () => {
    expect(() => evaluate({ today: [] }, {}, language1)).toThrow('unknown operator "today"');
    expect(() => evaluate({ calendarDaysBetween: ['2026-01-01', '2026-01-02'] }, {}, language1)).toThrow('unknown operator');
  });

  it('agrees with language 2 on what the shipped procedures ask', () => {
    const context = { data: { deliveryFormat: 'paper', lifeSafetyOrFreedomAtStake: true }, steps: { examine: { outcome: 'providePartially' } }, branches: { commission: { a: 'favourable', b: 'unfavourable' } } };
    const conditions: Expression[] = [
      { '==': [{ var: 'data.deliveryFormat' }, 'paper'] },
      { '==': [{ var: 'data.lifeSafetyOrFreedomAtStake' }, true] },
      { '==': [{ var: 'steps.examine.outcome' }, 'providePartially'] },
      { some: [{ var: 'branches.commission' }, { '==': [{ var: '' }, 'unfavourable'] }] },
      { all: [{ var: 'branches.commission' }, { '==': [{ var: '' }, 'favourable'] }] },
    ];
    expect(conditions.map((c) => isTrue(c, context, language1))).toEqual([true, true, true, true, false]);
    expect(conditions.map((c) => isTrue(c, context, language2))).toEqual([true, true, true, true, false]);
  });
});

describe('where Mohla deliberately differs from the reference', () => {
  it('reads own fields only, never what JavaScript objects inherit', () => {
    expect(evaluate({ var: 'a.constructor' }, { a: {} }, language2)).toBeNull();
    expect(evaluate({ var: ['a.__proto__', 'none'] }, { a: {} }, language2)).toBe('none');
    expect(evaluate({ var: 'name.toUpperCase' }, { name: 'x' }, language2)).toBeNull();
  });

  it('never calls a field named like a method when it turns an object into text or a number', () => {
    const data = { o: { toString: 1, valueOf: 2 } };
    expect(evaluate({ '<': [{ var: 'o' }, 1] }, data, language2)).toBe(false);
    expect(evaluate({ '==': [{ var: 'o' }, '[object Object]'] }, data, language2)).toBe(true);
    expect(evaluate({ cat: ['x', { var: 'o' }] }, data, language2)).toBe('x[object Object]');
    expect(evaluate({ in: ['a', { var: 'o' }] }, { o: { indexOf: 1 } }, language2)).toBe(false);
  });

  it("ranges over an object's values: a parallel step's branches", () => {
    const branches = { commission: { architect: 'favourable', safety: 'unfavourable' } };
    expect(evaluate({ some: [{ var: 'commission' }, { '==': [{ var: '' }, 'unfavourable'] }] }, branches, language2)).toBe(true);
    expect(evaluate({ count: [{ var: 'commission' }, { '==': [{ var: '' }, 'favourable'] }] }, branches, language2)).toBe(1);
    expect(evaluate({ none: [{ var: 'commission' }, { '==': [{ var: '' }, 'favourable'] }] }, branches, language2)).toBe(false);
  });
});

describe('date operators', () => {
  const at = (instant: string) => ({ language: 2, at: instant, days: dayCountingAt(calendar, instant) }) as const;
  const onMonday = at('2026-06-01T10:00:00Z');

  it('count calendar days from one date to another, negative backwards', () => {
    expect(evaluate({ calendarDaysBetween: ['2026-01-10', '2026-02-01'] }, {}, onMonday)).toBe(22);
    expect(evaluate({ calendarDaysBetween: ['2026-02-01', '2026-01-10'] }, {}, onMonday)).toBe(-22);
    expect(evaluate({ calendarDaysBetween: ['2028-02-28', '2028-03-01'] }, {}, onMonday)).toBe(2);
    expect(evaluate({ calendarDaysBetween: ['2026-05-05', '2026-05-05'] }, {}, onMonday)).toBe(0);
  });

  it('count working days the way a deadline does: after the first date, up to and including the second', () => {
    // Monday 16 March 2026 to Monday 23 March: Friday 20 is Eid al-Fitr (provisional), 21–22 a weekend.
    expect(evaluate({ workingDaysBetween: ['2026-03-16', '2026-03-23'] }, {}, onMonday)).toBe(4);
    expect(evaluate({ workingDaysBetween: ['2026-03-23', '2026-03-16'] }, {}, onMonday)).toBe(-4);
    // A Friday to the Monday after: only the Monday counts.
    expect(evaluate({ workingDaysBetween: ['2026-06-05', '2026-06-08'] }, {}, onMonday)).toBe(1);
    // 1 May (Labour Day) is a Friday in 2026.
    expect(evaluate({ workingDaysBetween: ['2026-04-30', '2026-05-04'] }, {}, onMonday)).toBe(1);
  });

  it("read today as the event's date in Morocco, never the wall clock", () => {
    // 23:30 UTC on 1 June is already 00:30 on 2 June in Casablanca (UTC+1 outside Ramadan).
    expect(evaluate({ today: [] }, {}, at('2026-06-01T23:30:00Z'))).toBe('2026-06-02');
    expect(evaluate({ today: [] }, {}, at('2026-06-01T10:00:00Z'))).toBe('2026-06-01');
  });

  it('read today at the zone offset the shell recorded, whatever the runtime now says of the zone', () => {
    const recorded = { language: 2, at: '2026-06-01T23:30:00Z', days: { calendar, zoneOffsetMs: 0 } } as const;
    expect(evaluate({ today: [] }, {}, recorded)).toBe('2026-06-01');
  });

  it('read an instant as the date it is written with', () => {
    expect(evaluate({ calendarDaysBetween: ['2026-06-01T23:30:00Z', '2026-06-03'] }, {}, onMonday)).toBe(2);
    expect(evaluate({ calendarDaysBetween: ['2026-06-02T00:30:00+01:00', '2026-06-03'] }, {}, onMonday)).toBe(1);
    expect(evaluate({ calendarDaysBetween: ['2026-06-02T00:30', '2026-06-03'] }, {}, onMonday)).toBe(1);
  });

  it('let a condition say that a session is at least 10 working days away', () => {
    const condition: Expression = { '>=': [{ workingDaysBetween: [{ today: [] }, { var: 'data.sessionDate' }] }, 10] };
    expect(isTrue(condition, { data: { sessionDate: '2026-06-15' } }, onMonday)).toBe(true);
    expect(isTrue(condition, { data: { sessionDate: '2026-06-12' } }, onMonday)).toBe(false);
  });

  it('give null for a missing or malformed date, and for spans past a century', () => {
    expect(evaluate({ workingDaysBetween: [{ var: 'data.filedOn' }, '2026-06-15'] }, { data: {} }, onMonday)).toBeNull();
    expect(evaluate({ calendarDaysBetween: ['2026-02-30', '2026-03-01'] }, {}, onMonday)).toBeNull();
    expect(evaluate({ calendarDaysBetween: [20260101, '2026-03-01'] }, {}, onMonday)).toBeNull();
    expect(evaluate({ workingDaysBetween: ['2026-01-01', '9999-12-31'] }, {}, onMonday)).toBeNull();
  });

  it('need the calendar to count working days and the instant of an event to read today; calendar days need neither', () => {
    expect(() => evaluate({ today: [] }, {}, { language: 2, days: dayCountingAt(calendar, '2026-06-01T10:00:00Z') })).toThrow('outside an event');
    expect(() => evaluate({ workingDaysBetween: ['2026-01-01', '2026-01-02'] }, {}, language2)).toThrow('without the calendar');
    expect(evaluate({ calendarDaysBetween: ['2026-01-01', '2026-01-02'] }, {}, language2)).toBe(1);
  });
});
