import { execFile } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../infra/config.js';
import { readDefinitionFile } from '../registry/catalogue.js';

const example = (file: string) => path.join(PROJECT_ROOT, 'docs/examples', file);

function mohlaSimulate(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(PROJECT_ROOT, 'bin/mohla.js'), 'simulate', ...args], { timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('mohla simulate on the council session of the guide', () => {
  it('is a valid definition', () => {
    expect(readDefinitionFile(example('council-session.v1.json')).errors).toEqual([]);
  });

  it('names each clock in the trace, and says where each ended and why it fell due then', async () => {
    const run = await mohlaSimulate(example('council-session.v1.json'), example('council-session.scenario.json'));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines).toEqual(
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
