import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../infra/config.js';
import { readDefinitionFile } from '../registry/catalogue.js';
import { lines, mohla, scratchFolder } from '../test/helpers/cli.js';
import { testProcedure, text } from '../test/helpers/definitions.js';

const { write } = scratchFolder('mohla-simulate-');
const pretty = (value: unknown) => JSON.stringify(value, null, 2);

/** One task with a form and a two-hour service level, then a one-hour wait before the approval. */
const definition = write(
  'sim-sample.v1.json',
  pretty(
    testProcedure('sim-sample', {
      form: { type: 'object', required: ['applicant'], properties: { applicant: { type: 'string' }, phone: { type: 'string' } } },
      steps: {
        review: {
          type: 'userTask',
          role: 'agent',
          title: text('Review'),
          form: { type: 'object', required: ['remark'], properties: { remark: { type: 'string' } } },
          outcomes: { approve: { next: 'coolingOff' }, reject: { next: 'refused' } },
          serviceLevel: { budget: { duration: 'PT2H' }, warnings: [{ before: { duration: 'PT1H' }, notify: ['assignee'] }], onExpiry: { action: 'notify', notify: ['supervisor'] } },
        },
        coolingOff: { type: 'wait', for: { duration: 'PT1H' }, next: 'granted' },
      },
    }),
  ),
);

const scenario = {
  // No offset: Casablanca time, UTC+1 on 6 April 2026.
  filedAt: '2026-04-06T09:30:00',
  data: { applicant: 'A. Benali' },
  events: [
    { after: 'PT3H', action: 'complete', step: 'review', outcome: 'approve', data: { remark: 'complete file' } },
    { after: 'P1D', action: 'withdraw', reason: 'changed my mind' },
  ],
};

