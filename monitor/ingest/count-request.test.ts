/**
 * @module Counting the records of a request, by shape: the count must match the response's predictions, so a wrong
 * count drops a good record (count_mismatch) and a missing count lets a short response shift labels.
 */
import { describe, expect, it } from 'vitest';
import { countRequestRecords } from './count-request.ts';
import { RecordProblem } from './input-errors.ts';

const json = (value: unknown) => countRequestRecords({ kind: 'json', text: typeof value === 'string' ? value : JSON.stringify(value) }).counts;

describe('countRequestRecords', () => {
  it("counts the seed's JSON array of feature objects", () => {
    expect(json([{ Elevation: 2596 }, { Elevation: 2590 }])).toEqual([2]);
  });

  it('counts an array of arrays', () => {
    expect(json([[1, 2], [3, 4], [5, 6]])).toEqual([3]);
  });

  it('counts pandas orient=list columns by their length', () => {
    expect(json({ f1: [1, 3, 5], f2: [2, 4, 6] })).toContain(3);
  });

  it('counts pandas orient=dict (the default to_dict) by the index keys', () => {
    expect(json({ f1: { 0: 1, 1: 3 }, f2: { 0: 2, 1: 4 } })).toContain(2);
  });

  it('counts inside {"instances": [...]} and {"inputs": ...}', () => {
    expect(json({ instances: [{ features: [1, 2] }, { features: [3, 4] }] })).toEqual([2]);
    expect(json({ inputs: { f1: [1, 3, 5], f2: [2, 4, 6] } })).toContain(3);
    expect(json({ inputs: [[1], [2]] })).toEqual([2]);
  });

  it('accepts either count for a flat array of scalars (one feature vector, or one scalar per record)', () => {
    expect(json({ instances: [1.0, 2.0, 5.0] })).toEqual([3, 1]);
  });

  // A single record whose fields are arrays ({"features": [...]}, or an NLP model's input_ids + attention_mask) reads
  // exactly like orient=list columns; counted only as n records, its one prediction was dropped as count_mismatch.
  it('accepts one record for columnar-looking objects, which may be a single record with array fields', () => {
    expect(json({ features: [1, 2, 3] })).toEqual([3, 1]);
    expect(json({ input_ids: [101, 2023, 102], attention_mask: [1, 1, 1] })).toEqual([3, 1]);
    expect(json({ customer: { age: 30, income: 5 } })).toEqual([2, 1]);
  });

  it('counts one record for a plain object of scalars', () => {
    expect(json({ Elevation: 2596, Aspect: 51 })).toEqual([1]);
  });

  it('counts a columnar object whose columns disagree as one record', () => {
    expect(json({ f1: [1, 2], f2: [3] })).toEqual([1]);
  });

  it('counts the non-empty lines of CSV and JSON Lines, CRLF and a missing final newline included', () => {
    expect(countRequestRecords({ kind: 'csv', text: '1,2\r\n3,4\r\n\r\n5,6' }).counts).toEqual([3]);
    expect(countRequestRecords({ kind: 'jsonlines', text: '{"a":1}\n{"a":2}\n' }).counts).toEqual([2]);
  });

  it('throws a RecordProblem for a JSON request that is not JSON', () => {
    expect(() => json('{"a":')).toThrow(RecordProblem);
    try {
      json('{"a":');
    } catch (error) {
      expect((error as RecordProblem).reason).toBe('undecodable_payload');
    }
  });
});
