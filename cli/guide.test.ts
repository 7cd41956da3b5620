import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ProcedureDefinition } from '../engine/definition.generated.js';
import { loadConfig } from '../infra/config.js';
import { CATEGORY_LABELS } from '../registry/categories.js';
import { lines, mohla } from '../test/helpers/cli.js';

const shipped = (file: string) => JSON.parse(readFileSync(path.join(loadConfig().proceduresDir, file), 'utf8')) as ProcedureDefinition;

/** The lines of one `### heading` section of the guide, up to the next heading. */
function section(printed: string[], heading: string): string[] {
  const start = printed.indexOf(`### ${heading}`);
  expect(start, heading).toBeGreaterThanOrEqual(0);
  const end = printed.findIndex((line, i) => i > start && line.startsWith('#'));
  return printed.slice(start + 1, end === -1 ? undefined : end).filter(Boolean);
}

describe('mohla guide', () => {
  it('says in words who files an internal procedure, why it asks for no document, and each of its clocks with its rule', async () => {
    const council = shipped('council-session.v1.json');
    const run = await mohla(['guide', '--lang', 'en', '--procedure', 'council-session']);
    expect(run.code, run.stderr).toBe(0);
    const printed = lines(run.stdout);
    expect(printed).toContain(`**Category:** ${CATEGORY_LABELS[council.category].en}`);
    const channels = printed.find((line) => line.startsWith('**Where to file:**'));
    expect(channels).toMatch(/internal procedure: the office's staff file it/);
    expect(channels).not.toMatch(/\binternal$/);

    const documents = section(printed, 'Documents');
    expect(documents).toHaveLength(1);
    expect(documents[0]).toMatch(/^- None: the office's staff open this file/);

    const clocks = section(printed, 'Other deadlines');
    expect(clocks).toHaveLength(Object.keys(council.clocks!).length);
    for (const [i, clock] of Object.values(council.clocks!).entries()) {
      const anchor = clock.from!;
      const [budget, side] = 'before' in anchor ? [anchor.before, 'before'] : [anchor.after, 'after'];
      const days = 'calendarDays' in budget ? budget.calendarDays : undefined;
      expect(clocks[i]).toBe(`- **${clock.label.en}:** ${days} calendar days ${side} the date set in the file [unconfirmed]`);
    }
  });

  it('says a waiting period written as an ISO duration in words, in each language', async () => {
    const waits = { fr: '8. Attente de 3 jours', ar: '8. انتظار 3 أيام', en: '8. Waiting period of 3 days' };
    expect(shipped('council-session.v1.json').steps.nextSitting).toMatchObject({ type: 'wait', for: { duration: 'P3D' } });
    for (const [language, said] of Object.entries(waits)) {
      const run = await mohla(['guide', '--lang', language, '--procedure', 'council-session']);
      // Intl keeps the number and its unit together with a no-break space.
      expect(lines(run.stdout).map((line) => line.replaceAll('\u00a0', ' '))).toContain(said);
      expect(run.stdout).not.toContain('P3D');
    }
  });

  it('names the category and the channels of a citizen procedure in Arabic, never by their ids', async () => {
    const residence = shipped('residence-certificate.v2.json');
    const run = await mohla(['guide', '--lang', 'ar', '--procedure', 'residence-certificate']);
    expect(run.code, run.stderr).toBe(0);
    const printed = lines(run.stdout);
    expect(printed).toContain(`**الصنف:** ${CATEGORY_LABELS[residence.category].ar}`);
    const channels = printed.find((line) => line.startsWith('**قنوات الإيداع:**'))!;
    for (const id of residence.channels) expect(channels).not.toContain(id);
    expect(channels.split(', ')).toHaveLength(residence.channels.length);
    expect(printed.some((line) => line.startsWith('### آجال أخرى'))).toBe(false);
  });
});
