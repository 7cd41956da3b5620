import { describe, expect, it } from 'vitest';
import type { ProcedureDefinition } from '../engine/definition.generated.js';
import { parseTrackingNumber } from '../engine/tracking-number.js';
import { loadConfig } from '../infra/config.js';
import { loadProcedureFolder, reviewDefinition } from './catalogue.js';
import { previewMessages, SAMPLE_TRACKING_NUMBER } from './message-preview.js';

const dispute = loadProcedureFolder(loadConfig().proceduresDir).catalogue.get('dispute-file')!.definition;
const now = new Date('2027-02-25T10:00:00Z');

function preview(definition: ProcedureDefinition, language: 'ar' | 'fr' | 'en', audience: 'citizen' | 'staff' = 'staff') {
  const review = reviewDefinition(definition);
  return previewMessages(definition, [...review.errors, ...review.warnings], { language, audience, now });
}

function withText(language: 'ar' | 'fr' | 'en', source: string): ProcedureDefinition {
  const changed = structuredClone(dispute);
  const [name] = Object.keys(changed.messages!);
  changed.messages![name!]!.text[language] = source;
  return changed;
}

describe("the preview of a definition's own messages", () => {
  it('renders each message in the language asked for, with a well-formed sample tracking number and the procedure title', () => {
    expect(parseTrackingNumber(SAMPLE_TRACKING_NUMBER).ok).toBe(true);
    for (const language of ['ar', 'fr', 'en'] as const) {
      const shown = preview(dispute, language);
      expect(shown.map((m) => m.name)).toEqual(Object.keys(dispute.messages!));
      for (const message of shown) {
        const own = dispute.messages![message.name]!;
        expect(message.problems).toEqual([]);
        expect(message.subject).toBe(`${own.title[language]} – ${SAMPLE_TRACKING_NUMBER}`);
        expect(message.text).toContain(SAMPLE_TRACKING_NUMBER);
        expect(message.text).toContain(dispute.title[language]);
        expect(message.text).not.toMatch(/[{}]/);
      }
    }
  });

  it('counts with the plural rules of the language and chooses with the audience', () => {
    const source = '{audience, select, staff {Agents} other {Citizen}}: {documentCount, plural, one {one document} other {# documents}} ({documents}) by {dueAt}.';
    const [staff] = preview(withText('en', source), 'en', 'staff');
    expect(staff!.text).toMatch(/^Agents: 2 documents \(.+ and .+\) by \S.*2027/);
    const [citizen] = preview(withText('en', source), 'en', 'citizen');
    expect(citizen!.text).toMatch(/^Citizen: 2 documents/);
    const arabic = '{documentCount, plural, zero {لا وثيقة} one {وثيقة} two {وثيقتان} few {# وثائق} other {# وثيقة}}';
    expect(preview(withText('ar', arabic), 'ar')[0]!.text).toBe('وثيقتان');
  });

  it("shows the checker's words instead of a text it refuses, and still renders the other languages", () => {
    const broken = withText('fr', 'Dossier {trackingNumber ({procedure})');
    const [fr] = preview(broken, 'fr');
    expect(fr!.subject).toBeNull();
    expect(fr!.text).toBeNull();
    expect(fr!.problems).toEqual([{ pointer: `/messages/${fr!.name}/text/fr`, message: expect.stringMatching(/^not an ICU message at character \d+: /), severity: 'error' }]);
    const [en] = preview(broken, 'en');
    expect(en!.text).toContain(SAMPLE_TRACKING_NUMBER);
    expect(en!.problems).toEqual(fr!.problems);
  });
});
