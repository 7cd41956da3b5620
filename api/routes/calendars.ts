import type { CalendarChange } from '../../registry/calendar-changes.js';
import { signalAffectedApplications } from '../calendar-signals.js';
import { principalOf } from '../auth.js';
import type { ApiContext } from '../context.js';
import { localizedText } from '../../registry/localized-text.js';
import { instant, listAnswer } from '../answers.js';
import { answers, json, type ApiRoutes } from '../responses.js';

/** A real calendar date (ajv-formats refuses 2026-02-30), as YYYY-MM-DD. */
const date = { type: 'string', format: 'date' } as const;

const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: '^[a-z][a-z0-9-]{0,31}$' } } } as const;

const holidayBody = {
  type: 'object',
  required: ['date', 'name', 'status'],
  additionalProperties: false,
  properties: { date, name: localizedText, status: { enum: ['provisional', 'confirmed'] }, note: { type: 'string' } },
} as const;

const closureBody = {
  type: 'object',
  required: ['date', 'reason'],
  additionalProperties: false,
  properties: { date, reason: localizedText, note: { type: 'string' } },
} as const;

const calendarAnswer = {
  // Its own schema describes it: written as stored.
  description: 'The calendar version, as procedures/schema/calendar.schema.json describes it: working week, fixed and dated holidays, closures.',
} as const;

const historyAnswer = listAnswer('id', 'versions', {
  type: 'object',
  required: ['version', 'change', 'changedBy', 'createdAt'],
  additionalProperties: false,
  properties: { version: { type: 'integer' }, change: { type: 'string' }, changedBy: { type: 'string' }, createdAt: instant },
});

const changeAnswer = {
  type: 'object',
  required: ['id', 'version', 'change', 'signalledApplications'],
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    version: { type: 'integer', description: 'The new version of the calendar.' },
    change: { type: 'string' },
    signalledApplications: { type: 'integer', description: 'Running applications told to project their deadlines again.' },
  },
} as const;

export function calendarRoutes(app: ApiRoutes, ctx: ApiContext): void {
  app.get(
    '/calendars/:id',
    {
      config: { access: 'public' },
      schema: {
        summary: 'The current version of a working-day calendar',
        tags: ['calendars'],
        operationId: 'getCalendar',
        params: idParams,
        response: answers({ 200: json('The current version.', calendarAnswer) }),
      },
    },
    async (request) => ctx.calendars.current(request.params.id),
  );

  app.get(
    '/calendars/:id/history',
    {
      config: { access: 'public' },
      schema: {
        summary: 'Every version of a calendar and the change that made it',
        tags: ['calendars'],
        operationId: 'getCalendarHistory',
        params: idParams,
        response: answers({ 200: json('The versions, oldest first.', historyAnswer) }),
      },
    },
    async (request) => ({ id: request.params.id, versions: await ctx.calendars.history(request.params.id) }),
  );

  async function change(id: string, calendarChange: CalendarChange, changedBy: string) {
    const { after, description, since } = await ctx.calendars.change(id, calendarChange, changedBy);
    const signalled = await signalAffectedApplications(ctx.temporal, ctx.taskQueue, since);
    return { id, version: after.version, change: description, signalledApplications: signalled };
  }

  app.post(
    '/calendars/:id/holidays',
    {
      config: { access: ['admin'] },
      schema: {
        summary: 'Add or move a dated holiday (e.g. confirm an Eid after the moon sighting)',
        tags: ['calendars'],
        operationId: 'addHoliday',
        params: idParams,
        body: holidayBody,
        response: answers({ 201: json('A new version of the calendar.', changeAnswer) }),
      },
    },
    async (request, reply) => {
      const { date: day, name, status, note } = request.body;
      const result = await change(request.params.id, { kind: 'holiday', holiday: { date: day, name, status, ...(note ? { note } : {}) } }, principalOf(request).sub);
      return reply.status(201).send(result);
    },
  );

  app.post(
    '/calendars/:id/closures',
    {
      config: { access: ['admin'] },
      schema: {
        summary: 'Add an ad-hoc closure of the administrations',
        tags: ['calendars'],
        operationId: 'addClosure',
        params: idParams,
        body: closureBody,
        response: answers({ 201: json('A new version of the calendar.', changeAnswer) }),
      },
    },
    async (request, reply) => {
      const { date: day, reason, note } = request.body;
      const result = await change(request.params.id, { kind: 'closure', closure: { date: day, reason, ...(note ? { note } : {}) } }, principalOf(request).sub);
      return reply.status(201).send(result);
    },
  );
}
