/**
 * @module SageMaker's groundTruthData {"data", "encoding"}: one label, or one label per record of the request.
 */
import { describe, expect, it } from 'vitest';
import { decodeGroundTruthData } from './ground-truth-data.ts';

const labels = (value: unknown) => {
  const m = decodeGroundTruthData(value);
  return m === undefined ? undefined : [...m.entries()];
};

describe('decodeGroundTruthData', () => {
  it('reads one CSV label as payload index 0 (the documented form)', () => {
    expect(labels({ data: '1', encoding: 'CSV' })).toEqual([[0, '1']]);
    expect(labels({ data: ' 136.48\n', encoding: 'CSV' })).toEqual([[0, '136.48']]);
  });

  it('reads one label per CSV line, CRLF included, as payload indexes 0..n-1', () => {
    expect(labels({ data: '2\r\n0\r\n1', encoding: 'CSV' })).toEqual([
      [0, '2'],
      [1, '0'],
      [2, '1'],
    ]);
  });

  it('reads one line of comma-separated labels as one label per record', () => {
    expect(labels({ data: '1,0,2', encoding: 'CSV' })).toEqual([
      [0, '1'],
      [1, '0'],
      [2, '2'],
    ]);
  });

  it('reads a JSON array, as text or as a value, and a single JSON value', () => {
    expect(labels({ data: '[2, 0]', encoding: 'JSON' })).toEqual([
      [0, '2'],
      [1, '0'],
    ]);
    expect(labels({ data: ['yes', 'no'] })).toEqual([
      [0, 'yes'],
      [1, 'no'],
    ]);
    expect(labels({ data: '"cat"', encoding: 'JSON' })).toEqual([[0, 'cat']]);
    expect(labels({ data: 7 })).toEqual([[0, '7']]);
  });

  it('decodes BASE64 data', () => {
    expect(labels({ data: Buffer.from('1\n0').toString('base64'), encoding: 'BASE64' })).toEqual([
      [0, '1'],
      [1, '0'],
    ]);
  });

  it('strips CSV quotes', () => {
    expect(labels({ data: '"a"\n"b"', encoding: 'CSV' })).toEqual([
      [0, 'a'],
      [1, 'b'],
    ]);
  });

  it('returns undefined for unusable objects: missing or empty data, invalid JSON with encoding JSON', () => {
    expect(labels(undefined)).toBeUndefined();
    expect(labels({ encoding: 'CSV' })).toBeUndefined();
    expect(labels({ data: '  ', encoding: 'CSV' })).toBeUndefined();
    expect(labels({ data: '[1,', encoding: 'JSON' })).toBeUndefined();
  });
});
