/**
 * @module Stored labels mean what the response's labels meant: for any label candidate, score, vector and settings,
 * interpreting the stored form gives the same prediction (or the same problem) as interpreting the original.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecordProblem } from '../ingest/input-errors.ts';
import { interpretPrediction, negativeLabelFor, type InterpretOptions } from '../ingest/interpret-prediction.ts';
import { loadLabel, storeLabel } from './prediction-schema.ts';

function outcome(fn: () => unknown): unknown {
  try {
    return { ok: fn() };
  } catch (error) {
    if (error instanceof RecordProblem) return { problem: error.reason, detail: error.detail };
    throw error;
  }
}

const labelCandidate = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.string(),
  fc.constantFrom('007', ' 1 ', '1.0', '-0', '0x10', '1e3', 'true', 'Yes', '', '  ', '0.25', 'NaN', 'Infinity'),
  fc.double(),
  fc.integer({ min: -5, max: 5 }),
  fc.constantFrom(0, -0, 1, 0.5, 0.9999, 1e21, 5e-324, Infinity, -Infinity, NaN),
  fc.boolean(),
  fc.constant({ nested: 1 }),
  fc.constant(['a', 'b']),
);
const score = fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined });
const vector = fc.option(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 4 }), { nil: undefined });
const settings = fc.record({
  problemType: fc.constantFrom('BinaryClassification', 'MulticlassClassification', 'Regression') as fc.Arbitrary<InterpretOptions['problemType']>,
  threshold: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
  positiveLabel: fc.constantFrom('1', 'yes', 'true', '0'),
  binaryScore: fc.constantFrom(undefined, 'positive', 'predicted') as fc.Arbitrary<InterpretOptions['binaryScore']>,
});

describe('stored labels', () => {
  it('interpret exactly as the response label did, for every problem type and setting', () => {
    fc.assert(
      fc.property(labelCandidate, score, vector, settings, (label, s, v, o) => {
        const options: InterpretOptions = { ...o, negativeLabel: negativeLabelFor(o.positiveLabel) };
        const stored = storeLabel(label);
        const back = loadLabel(stored.text, stored.type);
        expect(outcome(() => interpretPrediction(3, back, s, v, options))).toEqual(outcome(() => interpretPrediction(3, label, s, v, options)));
      }),
      { numRuns: 5000 },
    );
  });

  it('keep strings as the response gave them, numbers as numbers and booleans as booleans', () => {
    expect(storeLabel('007')).toEqual({ text: '007', type: 'string' });
    expect(storeLabel(' 1 ')).toEqual({ text: ' 1 ', type: 'string' });
    expect(storeLabel(7)).toEqual({ text: '7', type: 'number' });
    expect(storeLabel(-0)).toEqual({ text: '-0', type: 'number' });
    expect(Object.is(loadLabel('-0', 'number'), -0)).toBe(true);
    expect(storeLabel(true)).toEqual({ text: 'true', type: 'boolean' });
    expect(loadLabel('true', 'boolean')).toBe(true);
    expect(storeLabel(null)).toEqual({ text: 'null', type: 'other' });
    expect(storeLabel({ a: 1 })).toEqual({ text: '{"a":1}', type: 'other' });
    expect(loadLabel('{"a":1}', 'other')).toBeNull();
    expect(storeLabel(undefined)).toEqual({ text: null, type: null });
    expect(loadLabel(null, null)).toBeUndefined();
  });
});
