/** Test procedures: one valid definition, changed only where a test needs it. */

export const text = (en: string) => ({ ar: `ن ${en}`, fr: `f ${en}`, en });

export interface TestProcedureChanges {
  deadline?: Record<string, unknown>;
  steps?: Record<string, unknown>;
  [field: string]: unknown;
}

/**
 * A procedure with one agent task (`review`: approve → granted, reject → refused), a 30-calendar-day
 * deadline that notifies the supervisor, and a form with the citizen's contact. `deadline` and `steps`
 * are merged into the defaults; any other field replaces the default.
 */
export function testProcedure(id: string, changes: TestProcedureChanges = {}) {
  const { deadline, steps, ...fields } = changes;
  return {
    id,
    version: 1,
    title: text(id),
    description: text(id),
    category: 'certificates',
    offices: ['annex'],
    roles: ['agent', 'supervisor'],
    legalBasis: { law: 'Law 55.19', note: 'test procedure', confirmed: true },
    form: {
      type: 'object',
      properties: { phone: { type: 'string' }, email: { type: 'string' }, language: { enum: ['ar', 'fr', 'en'] }, note: { type: 'string' } },
    },
    documents: [
      { id: 'plans', label: text('Plans'), formats: ['pdf'], maxSizeMb: 5 },
      { id: 'cinCopy', label: text('Copy of the identity card'), formats: ['pdf'], maxSizeMb: 5 },
    ],
    fees: [],
    channels: ['web'],
    deadline: { budget: { calendarDays: 30 }, startsOn: 'filing', onComplement: 'pause', onExpiry: { action: 'notify', notify: ['supervisor'] }, ...deadline },
    start: 'review',
    steps: {
      review: { type: 'userTask', role: 'agent', title: text('Review'), outcomes: { approve: { next: 'granted' }, reject: { next: 'refused' } } },
      granted: { type: 'end', outcome: 'approved', document: 'permit' },
      refused: { type: 'end', outcome: 'rejected', motivation: text('refused') },
      ...steps,
    },
    ...fields,
  };
}

/** An agent task of `role` whose outcomes lead to the steps named (`{ approve: 'granted' }`). */
export const userTask = (role: string, outcomes: Record<string, string>, extra: Record<string, unknown> = {}) => ({
  type: 'userTask',
  role,
  title: text(role),
  outcomes: Object.fromEntries(Object.entries(outcomes).map(([o, next]) => [o, { next }])),
  ...extra,
});
