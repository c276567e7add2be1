/**
 * @module SageMaker's groundTruthData {"data", "encoding"}: one label, or one label per record of the request.
 */
import { describe, expect, it } from 'vitest';
import { decodeGroundTruthData } from './ground-truth-data.ts';

const labels = (value: unknown) => {
  const m = decodeGroundTruthData(value);
  return m instanceof Map ? [...m.entries()] : m;
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
    // The base64 check is linear: 200,000 line breaks and a bad character took about 25 s with the old pattern.
    expect(labels({ data: `A${'\n'.repeat(200_000)}!`, encoding: 'BASE64' })).toEqual({ problem: 'groundTruthData.data is not valid base64' });
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

  it('returns undefined for objects without data: missing or empty data', () => {
    expect(labels(undefined)).toBeUndefined();
    expect(labels({ encoding: 'CSV' })).toBeUndefined();
    expect(labels({ data: '  ', encoding: 'CSV' })).toBeUndefined();
  });

  it('says why data cannot be decoded: invalid JSON with encoding JSON, text that is not base64 (Buffer.from skips it)', () => {
    expect(labels({ data: '[1,', encoding: 'JSON' })).toEqual({ problem: 'groundTruthData.data is not valid JSON (its encoding is JSON)' });
    expect(labels({ data: '!!!notbase64', encoding: 'BASE64' })).toEqual({ problem: 'groundTruthData.data is not valid base64' });
    // The base64 check is linear: 200,000 line breaks and a bad character took about 25 s with the old pattern.
    expect(labels({ data: `A${'\n'.repeat(200_000)}!`, encoding: 'BASE64' })).toEqual({ problem: 'groundTruthData.data is not valid base64' });
    expect(labels({ data: Buffer.from('1\n0').toString('base64'), encoding: 'BASE64' })).toEqual([
      [0, '1'],
      [1, '0'],
    ]);
  });
});
