/**
 * @module EventBridge Scheduler's context attributes: keywords that Scheduler replaces in a target's Input each time
 * the schedule fires. Input cannot compute with them (no "scheduled time minus one hour"), so the processing job gets
 * the scheduled time itself and the monitor derives its window from it.
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule-context-attributes.html
 */

/** The time the schedule was due, e.g. 2024-05-02T13:00:00Z (YYYY-MM-DDTHH:MM:SSZ, the monitor's time format). */
export const SCHEDULED_TIME = '<aws.scheduler.scheduled-time>';
/** A unique id per attempted invocation, e.g. d32c5kddcf5bb8c3: makes each processing job name unique. */
export const EXECUTION_ID = '<aws.scheduler.execution-id>';

/** Replaces the context attributes the way Scheduler does at run time; tests use it to see what a run receives. */
export function substituteContext(text: string, values: { scheduledTime: string; executionId: string }): string {
  return text.replaceAll(SCHEDULED_TIME, values.scheduledTime).replaceAll(EXECUTION_ID, values.executionId);
}
