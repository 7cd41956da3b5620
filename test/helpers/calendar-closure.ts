/**
 * The calendar-change scenario the dev-server and cluster tiers both run: an administrator closes the
 * next working day while an application's legal deadline runs, and its workflow reschedules the deadline.
 */
import { addWorkingDays, localDateOf } from '../../engine/calendar.js';
import type { ApplicationState } from '../../engine/interpreter/state.js';
import { applicationStatus } from '../../workflows/messages.js';
import { as, eventually, tokenFor, type TestStack } from './stack.js';

export const applicationState = (stack: TestStack, trackingNumber: string) =>
  stack.client.workflow.getHandle(trackingNumber).query(applicationStatus) as Promise<ApplicationState>;

/** Closes the next working day through the API once visibility finds the application; answers the legal deadline's schedule before and the API's answer. */
export async function closeNextWorkingDay(stack: TestStack, trackingNumber: string) {
  const before = (await applicationState(stack, trackingNumber)).deadlines.legal!.projection!;
  const calendar = await stack.calendars.current();
  const closedDay = addWorkingDays(localDateOf(Date.now(), calendar.zone), 1, calendar);
  // Visibility is eventually consistent: wait until the application is findable by its due date.
  await eventually(async () => {
    for await (const wf of stack.client.workflow.list({ query: `WorkflowId = '${trackingNumber}' AND MohlaDueAt >= '${closedDay}T00:00:00Z'` })) return wf;
    return undefined;
  });
  const admin = as(stack, await tokenFor('admin'));
  const res = await admin({
    method: 'POST',
    url: '/calendars/ma/closures',
    payload: { date: closedDay, reason: { ar: 'إغلاق استثنائي', fr: 'Fermeture exceptionnelle', en: 'Exceptional closure' } },
  });
  return { before, res };
}

/** The legal deadline once its ledger records the rescheduling (an entry of the recorded kind `reprojected`). */
export const reprojectedDeadline = (stack: TestStack, trackingNumber: string) =>
  eventually(async () => {
    const legal = (await applicationState(stack, trackingNumber)).deadlines.legal!;
    return legal.ledger.find((e) => e.type === 'reprojected') ? legal : undefined;
  });
