/**
 * The calendar beyond 2027 on the real stack: a database filled before the calendar reached 2035 takes
 * the shipped file's provisional holidays as a new version, a running deadline reschedules on it, and
 * a forecast Eid confirmed a day later moves it again, each time with its ledger saying why.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signalAffectedApplications } from '../api/calendar-signals.js';
import { insertCalendarVersion } from '../db/calendar-versions.js';
import { formatLocalDate, type Calendar } from '../engine/calendar.js';
import { computeDeadline } from '../engine/deadline/computation.js';
import type { LedgerEntry } from '../engine/deadline/ledger.js';
import { SHIPPED_CALENDAR } from '../registry/calendars.js';
import { applicationState } from './helpers/calendar-closure.js';
import { testProcedure } from './helpers/definitions.js';
import { as, createTestStack, eventually, people, tokenFor, type TestStack } from './helpers/stack.js';

let stack: TestStack;
let actors: Awaited<ReturnType<typeof people>>;

beforeAll(async () => {
  stack = await createTestStack();
  actors = await people(stack, `office-${stack.id}`);
});

// The stack replays every history of this file when it closes.
afterAll(async () => {
  await stack?.close();
});

const BUDGET = { workingDays: 600 };

/** The legal deadline once its ledger holds `count` reschedulings. */
const rescheduled = (trackingNumber: string, count: number) =>
  eventually(async () => {
    const legal = (await applicationState(stack, trackingNumber)).deadlines.legal!;
    return legal.ledger.filter((e) => e.type === 'reprojected').length >= count ? legal : undefined;
  });

const reprojections = (ledger: LedgerEntry[]) => ledger.filter((e): e is Extract<LedgerEntry, { type: 'reprojected' }> => e.type === 'reprojected');

describe('the calendar beyond 2027', () => {
  it('a running deadline takes the shipped forecasts, then an Eid confirmed a day later, and says why each time', async () => {
    // The database as it was before: the shipped calendar without its generated holidays and horizon.
    const shipped = await stack.calendars.current();
    const { horizon: _horizon, ...withoutHorizon } = structuredClone(shipped);
    const before: Calendar = { ...withoutHorizon, version: shipped.version + 1, datedHolidays: withoutHorizon.datedHolidays.filter((h) => !h.generated) };
    await insertCalendarVersion(stack.appOrm, { calendarId: before.id, version: before.version, content: before as unknown as Record<string, unknown>, change: 'as before 2035', changedBy: 'test', createdAt: new Date() });

    const definition = testProcedure('long-horizon', { deadline: { budget: BUDGET } });
    await stack.procedures.publish(definition, 'test', 'api');
    const res = await actors.citizen({ method: 'POST', url: '/applications', payload: { procedureId: definition.id, officeId: actors.office, data: {} } });
    expect(res.statusCode, res.body).toBe(201);
    const trackingNumber = (res.json() as { trackingNumber: string }).trackingNumber;
    const filed = (await applicationState(stack, trackingNumber)).deadlines.legal!;
    expect(filed.projection).toMatchObject({ calendar: { version: before.version }, beyondHorizon: true });
    expect(filed.projection!.explanation).toContain(
      `the calendar (ma v${before.version}) covers days up to Friday 31 December 2027: the Islamic holidays after that date are not in it yet, so this due date may still move`,
    );

    // Start-up with the newer shipped file: a new version, and the applications due from the old horizon on are told.
    const update = (await stack.calendars.takeShippedForecasts(SHIPPED_CALENDAR))!;
    expect(update).toMatchObject({ since: '2028-01-01', description: 'provisional holidays from the shipped calendar, up to 31 December 2035' });
    expect(update.calendar).toMatchObject({ version: before.version + 1, horizon: '2035-12-31' });
    await eventually(async () => {
      for await (const wf of stack.client.workflow.list({ query: `WorkflowId = '${trackingNumber}' AND MohlaDueAt >= '${update.since}T00:00:00Z'` })) return wf;
      return undefined;
    });
    expect(await signalAffectedApplications(stack.client, stack.taskQueue, update.since)).toBe(1);
    const forecast = await rescheduled(trackingNumber, 1);
    const onForecasts = computeDeadline(BUDGET, forecast.ledger, update.calendar);
    expect(forecast.projection).toMatchObject({ dueAt: onForecasts.dueAt, calendar: { version: update.calendar.version } });
    expect(forecast.projection).not.toHaveProperty('beyondHorizon');
    expect(forecast.projection!.explanation.join('\n')).not.toContain('covers days up to');
    const [taken] = reprojections(forecast.ledger);
    expect(taken).toMatchObject({ previousDueAt: filed.projection!.dueAt, newDueAt: onForecasts.dueAt, calendarVersion: update.calendar.version });
    // Each holiday that moves it is named with all its days in the deadline's span, before and after.
    expect(taken!.movedBy).toContainEqual(expect.stringMatching(/^Eid al-Fitr: 10–11 March 2027 \(provisional\) → 10–11 March 2027 \(provisional\), 27–28 February 2028 \(provisional\)/));

    // The eve of Eid al-Fitr 1449: the sighting puts it a day after the forecast.
    const fitr = shipped.datedHolidays.find((h) => h.name.en === 'Eid al-Fitr')!.name;
    const admin = as(stack, await tokenFor('admin'));
    const confirmed = await admin({ method: 'POST', url: '/calendars/ma/holidays', payload: { date: '2028-02-28', name: fitr, status: 'confirmed' } });
    expect(confirmed.statusCode, confirmed.body).toBe(201);
    expect(confirmed.json()).toEqual({ id: 'ma', version: update.calendar.version + 1, change: '2028-02-28: Eid al-Fitr (confirmed)', signalledApplications: 1 });
    const moved = await rescheduled(trackingNumber, 2);
    const onConfirmation = computeDeadline(BUDGET, moved.ledger, (await stack.calendars.current())!);
    const second = reprojections(moved.ledger)[1]!;
    expect(second).toMatchObject({
      previousDueAt: onForecasts.dueAt,
      newDueAt: onConfirmation.dueAt,
      calendarVersion: update.calendar.version + 1,
    });
    const day = (d: string) => formatLocalDate(d, { weekday: true });
    expect(second.movedBy).toEqual([
      `due date moved from ${day(onForecasts.dueDate)} to ${day(onConfirmation.dueDate)} (calendar ma v${update.calendar.version + 1})`,
      expect.stringMatching(/^Eid al-Fitr: .*27–28 February 2028 \(provisional\).* → .*28 February 2028 \(confirmed\), 29 February 2028 \(provisional\)/),
    ]);
    // Tuesday 29 February 2028 is now a day off: the due date comes one working day later.
    expect(onConfirmation.dueAt).not.toBe(onForecasts.dueAt);
    expect(moved.projection!.dueAt).toBe(onConfirmation.dueAt);
  });
});
