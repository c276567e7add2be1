/**
 * @module Where a stored hour lives: `{store}/{endpoint}/{variant}/yyyy/mm/dd/hh/`, holding one Parquet part per
 * writer (`part-{writer}-{run}.parquet`) and `manifest.json`, written last, which defines the hour. Windows are
 * hour-aligned for the store: a window whose start or end is not a whole UTC hour is refused before anything is read
 * (a split hour would be replaced by the next write of the same hour, since a rerun replaces; refusing keeps "a
 * stored hour" meaning the whole hour).
 */
import { randomBytes } from 'node:crypto';
import { ConfigError, showValue } from '../errors.ts';
import { formatContractTime } from '../config/time.ts';

export const HOUR_MS = 3_600_000;

/** The file that defines a stored hour. */
export const MANIFEST_FILE = 'manifest.json';

/** SageMaker's default variant name, used when capture paths do not name one. */
export const DEFAULT_VARIANT = 'AllTraffic';

/** One stored hour of one endpoint variant. */
export interface HourAddress {
  endpoint: string;
  variant: string;
  /** Start of the hour, epoch milliseconds (a whole UTC hour). */
  hour: number;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** The hour that contains `time` (epoch ms). */
export function hourOf(time: number): number {
  return Math.floor(time / HOUR_MS) * HOUR_MS;
}

/** The folder of a stored hour, relative to the store's root. */
export function hourFolder(a: HourAddress): string {
  const d = new Date(a.hour);
  return `${a.endpoint}/${a.variant}/${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/${pad(d.getUTCHours())}`;
}

/** The manifest's path, relative to the store's root. */
export function manifestPath(a: HourAddress): string {
  return `${hourFolder(a)}/${MANIFEST_FILE}`;
}

/** A run id: the write time and a random part, so every write of an hour has parts of its own names. */
export function newRunId(now: Date): string {
  return `${now.toISOString().slice(0, 19).replace(/[-:]/g, '')}Z-${randomBytes(4).toString('hex')}`;
}

/** The name of one writer's part of an hour. */
export function partFileName(writerId: string, runId: string): string {
  return `part-${writerId}-${runId}.parquet`;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Checks a value used as one folder or file-name segment of the store (endpoint, variant, writer id): SageMaker's
 * endpoint and variant names are letters, digits and hyphens; dots and underscores are allowed for local use.
 *
 * @throws ConfigError naming `what` and the value.
 */
export function checkSegment(value: string, what: string): void {
  if (!NAME.test(value) || value.length > 128) {
    throw new ConfigError(`config: ${what} ${showValue(value)} cannot name a prediction-store folder; expected letters, digits, ".", "_" and "-" (at most 128, starting with a letter or digit)`);
  }
}

/** The most hours one window, evaluate call or roll-up may span: a leap year and a day (8,784 hours). */
export const MAX_STORE_HOURS = 8_784;

/** Whether `time` is a whole UTC hour. */
export function isWholeHour(time: number): boolean {
  return time % HOUR_MS === 0;
}

/**
 * The hours a window covers, checking that it is hour-aligned: [] when the window is open at either end (the
 * hours are then those of the records), else every hour from start to end.
 *
 * @throws ConfigError when start or end is not a whole UTC hour, or end is not after start.
 */
export function hoursOfWindow(window: { start?: number; end?: number }): number[] {
  for (const [name, time] of [
    ['start_time', window.start],
    ['end_time', window.end],
  ] as const) {
    if (time !== undefined && !isWholeHour(time)) {
      throw new ConfigError(
        `config: the prediction store keeps whole hours, but ${name} ${showValue(formatContractTime(time))} is not a whole UTC hour; ` +
          'expected a window whose start_time and end_time are whole hours (as the hourly Model Monitor schedule gives), ' +
          'or run without MPM_PREDICTION_STORE',
      );
    }
  }
  if (window.start === undefined || window.end === undefined) return [];
  if (window.end <= window.start) {
    throw new ConfigError(`config: end_time ${showValue(formatContractTime(window.end))} is not after start_time ${showValue(formatContractTime(window.start))}; expected a window of at least one hour`);
  }
  // Checked before any list is built: a window from 1970 to 9999 would be 70 million hours (and manifests).
  const count = (window.end - window.start) / HOUR_MS;
  if (count > MAX_STORE_HOURS) {
    throw new ConfigError(
      `config: the window from start_time ${showValue(formatContractTime(window.start))} to end_time ${showValue(formatContractTime(window.end))} is ${count} hours; ` +
        `expected at most ${MAX_STORE_HOURS} hours (a year and a day) with the prediction store, which keeps one folder per hour`,
    );
  }
  const hours: number[] = [];
  for (let h = window.start; h < window.end; h += HOUR_MS) hours.push(h);
  return hours;
}

/** An hour as the contract writes times (2024-05-06T21:00:00Z). */
export function formatHour(hour: number): string {
  return formatContractTime(hour);
}
