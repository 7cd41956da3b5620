/**
 * The council session, dry-run: the quorum rule (a second sitting three days after the first, a third
 * that deliberates whatever the number present) and the three clocks counted from the session date.
 */
import { describe, expect, it } from 'vitest';
import { simulate, type Scenario } from '../engine/simulator.js';
import { loadConfig } from '../infra/config.js';
import { loadProcedureFolder } from './catalogue.js';
import { shippedCalendar } from '../test/helpers/shipped-calendar.js';

const procedure = loadProcedureFolder(loadConfig().proceduresDir).catalogue.get('council-session', 1)!;
const calendar = shippedCalendar();

const scheduled: Scenario['events'] = [
  { after: 'PT2H', action: 'complete', step: 'scheduleSession', outcome: 'scheduled', data: { sessionDate: '2026-05-20' } },
  { at: '2026-05-07T10:00:00+01:00', action: 'complete', step: 'sendSummons', outcome: 'sent' },
];
const run = (events: Scenario['events']) =>
  simulate(procedure.definition, { filedAt: '2026-04-01T09:00:00+01:00', data: { subject: 'Budget for 2027' }, events }, calendar, { language: procedure.languageVersion });
const sittings = (result: Awaited<ReturnType<typeof run>>) =>
  Object.values(result.state.tasks)
    .filter((t) => t.stepId === 'holdSitting')
    .map((t) => `${t.createdAt} ${t.outcome}`);

describe('the council session', () => {
  it('is an internal procedure in language 2 that the secretariat files', () => {
    expect(procedure.languageVersion).toBe(2);
    expect(procedure.definition.channels).toEqual(['internal']);
    expect(procedure.definition.filingRoles).toEqual(['secretariat']);
  });

  it('meets again three days later without a quorum, and the third sitting deliberates whatever the number present', async () => {
    const result = await run([
      ...scheduled,
      { at: '2026-05-20T11:00:00+01:00', action: 'complete', step: 'holdSitting', outcome: 'noQuorum' },
      { at: '2026-05-23T11:00:00+01:00', action: 'complete', step: 'holdSitting', outcome: 'noQuorum' },
      { at: '2026-05-26T11:00:00+01:00', action: 'complete', step: 'holdSitting', outcome: 'noQuorum' },
    ]);
    // The session day begins at 00:00 in Casablanca (UTC+1 in May 2026); each next sitting 3 days after the last.
    expect(sittings(result)).toEqual(['2026-05-19T23:00:00.000Z noQuorum', '2026-05-23T10:00:00.000Z noQuorum', '2026-05-26T10:00:00.000Z noQuorum']);
    expect(Object.values(result.state.tasks).filter((t) => t.status === 'open').map((t) => t.stepId)).toEqual(['recordDeliberations']);
  });

  it('deliberates at the second sitting when it has its quorum', async () => {
    const result = await run([
      ...scheduled,
      { at: '2026-05-20T11:00:00+01:00', action: 'complete', step: 'holdSitting', outcome: 'noQuorum' },
      { at: '2026-05-23T11:00:00+01:00', action: 'complete', step: 'holdSitting', outcome: 'quorumReached' },
      { at: '2026-05-23T17:00:00+01:00', action: 'complete', step: 'recordDeliberations', outcome: 'recorded' },
      { at: '2026-05-25T10:00:00+01:00', action: 'complete', step: 'postDecisions', outcome: 'posted' },
      { at: '2026-05-26T10:00:00+01:00', action: 'complete', step: 'transmitToGovernor', outcome: 'transmitted' },
    ]);
    expect(sittings(result)).toEqual(['2026-05-19T23:00:00.000Z noQuorum', '2026-05-23T10:00:00.000Z quorumReached']);
    expect(result.outcome).toBe('closed');
    // Summons 10 calendar days before 20 May: Sunday 10 May, moved back to Friday 8 May. Posting 8 days
    // after: Thursday 28 May, the second day of Eid al-Adha, so Friday 29 May. Transmission 15 days
    // after: Thursday 4 June.
    expect(result.clocks.map((c) => `${c.id} ${c.status} ${c.dueDate}`)).toEqual(['summons met 2026-05-08', 'posting met 2026-05-29', 'transmission met 2026-06-04']);
  });

  it('is postponed when the summons could not go out ten days before the session', async () => {
    const result = await run([
      { after: 'PT2H', action: 'complete', step: 'scheduleSession', outcome: 'scheduled', data: { sessionDate: '2026-05-20' } },
      { at: '2026-05-11T10:00:00+01:00', action: 'complete', step: 'postpone', outcome: 'postponed' },
    ]);
    expect(result.outcome).toBe('closed');
    expect(result.state.motivation).toBe('The members could not be summoned in time: the session is postponed.');
  });
});
