/**
 * The shipped dispute file on the real stack: filed by the commune's legal-affairs service (an internal
 * procedure), its clocks on the application's page as the claim's receipt, the hearing date and the
 * judgment's notification give them their dates, and a lost judgment appealed in time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCalendarDays, firstCountedDayFrom, isWorkingDay, subtractWorkingDays } from '../engine/calendar.js';
import { Notification } from '../db/entities.js';
import { StaffDirectory } from '../notifications/staff.js';
import { applicationAnswer } from './helpers/answers.js';
import { addOffice, createTestStack, eventually, people, type TestStack } from './helpers/stack.js';
import { shippedCalendar } from './helpers/shipped-calendar.js';

let stack: TestStack;
let staff: Awaited<ReturnType<typeof people>>;
beforeAll(async () => {
  stack = await createTestStack();
  const office = `commune-legal-${stack.id}`;
  addOffice(stack, office, 'commune');
  staff = await people(stack, office);
  await new StaffDirectory(stack.orm).import([{ id: staff.agentId, officeId: office, role: 'legal-affairs', name: 'Legal-affairs service' }]);
});
afterAll(async () => {
  await stack?.close();
});

const calendar = shippedCalendar();
/** A date `days` from today, as the date fields take it. */
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
/** Calendar days after a date, moved on to the next working day when the last one is not. */
const calendarDaysAfter = (date: string, days: number) => firstCountedDayFrom(addCalendarDays(date, days), (d) => isWorkingDay(d, calendar));

type Clock = { id: string; status: string; dueDate: string | null };
const clocksOf = (view: { clocks: Clock[] }) => view.clocks.map((c) => `${c.id} ${c.status} ${c.dueDate}`);

async function openFile(claimReceivedOn: string) {
  const data = { caseReference: '873/7110/2026', court: 'administrative-court', claimantKind: 'person', subject: 'Damage to a house from the commune’s roadworks', amountClaimedMad: 80000, claimReceivedOn };
  const filed = await staff.agent({ method: 'POST', url: '/applications', payload: { procedureId: 'dispute-file', officeId: staff.office, data } });
  expect(filed.statusCode, filed.body).toBe(201);
  const trackingNumber = filed.json().trackingNumber as string;
  const view = async () => (await staff.agent({ method: 'GET', url: `/applications/${trackingNumber}` })).json();
  const until = <T>(probe: (current: Awaited<ReturnType<typeof view>>) => T | undefined) => eventually(async () => probe(await view()));
  const complete = async (stepId: string, outcome: string, taskData?: Record<string, unknown>) => {
    const task = await until((current) => current.tasks.find((t: { stepId: string; status: string }) => t.stepId === stepId && t.status === 'open'));
    const done = await staff.agent({ method: 'POST', url: `/tasks/${task.id}/complete`, payload: { outcome, ...(taskData ? { data: taskData } : {}) } });
    expect(done.statusCode, done.body).toBe(200);
  };
  return { trackingNumber, view, until, complete };
}

describe('the dispute file', () => {
  it('is filed by the legal-affairs service, not by a citizen', async () => {
    const data = { caseReference: '12/2026', court: 'first-instance-court', claimantKind: 'company', subject: 'Unpaid invoices for supplies', claimReceivedOn: inDays(-1) };
    const refused = await staff.citizen({ method: 'POST', url: '/applications', payload: { procedureId: 'dispute-file', officeId: staff.office, data } });
    expect(refused.statusCode).toBe(403);
  });

  it('shows the opinion clock from the claim’s receipt, and the defence-brief clock from the hearing date the service enters', async () => {
    const received = inDays(-10);
    const file = await openFile(received);
    const filed = await file.until((current) => (current.clocks.length === 3 ? current : undefined));
    expect(clocksOf(filed)).toEqual([`opinion running ${calendarDaysAfter(received, 30)}`, 'defenceBrief waitingForDate null', 'appeal waitingForDate null']);

    const hearing = inDays(45);
    await file.complete('legalOpinion', 'defend', { opinionSummary: 'The works were done under a valid permit: defend.' });
    await file.complete('setHearing', 'set', { hearingDate: hearing });
    const dated = await file.until((current) => (current.clocks[1].status === 'running' ? current : undefined));
    expect(clocksOf(dated)).toEqual([`opinion met ${calendarDaysAfter(received, 30)}`, `defenceBrief running ${subtractWorkingDays(hearing, 5, calendar)}`, 'appeal waitingForDate null']);

    await file.complete('fileBrief', 'filed');
    const waiting = await file.until((current) => (current.clocks[1].status === 'met' ? current : undefined));
    // Filed, the file waits for the hearing with no task open.
    expect(waiting.tasks.map((t: { stepId: string; status: string }) => `${t.stepId} ${t.status}`)).toEqual(['legalOpinion completed', 'setHearing completed', 'fileBrief completed']);
  });

  it('goes to the administrative court of appeal when a lost judgment is appealed in time', async () => {
    const file = await openFile(inDays(-5));
    await file.complete('legalOpinion', 'defend', { opinionSummary: 'The claim overstates the damage: defend.' });
    // The file reaches the service on the hearing's day: the brief's time has already run out.
    await file.complete('setHearing', 'set', { hearingDate: inDays(0) });
    await file.complete('fileBrief', 'filed');
    await file.complete('recordHearing', 'judgmentDelivered');
    const notified = inDays(-2);
    await file.complete('recordJudgment', 'recorded', { judgmentResult: 'lost', judgmentNotifiedOn: notified, amountAwardedMad: 45000 });
    const window = await file.until((current) => (current.clocks[2].status === 'running' ? current.clocks[2] : undefined));
    expect(window.dueDate).toBe(calendarDaysAfter(notified, 30));
    // The president hears of the lost judgment in the words the definition gives it.
    const told = await eventually(async () => (await stack.orm.em.fork().find(Notification, { trackingNumber: file.trackingNumber, template: 'judgmentAgainst' }))[0]);
    expect(told.recipients).toEqual(['president']);

    await file.complete('decideAppeal', 'appeal');
    await file.complete('lodgeAppeal', 'lodged');
    const closed = await file.until((current) => (current.status === 'closed' ? current : undefined));
    expect(closed).toEqual(
      applicationAnswer({
        trackingNumber: file.trackingNumber,
        status: 'closed',
        outcome: 'forwarded',
        forwardedTo: { ar: 'محكمة الاستئناف الإدارية', fr: "la cour d'appel administrative", en: 'the administrative court of appeal' },
        motivation: 'The commune appealed the judgment within the window: the case goes on before the administrative court of appeal.',
        tasks: expect.any(Array),
        clocks: expect.any(Array),
      }),
    );
    expect(closed.clocks.map((c: Clock) => `${c.id} ${c.status}`)).toEqual(['opinion met', 'defenceBrief metLate', 'appeal met']);
  });
});
