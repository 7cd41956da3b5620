import { describe, expect, it } from 'vitest';
import type { ProjectionChange } from './projection.js';
import { permanentRefusal, storableText, withoutClientData } from './unstorable.js';

const change = (data: Record<string, unknown>): ProjectionChange =>
  ({
    state: { trackingNumber: '7KQM-4RZ8-P', revision: 3, data },
    commands: [
      { type: 'timeline', seq: 1, entry: { at: '2026-12-06T00:00:00.000Z', kind: 'filed', detail: { note: 'x' } } },
      { type: 'notify', key: 'k', recipients: ['citizen'], template: 'filed', context: {} },
    ],
    procedureHash: 'h',
  }) as unknown as ProjectionChange;

describe('projection writes no retry can fix', () => {
  it('are the data PostgreSQL refuses, not PostgreSQL being away or a race', () => {
    expect(permanentRefusal({ code: '22P05' })).toMatchObject({ code: '22P05', reason: expect.stringContaining('NUL') });
    expect(permanentRefusal({ code: '23502' })?.code).toBe('23502');
    for (const transient of ['08006', '57P01', '40001', '23505', '42P01', 'ECONNRESET']) expect(permanentRefusal({ code: transient })).toBeUndefined();
    expect(permanentRefusal(new Error('socket hang up'))).toBeUndefined();
  });

  it('are stored with NUL characters and unpaired surrogates replaced, in keys and values alike, and pairs kept', () => {
    const stored = storableText(change({ 'na\u0000me': 'A\u0000B', list: ['\ud800x', 'y\udc00', '😀'] }));
    expect(stored.state.data).toEqual({ 'na\ufffdme': 'A\ufffdB', list: ['\ufffdx', 'y\ufffd', '😀'] });
  });

  it('fall back to the application without what clients wrote, keeping its tasks and timeline', () => {
    const bare = withoutClientData(change({ fullName: 'Amina' }));
    expect(bare.state.data).toEqual({});
    expect(bare.commands).toEqual([{ type: 'timeline', seq: 1, entry: { at: '2026-12-06T00:00:00.000Z', kind: 'filed', detail: {} } }]);
  });
});
