/**
 * The commune's dispute file, dry-run on the shipped calendar: the three clocks (the legal opinion from
 * the claim's receipt, the defence brief before the hearing, the appeal window after the judgment's
 * notification), an adjourned hearing, an appeal lodged in time or missed, and a settlement.
 */
import { describe, expect, it } from 'vitest';
import { simulate, type Scenario } from '../engine/simulator.js';
import { loadConfig } from '../infra/config.js';
import { loadProcedureFolder } from './catalogue.js';
import { shippedCalendar } from '../test/helpers/shipped-calendar.js';

const procedure = loadProcedureFolder(loadConfig().proceduresDir).catalogue.get('dispute-file', 1)!;
const calendar = shippedCalendar();

const data = {
  caseReference: '1245/7110/2026',
  court: 'administrative-court',
  claimantKind: 'company',
  subject: 'Compensation claimed for the termination of a works contract',
  amountClaimedMad: 350000,
  claimReceivedOn: '2026-04-27',
};
const run = (events: Scenario['events'], until?: string) =>
  simulate(procedure.definition, { filedAt: '2026-04-29T09:00:00+01:00', data, events, ...(until ? { until } : {}) }, calendar, { language: procedure.languageVersion });
type Result = Awaited<ReturnType<typeof run>>;

const clocks = (result: Result) => result.clocks.map((c) => `${c.id} ${c.status} ${c.dueDate}`);
const tasks = (result: Result) => Object.values(result.state.tasks).map((t) => `${t.stepId} ${t.status}`);
const datesOf = (result: Result, clock: string) =>
  result.state.deadlines[`clock:${clock}`]!.ledger.flatMap((e) => (e.type === 'dated' ? [`${e.date}${e.previousDate ? ` after ${e.previousDate}` : ''}`] : []));

const defended: Scenario['events'] = [
  { at: '2026-05-11T10:00:00+01:00', action: 'complete', step: 'legalOpinion', outcome: 'defend', data: { opinionSummary: 'The termination followed the contract: defend.' } },
  { at: '2026-05-12T10:00:00+01:00', action: 'complete', step: 'setHearing', outcome: 'set', data: { hearingDate: '2026-06-01' } },
  { at: '2026-05-20T10:00:00+01:00', action: 'complete', step: 'fileBrief', outcome: 'filed' },
  { at: '2026-06-01T12:00:00+01:00', action: 'complete', step: 'recordHearing', outcome: 'adjourned' },
  { at: '2026-06-02T10:00:00+01:00', action: 'complete', step: 'setHearing', outcome: 'set', data: { hearingDate: '2026-06-22' } },
  { at: '2026-06-22T12:00:00+01:00', action: 'complete', step: 'recordHearing', outcome: 'judgmentDelivered' },
];
const lost: Scenario['events'] = [
  ...defended,
  { at: '2026-07-22T10:00:00+01:00', action: 'complete', step: 'recordJudgment', outcome: 'recorded', data: { judgmentResult: 'lost', judgmentNotifiedOn: '2026-07-21', amountAwardedMad: 120000 } },
  { at: '2026-07-28T10:00:00+01:00', action: 'complete', step: 'decideAppeal', outcome: 'appeal' },
];

