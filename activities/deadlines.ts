import type { Calendar } from '../engine/calendar.js';
import { scheduleDeadline, type DeadlineSchedule, type DeadlineScheduleRequest } from '../engine/deadline/schedule.js';
import { DEFAULT_CALENDAR, type CalendarStore } from '../registry/calendars.js';

export function createDeadlineActivities(deps: { calendars: CalendarStore }) {
  return {
    /**
     * Schedules a deadline on the current calendar (run as a local activity: the result is recorded in
     * the history, so replay never depends on a calendar or time-zone rules that changed later). Its
     * name is recorded in histories too, so it stays `projectDeadline`.
     */
    async projectDeadline(request: DeadlineScheduleRequest): Promise<DeadlineSchedule> {
      const calendar = await deps.calendars.current(DEFAULT_CALENDAR);
      const previous =
        request.previousCalendarVersion !== undefined && request.previousCalendarVersion !== calendar.version
          ? await deps.calendars.get(DEFAULT_CALENDAR, request.previousCalendarVersion)
          : undefined;
      return scheduleDeadline(request, calendar, previous);
    },

    /**
     * The current calendar, for a definition whose conditions count working days: the workflow asks it
     * before each event (a local activity, so the calendar read is recorded in the history and a replay
     * reads the same one). Only language-2 definitions with date operators call it.
     */
    async currentCalendar(): Promise<Calendar> {
      return deps.calendars.current(DEFAULT_CALENDAR);
    },
  };
}
