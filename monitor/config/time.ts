/**
 * @module Parsing of the contract's timestamps (start_time, end_time, metric_time).
 */

// The contract's format is YYYY-MM-DDTHH:MM:SSZ; fractional seconds are accepted too. The AWS documentation's own
// example carries spaces after the colons ("2019-12-01T16: 20: 00Z"), so white space is dropped first.
const ISO_UTC = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?Z$/;

/** Parses a contract timestamp into epoch milliseconds, or undefined when it is not one. */
export function parseContractTime(raw: string): number | undefined {
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
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(raw)) return undefined;
  const ms = Date.parse(raw);
  return Number.isFinite(ms) ? ms : undefined;
}
