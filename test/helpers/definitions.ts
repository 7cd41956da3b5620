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

/**
 * An internal procedure (language 2): a promotion file the HR officer files, reviewed by the committee,
 * which promotes, refers it to the ministry (forwarded) or promotes in part. Two calendar months,
 * extendable by one, escalated to the supervisor. `deadline` and `steps` are merged into the defaults;
 * any other field replaces the default.
 */
export function promotionFile(changes: TestProcedureChanges = {}) {
  const { deadline, steps, ...fields } = changes;
  return {
    languageVersion: 2,
    id: 'staff-promotion',
    version: 1,
    title: text('Promotion file'),
    description: text('A promotion file'),
    category: 'human-resources',
    offices: ['commune'],
    roles: ['hr-officer', 'committee', 'supervisor'],
    legalBasis: { law: 'Statut général de la fonction publique', note: 'An internal commitment, no legal deadline.', confirmed: true },
    form: { type: 'object', properties: { employeeNumber: { type: 'string' } } },
    documents: [],
    fees: [],
    channels: ['internal'],
    filingRoles: ['hr-officer'],
    deadline: {
      budget: { months: 2 },
      startsOn: 'filing',
      onComplement: 'continue',
      extension: { maxCount: 1, units: 1, noticeRequired: false },
      onExpiry: { action: 'escalate', toRole: 'supervisor', notify: ['supervisor'] },
      ...deadline,
    },
    start: 'review',
    steps: {
      review: {
        type: 'userTask',
        role: 'committee',
        title: text('Committee review'),
        outcomes: { promote: { next: 'tell' }, refer: { next: 'referred' }, partly: { next: 'partly' } },
      },
      tell: { type: 'notify', notify: ['hr-officer'], template: 'readyForCollection', next: 'promoted' },
      promoted: { type: 'end', outcome: 'approved' },
      referred: { type: 'end', outcome: 'forwarded', forwardedTo: text('the ministry of the interior') },
      partly: { type: 'end', outcome: 'partiallyGranted', motivation: text('Promoted one grade, not two.') },
      ...steps,
    },
    ...fields,
  };
}

/** An access-to-information request as a citizen files it (its form in the shipped procedure, v2 and later). */
export const informationRequest = {
  fullName: 'Salma Idrissi',
  idType: 'cin',
  idNumber: 'BK123456',
  informationRequested: 'The minutes of the council sessions of 2025',
  deliveryFormat: 'email',
  email: 'salma@example.ma',
  lifeSafetyOrFreedomAtStake: false,
};
