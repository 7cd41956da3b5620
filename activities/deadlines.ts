import { projectDeadline as project, type DeadlineProjection, type DeadlineProjectionRequest } from '../engine/deadline/schedule.js';
import { DEFAULT_CALENDAR, type CalendarStore } from '../registry/calendars.js';

export function createDeadlineActivities(deps: { calendars: CalendarStore }) {
  return {
    /**
     * Computes a deadline on the current calendar (run as a local activity: the result is recorded in
     * the history, so replay never depends on a calendar or time-zone rules that changed later).
     */
    async projectDeadline(request: DeadlineProjectionRequest): Promise<DeadlineProjection> {
      const calendar = await deps.calendars.current(DEFAULT_CALENDAR);
      const previous =
        request.previousCalendarVersion !== undefined && request.previousCalendarVersion !== calendar.version
          ? await deps.calendars.get(DEFAULT_CALENDAR, request.previousCalendarVersion)
          : undefined;
      return project(request, calendar, previous);
    },
  };
}