describe('mohla simulate', () => {
  it('reads an instant without an offset in Casablanca time, names deadlines in the definition\'s words, and says which events never ran', async () => {
    const run = await mohla(['simulate', definition, write('ok.json', pretty(scenario))]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(lines(run.stdout)).toEqual([
      'sim-sample v1, filed 2026-04-06T09:30:00',
      '2026-04-06T08:30:00.000Z  filed',
      '2026-04-06T08:30:00.000Z  notify citizen: filed',
      '2026-04-06T08:30:00.000Z  entered review',
      '2026-04-06T08:30:00.000Z  task review for role agent',
      '2026-04-06T09:30:00.000Z  warning: service level of task review due 2026-04-06T11:30:00.000+01:00',
      '2026-04-06T09:30:00.000Z  notify assignee: deadlineWarning',
      '2026-04-06T10:30:00.000Z  service level of task review expired (was due 2026-04-06T11:30:00.000+01:00)',
      '2026-04-06T10:30:00.000Z  notify supervisor: deadlineExpired',
      '2026-04-06T11:30:00.000Z  agent completed review: approve',
      '2026-04-06T11:30:00.000Z  entered coolingOff',
      '2026-04-06T12:30:00.000Z  wait step coolingOff ended',
      '2026-04-06T12:30:00.000Z  entered granted',
      '2026-04-06T12:30:00.000Z  closed: approved, issues permit',
      '2026-04-06T12:30:00.000Z  notify citizen: decision',
      '2026-04-07T08:30:00.000Z  events[1] withdraw comes after the application closed (approved): not run',
      '',
      'Legal deadline:',
      '  30 calendar days from Monday 6 April 2026',
      '  counted from 6 April 2026 (09:30 in Africa/Casablanca): day 1 is Tuesday 7 April 2026; every day counts, weekends and holidays included',
      '  due Wednesday 6 May 2026 at 23:59 (Africa/Casablanca)',
      '',
      'Outcome: approved',
    ]);
  });

  it('says in --json too which events never ran', async () => {
    const until = { ...scenario, until: '2026-04-06T10:00:00', events: [...scenario.events.slice(1)] };
    const run = await mohla(['simulate', '--json', definition, write('until.json', pretty(until))]);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.status).toBe('open');
    expect(result.outcome).toBeNull();
    expect(result.trace.at(-1)).toEqual({
      at: '2026-04-07T08:30:00.000Z',
      kind: 'ignored',
      text: 'events[0] withdraw comes after the simulation stopped (until 2026-04-06T09:00:00.000Z): not run',
    });
  });

  it('refuses a scenario with every problem on a line of its own, naming its pointer', async () => {
    const wrong = {
      filedAt: '2026-04-06T09:30:00',
      data: { phone: 612345678 },
      events: [
        { after: 'PT1H', action: 'approve', step: 'review' },
        { after: 'PT2H', action: 'complete', step: 'review', outcome: 'approve', data: { remark: 42 } },
        { after: 'PT2H', action: 'claim', step: 'reveiw' },
        { after: 'PT2H', at: '2026-04-06T12:00:00', action: 'withdraw' },
        { after: 'tomorrow', action: 'withdraw' },
      ],
    };
    const file = write('wrong.json', pretty(wrong));
    const run = await mohla(['simulate', definition, file]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(lines(run.stderr)).toEqual([
      `${file} /events/0/action: "approve" is not a known action`,
      `${file} /events/3: has both at and after: give one`,
      `${file} /events/4/after: "tomorrow" is not an ISO 8601 duration such as P2D or PT4H`,
      `${file} /data/applicant: is required`,
      `${file} /data/phone: must be string`,
      `${file} /events/1/data/remark: must be string`,
      `${file} /events/2/step: "reveiw" is not a user task step of sim-sample`,
    ]);
  });

  it("runs the citizen's act in a window, and checks what the citizen enters against the window's form", async () => {
    const windowed = write(
      'sim-window.v1.json',
      pretty(
        testProcedure('sim-window', {
          languageVersion: 2,
          start: 'object',
          steps: {
            object: {
              type: 'citizenWindow',
              within: { duration: 'PT2H' },
              action: { label: text('Object'), form: { type: 'object', required: ['grounds'], properties: { grounds: { type: 'string', minLength: 5 } } } },
              next: 'review',
              onExpiry: 'granted',
            },
          },
        }),
      ),
    );
    const acting = { filedAt: '2026-04-06T09:30:00+01:00', data: {}, events: [{ after: 'PT1H', action: 'act', step: 'object', data: { grounds: 'too far from the school' } }] };
    const run = await mohla(['simulate', windowed, write('act.json', pretty(acting))]);
    expect(run.stderr).toBe('');
    expect(lines(run.stdout)).toEqual(
      expect.arrayContaining([
        '2026-04-06T08:30:00.000Z  window object open until 2026-04-06T11:30:00.000+01:00',
        '2026-04-06T08:30:00.000Z  notify citizen: windowOpened',
        '2026-04-06T09:30:00.000Z  citizen acted at object (grounds)',
        '2026-04-06T09:30:00.000Z  task review for role agent',
      ]),
    );
    const wrong = { ...acting, events: [{ after: 'PT1H', action: 'act', step: 'object', data: { grounds: 'no' } }, { after: 'PT1H', action: 'act', step: 'review' }] };
    const refused = await mohla(['simulate', windowed, write('act-wrong.json', pretty(wrong))]);
    expect(refused.code).toBe(1);
    expect(lines(refused.stderr)).toEqual([
      expect.stringMatching(/\/events\/0\/data\/grounds: must NOT have fewer than 5 characters$/),
      expect.stringMatching(/\/events\/1\/step: "review" is not a citizen window step of sim-window$/),
    ]);
  });

  it('refuses a scenario whose text gives a key twice', async () => {
    const file = write('twice.json', pretty(scenario).replace('"data": {', '"data": { "applicant": "first",'));
    const run = await mohla(['simulate', definition, file]);
    expect(run.code).toBe(1);
    expect(lines(run.stderr)).toEqual([`${file} /data/applicant: duplicate key "applicant" (first at line 3, again at line 4)`]);
  });
});

describe('mohla simulate on the shipped council session', () => {
  const definition = path.join(PROJECT_ROOT, 'procedures/council-session.v1.json');
  const example = (file: string) => path.join(PROJECT_ROOT, 'docs/examples', file);

  it('is a valid definition', () => {
    expect(readDefinitionFile(definition).errors).toEqual([]);
  });

  it('names each clock in the trace, and says where each ended and why it fell due then', async () => {
    const run = await mohla(['simulate', definition, example('council-session.scenario.json')]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(lines(run.stdout)).toEqual(
      expect.arrayContaining([
        '2026-04-01T10:00:00.000Z  clock "Summons to members" counts from 2026-05-20',
        '2026-05-06T22:59:59.999Z  warning: clock "Summons to members" due 2026-05-08T23:59:59.999+01:00',
        '2026-05-07T09:00:00.000Z  clock "Summons to members" met at awaitSession, on time (due 2026-05-08T23:59:59.999+01:00)',
        '2026-05-29T22:59:59.999Z  clock "Decisions posted" expired (was due 2026-05-29T23:59:59.999+01:00)',
        '2026-06-01T09:00:00.000Z  clock "Decisions posted" met at transmitToGovernor, late (due 2026-05-29T23:59:59.999+01:00)',
        'Clock "Summons to members" (summons): met on time, due 2026-05-08',
        'Clock "Decisions posted" (posting): met late, due 2026-05-29',
        'Clock "Sent to the governor" (transmission): met on time, due 2026-06-04',
        '  day 10, Sunday 10 May 2026, is not a working day: the deadline moves back to the end of the working day before, so that it still falls at least 10 calendar days before',
        'Outcome: closed',
      ]),
    );
  });
});

describe('mohla simulate on the shipped dispute file', () => {
  const definition = path.join(PROJECT_ROOT, 'procedures/dispute-file.v1.json');
  const scenarioFile = path.join(PROJECT_ROOT, 'docs/examples/dispute-file.scenario.json');

  it('is a valid definition', () => {
    expect(readDefinitionFile(definition).errors).toEqual([]);
  });

  it('waits for the adjourned hearing’s new date, and moves the file to the final judgment when the appeal window closes', async () => {
    const run = await mohla(['simulate', definition, scenarioFile]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(lines(run.stdout)).toEqual(
      expect.arrayContaining([
        '2026-05-12T09:00:00.000Z  clock "Defence brief filed" counts from 2026-06-01',
        '2026-05-20T09:00:00.000Z  clock "Defence brief filed" met at awaitHearing, on time (due 2026-05-21T23:59:59.999+01:00)',
        // The second hearing is awaited on its own date, without a second brief.
        '2026-06-21T23:00:00.000Z  task recordHearing for role legal-affairs',
        '2026-08-24T22:59:59.999Z  task lodgeAppeal cancelled: the clock "Appeal window" expired: the application moved to step "judgmentFinal"',
        '2026-08-24T22:59:59.999Z  task judgmentFinal for role legal-affairs',
        'Clock "Legal opinion" (opinion): met on time, due 2026-05-29',
        'Clock "Defence brief filed" (defenceBrief): met on time, due 2026-05-21',
        'Clock "Appeal window" (appeal): expired, due 2026-08-24',
        '  day 30, Thursday 20 August 2026, is not a working day: the deadline moves to the end of the next working day',
        'Outcome: closed',
      ]),
    );
    expect(lines(run.stdout).filter((line) => line.endsWith('task fileBrief for role legal-affairs'))).toHaveLength(1);
  });
});
