/**
 * Access to information, version 3 (Law 31.13, language 2): the complaint to the head of the body is a
 * window inside the same application, after an express refusal and after silence. Simulated first, each
 * path a citizen may take; then on the real stack, through the API a citizen and the office would use.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../infra/config.js';
import type { ProcedureDefinition } from '../engine/definition.generated.js';
import { simulate, type ScenarioEvent } from '../engine/simulator.js';
import { Notification } from '../db/entities.js';
import { anInstant, applicationAnswer, deadlineAnswer, problemAnswer, taskAnswer } from './helpers/answers.js';
import { addOffice, as, createTestStack, eventually, tokenFor, type TestStack } from './helpers/stack.js';
import { shippedCalendar } from './helpers/shipped-calendar.js';
import { informationRequest } from './helpers/definitions.js';

const definition = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'procedures/access-to-information.v3.json'), 'utf8')) as ProcedureDefinition;
const calendar = shippedCalendar();

const request = informationRequest;
const refusal = { exception: 'privacy', motivation: 'The minutes name private persons throughout.' };
const grounds = { grounds: 'The minutes are public by law; names can be blacked out.' };
const reasons = { reasons: 'The minutes are published once names are removed.' };

const run = (events: ScenarioEvent[]) => simulate(definition, { filedAt: '2026-03-02T09:00:00Z', data: request, events }, calendar);
const lines = (trace: Array<{ text: string }>) => trace.map((t) => t.text);
const refuse: ScenarioEvent[] = [
  { action: 'complete', step: 'examine', outcome: 'refuse', after: 'P1D' },
  { action: 'complete', step: 'motivateRefusal', outcome: 'confirm', data: refusal, after: 'P2D' },
];

describe('access to information v3, simulated', () => {
  it('refused, then the citizen complains and the head of the body upholds: the information is given', async () => {
    const result = await run([
      ...refuse,
      { action: 'act', step: 'refusalWindow', data: grounds, after: 'P5D' },
      { action: 'complete', step: 'complaintReview', outcome: 'upheld', data: reasons, after: 'P8D' },
    ]);
    expect(lines(result.trace)).toEqual(
      expect.arrayContaining([
        'notify citizen: access-to-information.refused-with-complaint-rights',
        'legal deadline stopped at refusalWindow',
        'notify citizen: windowOpened',
        'citizen acted at refusalWindow (grounds)',
        'legal deadline counts anew from refusalWindow',
        'task complaintReview for role head-of-body',
        'closed: approved, issues information-answer',
      ]),
    );
    expect(result.outcome).toBe('approved');
  });

  it('refused, then the complaint is dismissed: the citizen hears of the CDAI', async () => {
    const result = await run([
      ...refuse,
      { action: 'act', step: 'refusalWindow', data: grounds, after: 'P5D' },
      { action: 'complete', step: 'complaintReview', outcome: 'dismissed', data: reasons, after: 'P8D' },
    ]);
    expect(result.outcome).toBe('rejected');
    expect(lines(result.trace)).toContain('notify citizen: access-to-information-complaint.dismissed-with-cdai-rights');
    expect(result.state.motivation).toMatch(/dismissed the complaint \(see the reasons\)/);
  });

  it('silence: the legal deadline runs out, the request is deemed refused and the window opens; the complaint is upheld', async () => {
    const result = await run([
      { action: 'act', step: 'silenceWindow', data: grounds, after: 'P40D' },
      { action: 'complete', step: 'complaintReview', outcome: 'upheld', data: reasons, after: 'P45D' },
    ]);
    const trace = lines(result.trace);
    // Twenty working days from Monday 2 March 2026 on Mohla's calendar, then twenty more for the window.
    expect(trace).toContain('legal deadline expired (was due 2026-03-31T23:59:59.999+01:00)');
    expect(trace).toContain('task examine cancelled: the legal deadline expired: the application moved to step "silence"');
    expect(trace).toContain('legal deadline expired: moved to silence');
    expect(trace).toContain('window silenceWindow open until 2026-04-28T23:59:59.999+01:00');
    expect(trace).toContain('citizen acted at silenceWindow (grounds)');
    expect(result.outcome).toBe('approved');
  });

  it('refused, and the window passes without a complaint: the refusal stands', async () => {
    const result = await run(refuse);
    expect(lines(result.trace)).toContain('window refusalWindow closed without the citizen acting');
    expect(result.outcome).toBe('rejected');
    expect(result.state.motivation).toMatch(/no complaint was made within 20 working days/);
  });

  it('the head of the body does not answer the complaint in time: it is deemed dismissed', async () => {
    const result = await run([...refuse, { action: 'act', step: 'refusalWindow', data: grounds, after: 'P5D' }]);
    expect(lines(result.trace)).toEqual(expect.arrayContaining(['entered silence', 'entered complaintDeemedDismissed']));
    expect(result.state.motivation).toMatch(/did not answer the complaint in time/);
    expect(result.outcome).toBe('rejected');
  });

  it('a complaint at a window that is not open is refused, naming the one that is', async () => {
    const result = await run([{ action: 'act', step: 'refusalWindow', data: grounds, after: 'P40D' }]);
    expect(lines(result.trace)).toContain('events[0] act refused: No window is open at step "refusalWindow"; the citizen may act at: silenceWindow.');
  });
});

describe('access to information v3 on the real stack', () => {
  let stack: TestStack;
  const office = 'commune-citizen-turn';
  let citizen: ReturnType<typeof as>;
  let other: ReturnType<typeof as>;
  let officer: ReturnType<typeof as>;

  beforeAll(async () => {
    stack = await createTestStack();
    addOffice(stack, office, 'commune');
    citizen = as(stack, await tokenFor('citizen', 'citizen-turn'));
    other = as(stack, await tokenFor('citizen', 'citizen-other'));
    officer = as(stack, await tokenFor('agent', 'officer-turn', [office]));
  });

  // The stack replays every history of this file when it closes.
  afterAll(async () => {
    await stack?.close();
  });

  it('refused, the citizen complains through the API, the head of the body upholds', async () => {
    const filed = await citizen({ method: 'POST', url: '/applications', payload: { procedureId: 'access-to-information', officeId: office, data: request } });
    expect(filed.statusCode, filed.body).toBe(201);
    const { trackingNumber } = filed.json() as { trackingNumber: string };
    expect(filed.json().procedure).toEqual({ id: 'access-to-information', version: 4 });
    const taskAt = async (stepId: string) => ((await citizen({ method: 'GET', url: `/applications/${trackingNumber}` })).json().tasks as Array<{ id: string; stepId: string; status: string }>).find((t) => t.stepId === stepId && t.status === 'open')!;

    const act = (who: typeof citizen, data: unknown) => who({ method: 'POST', url: `/applications/${trackingNumber}/act`, payload: { data } });
    const early = await act(citizen, grounds);
    expect(early.statusCode).toBe(409);
    expect(early.json()).toEqual(problemAnswer({ code: 'no_window_open', detail: 'The citizen has no window open to act in.' }));
    // A step id that only the object machinery knows names no window either.
    const inherited = await citizen({ method: 'POST', url: `/applications/${trackingNumber}/act`, payload: { stepId: 'constructor', data: grounds } });
    expect(inherited.statusCode).toBe(409);
    expect(inherited.json()).toEqual(
      problemAnswer({ code: 'no_window_open', detail: 'Step "constructor" is no window of access-to-information.', errors: [{ pointer: '/stepId', message: 'names no window' }] }),
    );

    expect((await officer({ method: 'POST', url: `/tasks/${(await taskAt('examine')).id}/complete`, payload: { outcome: 'refuse' } })).statusCode).toBe(200);
    const refused = await officer({ method: 'POST', url: `/tasks/${(await taskAt('motivateRefusal')).id}/complete`, payload: { outcome: 'confirm', data: refusal } });
    expect(refused.statusCode, refused.body).toBe(200);

    const open = (await citizen({ method: 'GET', url: `/applications/${trackingNumber}` })).json();
    expect(open).toEqual(
      applicationAnswer({
        status: 'open',
        citizenTurn: { stepId: 'refusalWindow', openedAt: expect.any(String), dueAt: expect.stringMatching(/T23:59:59\.999[+-]\d\d:\d\d$/), dueDate: expect.stringMatching(/^\d{4}-\d\d-\d\d$/) },
        // The body answered in time: its deadline reads as met, not as a due date still running.
        deadline: deadlineAnswer({ met: { at: anInstant, step: 'refusalWindow', late: false } }),
      }),
    );
    const messages = await stack.orm.em.fork().find(Notification, { trackingNumber });
    expect(messages.map((m) => m.template)).toEqual(expect.arrayContaining(['access-to-information.refused-with-complaint-rights', 'windowOpened']));

    // Only the application's citizen acts; what they enter must fit the action's form.
    expect((await act(officer, grounds)).json()).toEqual(problemAnswer({ status: 403, code: 'forbidden' }));
    expect((await act(other, grounds)).statusCode).toBe(404);
    const short = await act(citizen, { grounds: 'too short' });
    expect(short.statusCode).toBe(422);
    expect(short.json()).toEqual(problemAnswer({ code: 'invalid_form_data', errors: [{ pointer: '/data/grounds', message: 'must NOT have fewer than 20 characters' }] }));

    const acted = await act(citizen, grounds);
    expect(acted.statusCode, acted.body).toBe(200);
    expect(acted.json().citizenTurn).toBeUndefined();
    expect(acted.json().tasks).toContainEqual(taskAnswer({ stepId: 'complaintReview', role: 'head-of-body', status: 'open', visit: 1 }));
    // The same request again (a retry) gets the same answer; another one finds the window closed.
    const retried = await act(citizen, grounds);
    expect(retried.statusCode).toBe(200);
    expect(retried.json().tasks).toEqual(acted.json().tasks);
    const again = await act(citizen, { grounds: 'A second complaint, different words.' });
    expect(again.statusCode).toBe(409);

    const timeline = (await citizen({ method: 'GET', url: `/applications/${trackingNumber}/timeline` })).json().entries as Array<{ kind: string; detail: Record<string, unknown> }>;
    const actedEntry = timeline.find((e) => e.kind === 'citizenActed')!;
    // The names of the fields, never what the citizen wrote.
    expect(actedEntry.detail).toEqual({ fields: ['grounds'] });
    expect(JSON.stringify(timeline)).not.toContain(grounds.grounds);

    const upheld = await officer({ method: 'POST', url: `/tasks/${(await taskAt('complaintReview')).id}/complete`, payload: { outcome: 'upheld', data: reasons } });
    expect(upheld.statusCode, upheld.body).toBe(200);
    const closed = await eventually(async () => {
      const view = (await citizen({ method: 'GET', url: `/applications/${trackingNumber}` })).json();
      return view.status === 'closed' ? view : undefined;
    });
    expect(closed).toEqual(applicationAnswer({ status: 'closed', outcome: 'approved', document: 'information-answer' }));
  });
});
