/**
 * @module Time on the history page: UTC ticks at round steps (minutes to months) and the labels of windows. Every
 * time shown is UTC and says so.
 */

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** 1970-01-01 was a Thursday: week ticks fall on Mondays. */
const MONDAY = 4 * DAY;
const STEPS = [5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE, HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY, 14 * DAY];
/** Longer spans tick at the first of every 1, 3, 6 or 12 months (a step of 28 days or more means months). */
const MONTH_STEPS = [1, 3, 6, 12];
const MONTH = 28 * DAY;

/** Round UTC times within [start, end], at most about `maxTicks` of them, and the step between them. */
export function timeTicks(start: number, end: number, maxTicks = 8): { ticks: number[]; step: number } {
  if (!(end > start)) return { ticks: [start], step: HOUR };
  const span = end - start;
  const step = STEPS.find((s) => span / s <= maxTicks);
  const ticks: number[] = [];
  if (step !== undefined) {
    const origin = step >= 7 * DAY ? MONDAY : 0;
    for (let t = Math.ceil((start - origin) / step) * step + origin; t <= end; t += step) ticks.push(t);
    return { ticks, step };
  }
  const months = MONTH_STEPS.find((m) => span / (m * 30.44 * DAY) <= maxTicks) ?? Math.ceil(span / (maxTicks * 365.25 * DAY)) * 12;
  // Month starts at or after `start` whose month number (counted from year 0) is a multiple of `months`.
  const d = new Date(start);
  let index = d.getUTCFullYear() * 12 + d.getUTCMonth();
  if (Date.UTC(d.getUTCFullYear(), d.getUTCMonth()) < start) index++;
  index = Math.ceil(index / months) * months;
  for (let t = Date.UTC(Math.floor(index / 12), index % 12); t <= end; index += months, t = Date.UTC(Math.floor(index / 12), index % 12)) ticks.push(t);
  return { ticks, step: months * MONTH };
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** "2026-01-15" */
export function formatDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** "2026-01-15 08:00" (seconds only when not zero). */
export function formatTime(ms: number): string {
  const d = new Date(ms);
  const seconds = d.getUTCSeconds() !== 0 || d.getUTCMilliseconds() !== 0 ? `:${pad(d.getUTCSeconds())}` : '';
  return `${formatDay(ms)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}${seconds}`;
}

/** A tick label: the time of day below a day's step (the date at midnight), else the date. */
export function formatTick(ms: number, step: number): string {
  const d = new Date(ms);
  if (step >= MONTH) return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}`;
  if (step >= DAY || ms % DAY === 0) return `${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** "2026-01-15 08:00–09:00" within a day (an end at midnight reads 24:00), else "2026-01-15 08:00 – 2026-01-16 08:00". */
export function formatWindow(start: number, end: number): string {
  const a = formatTime(start);
  if (end > start && end - start <= DAY && formatDay(start) === formatDay(end - 1)) return `${a}–${end % DAY === 0 ? '24:00' : formatTime(end).slice(11)}`;
  return `${a} – ${formatTime(end)}`;
}
