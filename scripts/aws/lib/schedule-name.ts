/**
 * @module The schedule name the describe and delete scripts act on: --schedule-name, or the default that the
 * create scripts derive from --endpoint-name.
 */
import { UsageError } from './errors.ts';

/** Options naming a schedule directly or through its endpoint. */
export const SCHEDULE_NAME_OPTIONS = {
  'schedule-name': { type: 'string', describe: 'Schedule name' },
  'endpoint-name': { type: 'string', describe: 'Endpoint name: the schedule is {endpoint-name}-mpm (the create scripts\' default)' },
} as const;

/** --schedule-name, else {endpoint-name}-mpm; one of them is required. */
export function scheduleNameFrom(args: { 'schedule-name'?: string; 'endpoint-name'?: string }): string {
  const name = args['schedule-name'] ?? (args['endpoint-name'] ? `${args['endpoint-name']}-mpm` : undefined);
  if (!name) throw new UsageError('--schedule-name or --endpoint-name is required');
  return name;
}
