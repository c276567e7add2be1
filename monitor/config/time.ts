/**
 * @module Parsing of the contract's timestamps (start_time, end_time, metric_time).
 */

// The contract's format is YYYY-MM-DDTHH:MM:SSZ; fractional seconds are accepted too. The AWS documentation's own
// example carries spaces after the colons ("2019-12-01T16: 20: 00Z"), so white space is dropped first.
const ISO_UTC = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?Z$/;

/** Days in each month of a common year. */
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Whether the fields name a real day and time of day (no 2024-02-30, no 24:00); a negative field is not one. */
function isCalendarTime(y: number, mo: number, d: number, h: number, mi: number, sec: number): boolean {
  if (mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59) return false;
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  return d <= MONTH_DAYS[mo - 1]! + (mo === 2 && leap ? 1 : 0);
}

/** The two ASCII digits at s[i], s[i+1] as a number, or -1. */
function twoDigits(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * The common spelling YYYY-MM-DDTHH:MM:SSZ (every capture line's inferenceTime) read without a regular expression
 * or a Date; undefined for any other text (parseContractTime's general path reads it then), never a different value.
 */
function plainContractTime(s: string): number | undefined {
  if (s.length !== 20 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58 || s.charCodeAt(19) !== 90) return undefined;
  const c = twoDigits(s, 0);
  const yy = twoDigits(s, 2);
  const mo = twoDigits(s, 5);
  const d = twoDigits(s, 8);
  const h = twoDigits(s, 11);
  const mi = twoDigits(s, 14);
  const sec = twoDigits(s, 17);
  if (c < 0 || yy < 0) return undefined;
  const y = c * 100 + yy;
  if (!isCalendarTime(y, mo, d, h, mi, sec)) return undefined;
  // Date.UTC reads years 0-99 as 1900-1999; the general path refuses them, and so does this one (by leaving them to it).
  return y < 100 ? undefined : Date.UTC(y, mo - 1, d, h, mi, sec);
}

/** Parses a contract timestamp into epoch milliseconds, or undefined when it is not one. */
export function parseContractTime(raw: string): number | undefined {
  return plainContractTime(raw) ?? contractTimeByPattern(raw);
}

/** parseContractTime by regular expression and Date: every spelling the contract allows (the general path). */
export function contractTimeByPattern(raw: string): number | undefined {
  const text = raw.replace(/\s+/g, '');
  const m = ISO_UTC.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s) + (m[7] ? Math.floor(Number(m[7]) * 1000) : 0);
  const back = new Date(ms);
  // Rejects 2024-02-30 and 25:00:00, which Date.UTC would roll over.
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return undefined;
  if (back.getUTCHours() !== h || back.getUTCMinutes() !== mi || back.getUTCSeconds() !== s) return undefined;
  return ms;
}

/** Formats epoch milliseconds as YYYY-MM-DDTHH:MM:SSZ. */
export function formatContractTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Parses an inferenceTime from a capture record: the contract's format, or any ISO-8601 date-time with a zone.
 * Returns undefined when it cannot be read.
 */
export function parseInferenceTime(raw: unknown): number | undefined {
  if (typeof raw !== 'string') return undefined;
  const strict = parseContractTime(raw);
  if (strict !== undefined) return strict;
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(:(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.exec(raw);
  if (m === null) return undefined;
  // Date.parse rolls 2026-02-30 over into March and 24:00 into the next day: a date that is not one is unreadable.
  const [y, mo, d, h, mi] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as [number, number, number, number, number];
  if (!isCalendarTime(y, mo, d, h, mi, m[7] === undefined ? 0 : Number(m[7]))) return undefined;
  const ms = Date.parse(raw);
  return Number.isFinite(ms) ? ms : undefined;
}
