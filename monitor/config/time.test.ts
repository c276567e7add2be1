/**
 * @module parseContractTime: the fast reading of the common spelling gives exactly what the regular-expression
 * reading gives (the same epoch milliseconds, the same refusals: impossible dates, years 0-99, hours past 23),
 * and the other spellings (spaces after colons, fractions) still read.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contractTimeByPattern, formatContractTime, parseContractTime, parseInferenceTime } from './time.ts';

/** The general reading by regular expression and Date (the oracle of the fast one). */
const byRegex = contractTimeByPattern;

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

describe('parseContractTime', () => {
  it('reads YYYY-MM-DDTHH:MM:SSZ exactly as the regular-expression reading does, valid or not', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 9999 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
        fc.integer({ min: 0, max: 25 }),
        fc.integer({ min: 0, max: 61 }),
        fc.integer({ min: 0, max: 61 }),
        (y, mo, d, h, mi, s) => {
          const text = `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}T${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}Z`;
          expect(parseContractTime(text)).toBe(byRegex(text));
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('agrees on leap days, century years, the years 0-99 and strings one character off the shape', () => {
    const cases = ['2024-02-29T00:00:00Z', '2023-02-29T00:00:00Z', '1900-02-29T12:00:00Z', '2000-02-29T12:00:00Z', '0099-01-01T00:00:00Z', '0100-01-01T00:00:00Z', '2024-04-31T00:00:00Z', '2024-12-31T23:59:59Z', '2024-05-06T24:00:00Z', '2024-05-06T22:00:00z', '2024-05-06 22:00:00Z', '2024-05-06T22:00:0aZ', '+024-05-06T22:00:00Z'];
    for (const text of cases) expect(parseContractTime(text), text).toBe(byRegex(text));
    expect(parseContractTime('2024-02-29T00:00:00Z')).toBe(Date.UTC(2024, 1, 29));
    expect(parseContractTime('2023-02-29T00:00:00Z')).toBeUndefined();
  });

  it('reads random strings near the shape as the regular-expression reading does', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'0123456789-T:Z .5'.split('')), minLength: 18, maxLength: 24 }), (text) => {
        expect(parseContractTime(text)).toBe(byRegex(text));
      }),
      { numRuns: 3000 },
    );
  });

  it('still reads the documented spelling with spaces after the colons, and fractions of a second', () => {
    expect(parseContractTime('2019-12-01T16: 20: 00Z')).toBe(Date.UTC(2019, 11, 1, 16, 20));
    expect(parseContractTime('2024-05-06T22:00:00.250Z')).toBe(Date.UTC(2024, 4, 6, 22) + 250);
    expect(formatContractTime(parseContractTime('2024-05-06T22:00:00Z')!)).toBe('2024-05-06T22:00:00Z');
  });
});

describe('parseInferenceTime', () => {
  it('reads other ISO-8601 spellings with a zone, and refuses dates and times that do not exist instead of rolling them over', () => {
    expect(parseInferenceTime('2026-02-28T10:00:00+01:00')).toBe(Date.UTC(2026, 1, 28, 9));
    expect(parseInferenceTime('2024-02-29T10:00+0000')).toBe(Date.UTC(2024, 1, 29, 10));
    expect(parseInferenceTime('2026-01-15T10:00:00.250Z')).toBe(Date.UTC(2026, 0, 15, 10, 0, 0, 250));
    for (const bad of ['2026-02-30T10:00:00+01:00', '2025-02-29T10:00+0000', '2026-04-31T00:00:00-05:00', '2026-01-15T24:00+00:00', '2026-01-15T10:60+00:00', '2026-13-01T00:00:00+00:00']) {
      expect(parseInferenceTime(bad), bad).toBeUndefined();
    }
  });
});
