import { dayCountingAt, type DayCounting } from '../engine/expressions/dates.js';
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
     * What a definition whose conditions count working days or read today needs for an event at `at`:
     * the current calendar and the zone's offset then. The workflow asks it before each event, as a
     * local activity, so both are recorded in the history and a replay reads the same ones whatever
     * the calendar or the runtime's zone rules became. Only language-2 definitions with date operators call it.
     */
    async conditionCalendar(at: string): Promise<DayCounting> {
      return dayCountingAt(await deps.calendars.current(DEFAULT_CALENDAR), at);
    },
  };
}
