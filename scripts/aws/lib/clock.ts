/**
 * @module The clock of a run: --now when given (tests, golden files), else the real time. Scripts read the time
 * only through here, so one flag makes their output deterministic.
 */
import { UsageError } from './errors.ts';

/** The --now flag, shared by the scripts that use the clock. */
export const NOW_OPTION = {
  now: {
    type: 'string',
    describe: 'Use this time (ISO-8601, e.g. 2024-05-02T13:20:00Z) instead of the clock: reproducible output',
  },
} as const;

/** Parses --now (any ISO-8601 date-time with a zone), or returns the current time when absent. */
export function resolveNow(flag: string | undefined): Date {
  if (flag === undefined) return new Date();
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(flag) || Number.isNaN(Date.parse(flag))) {
    throw new UsageError(`--now: ${JSON.stringify(flag)} is not an ISO-8601 time with a zone; expected e.g. 2024-05-02T13:20:00Z`);
  }
  return new Date(flag);
}

/** yyyy/mm/dd/hh of a time in UTC: the hour folder of capture and ground truth. */
export function hourPath(time: Date): string {
  const iso = time.toISOString();
  return `${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}/${iso.slice(11, 13)}`;
}

/** 20240502T132000Z: a compact UTC stamp, usable in ids and file names. */
export function compactStamp(time: Date): string {
  return time.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}