describe('the dispute file', () => {
  it('is an internal procedure in language 2 that the legal-affairs service files', () => {
    expect(procedure.languageVersion).toBe(2);
    expect(procedure.definition.category).toBe('legal-affairs');
    expect(procedure.definition.channels).toEqual(['internal']);
    expect(procedure.definition.filingRoles).toEqual(['legal-affairs']);
  });

  it('gives the legal service 30 calendar days from the claim’s receipt for its opinion, then escalates to the president', async () => {
    const result = await run([], '2026-06-01T09:00:00+01:00');
    // Received Monday 27 April 2026: day 30 is Wednesday 27 May, Eid al-Adha (27–28 May), so Friday 29 May.
    expect(clocks(result)).toEqual(['opinion expired 2026-05-29', 'defenceBrief waitingForDate null', 'appeal waitingForDate null']);
    const opinion = Object.values(result.state.tasks).find((t) => t.stepId === 'legalOpinion')!;
    expect([opinion.status, opinion.role, opinion.escalated]).toEqual(['open', 'president', true]);
  });

  it('counts the defence brief from the first hearing it was filed for, and waits for the new date of an adjourned hearing', async () => {
    const result = await run(defended);
    // 5 working days before Monday 1 June 2026, skipping Eid al-Adha: Fri 29, Tue 26, Mon 25, Fri 22, Thu 21 May.
    expect(clocks(result)).toEqual(['opinion met 2026-05-29', 'defenceBrief met 2026-05-21', 'appeal waitingForDate null']);
    // Met when the brief was filed, the clock does not follow the adjourned hearing's new date.
    expect(datesOf(result, 'defenceBrief')).toEqual(['2026-06-01']);
    // Each hearing opens on its day at 00:00 in Casablanca (UTC+1); the brief is filed once.
    const hearings = Object.values(result.state.tasks).filter((t) => t.stepId === 'recordHearing');
    expect(hearings.map((t) => `${t.visit} ${t.createdAt} ${t.outcome}`)).toEqual(['1 2026-05-31T23:00:00.000Z adjourned', '2 2026-06-21T23:00:00.000Z judgmentDelivered']);
    expect(tasks(result).filter((t) => t.startsWith('fileBrief'))).toEqual(['fileBrief completed']);
    expect(tasks(result).at(-1)).toBe('recordJudgment open');
  });

  it('moves the defence-brief clock to the new date when the hearing changes before the brief is filed', async () => {
    const result = await run([
      { at: '2026-05-11T10:00:00+01:00', action: 'complete', step: 'legalOpinion', outcome: 'defend', data: { opinionSummary: 'The termination followed the contract: defend.' } },
      { at: '2026-05-12T10:00:00+01:00', action: 'complete', step: 'setHearing', outcome: 'set', data: { hearingDate: '2026-06-01' } },
      { at: '2026-05-15T10:00:00+01:00', action: 'complete', step: 'fileBrief', outcome: 'hearingMoved' },
      { at: '2026-05-15T11:00:00+01:00', action: 'complete', step: 'setHearing', outcome: 'set', data: { hearingDate: '2026-06-22' } },
      { at: '2026-06-10T10:00:00+01:00', action: 'complete', step: 'fileBrief', outcome: 'filed' },
    ]);
    // 5 working days before Monday 22 June, skipping 1 Muharram (Wednesday 17): Fri 19, Thu 18, Tue 16, Mon 15, Fri 12 June.
    expect(clocks(result)).toEqual(['opinion met 2026-05-29', 'defenceBrief met 2026-06-12', 'appeal waitingForDate null']);
    expect(datesOf(result, 'defenceBrief')).toEqual(['2026-06-01', '2026-06-22 after 2026-06-01']);
  });

  it('is forwarded to the administrative court of appeal when the appeal against a lost judgment is lodged in time', async () => {
    const result = await run([...lost, { at: '2026-08-10T10:00:00+01:00', action: 'complete', step: 'lodgeAppeal', outcome: 'lodged' }]);
    expect(result.outcome).toBe('forwarded');
    expect(result.state.forwardedTo?.en).toBe('the administrative court of appeal');
    // Notified Tuesday 21 July 2026: day 30 is Thursday 20 August (Revolution of the King and the People),
    // then Youth Day and the weekend: Monday 24 August.
    expect(clocks(result)).toEqual(['opinion met 2026-05-29', 'defenceBrief met 2026-05-21', 'appeal met 2026-08-24']);
  });

  it('goes to the final judgment’s execution when the appeal window closes without an appeal, and ends there', async () => {
    const result = await run([...lost, { at: '2026-09-07T10:00:00+01:00', action: 'complete', step: 'judgmentFinal', outcome: 'executed' }]);
    const final = Object.values(result.state.tasks).find((t) => t.stepId === 'judgmentFinal')!;
    // The window closed at the end of Monday 24 August 2026 (UTC+1).
    expect(final.createdAt).toBe('2026-08-24T22:59:59.999Z');
    expect(tasks(result).slice(-2)).toEqual(['lodgeAppeal cancelled', 'judgmentFinal completed']);
    expect(clocks(result)).toContain('appeal expired 2026-08-24');
    expect(result.outcome).toBe('closed');
    expect(result.state.motivation).toBe('The appeal window closed without an appeal: the judgment became final and was executed.');
  });

  it('ends with a settlement the president signs, the later clocks never counting', async () => {
    const result = await run([
      { at: '2026-05-11T10:00:00+01:00', action: 'complete', step: 'legalOpinion', outcome: 'settle', data: { opinionSummary: 'The delay is the commune’s: settle.' } },
      { at: '2026-06-15T10:00:00+01:00', action: 'complete', step: 'negotiateSettlement', outcome: 'agreed' },
      { at: '2026-06-18T10:00:00+01:00', action: 'complete', step: 'approveSettlement', outcome: 'signed' },
    ]);
    expect(result.outcome).toBe('closed');
    expect(result.state.motivation).toBe('The dispute ended in a settlement the president approved.');
    expect(tasks(result)).toEqual(['legalOpinion completed', 'negotiateSettlement completed', 'approveSettlement completed']);
    expect(clocks(result)).toEqual(['opinion met 2026-05-29', 'defenceBrief stopped null', 'appeal stopped null']);
  });
});
