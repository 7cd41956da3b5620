/**
 * Sets of histories recorded by earlier code (test/fixtures/histories/<set>/, each listed by its
 * manifest.json; see test/record-histories.record.ts) replay against today's workflow code and reach the
 * outcome they recorded: applications that code started, closed or still running, survive the changes.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Runtime } from '@temporalio/worker';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { readHistoryFile, replayHistories, type ReplayReport } from '../audit/replay.js';
import { loadConfig, PROJECT_ROOT } from '../infra/config.js';
import { EncryptionCodec } from '../infra/payload-codec.js';
import { WorkerLogger } from '../infra/worker-logger.js';

interface Manifest {
  set: string;
  recordedFrom: string;
  histories: Array<{ file: string; workflowId: string; procedureId: string; outcome: string }>;
}

const HISTORIES = path.join(PROJECT_ROOT, 'test/fixtures/histories');
const sets: Manifest[] = readdirSync(HISTORIES, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(path.join(HISTORIES, entry.name, 'manifest.json')))
  .map((entry) => JSON.parse(readFileSync(path.join(HISTORIES, entry.name, 'manifest.json'), 'utf8')) as Manifest);

// No test stack in this file: the replay worker's runtime is made as quiet as the stacks make theirs.
Runtime.install({ logger: new WorkerLogger('WARN') });

it('keeps the set recorded just before the architecture pass (issue 17)', () => {
  expect(sets.map((s) => s.set)).toContain('before-architecture-pass');
});

it('keeps the set whose histories go through the constructs of procedure language 2', () => {
  expect(sets.map((s) => s.set)).toContain('language-2');
});

it('keeps the set whose applications were moved to a corrected version', () => {
  expect(sets.map((s) => s.set)).toContain('moved-to-corrected-version');
});

for (const set of sets) {
  describe(`histories recorded by ${set.recordedFrom.slice(0, 7)} (${set.set})`, () => {
    const reports = new Map<string, ReplayReport>();

    beforeAll(async () => {
      // Decoded when recorded; the codec passes clear payloads through.
      const codec = new EncryptionCodec(loadConfig().codecKeys);
      const recorded = await Promise.all(set.histories.map((h) => readHistoryFile(path.join(HISTORIES, set.set, h.file), codec)));
      // One replay for the whole set: each history is replayed on its own all the same.
      for await (const report of replayHistories(recorded, { codePath: inject('workflowBundlePath') }, codec)) reports.set(report.workflowId, report);
    });

    for (const entry of set.histories) {
      it(`still replay: ${entry.file} (${entry.outcome})`, () => {
        expect(reports.get(entry.workflowId)).toEqual(
          expect.objectContaining({ workflowId: entry.workflowId, ok: true, recordedOutcome: entry.outcome, replayedOutcome: entry.outcome }),
        );
      });
    }
  });
}
