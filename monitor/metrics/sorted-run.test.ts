/**
 * @module Sorted runs against naive implementations.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lowerBound, mergeRuns, runOf } from './sorted-run.ts';

const scores = fc.array(fc.oneof(fc.constantFrom(0, 0.5, 1), fc.double({ min: -10, max: 10, noNaN: true })), {
  maxLength: 60,
});
const sortedRun = (values: number[]) => runOf(Float64Array.from(values).sort());
const histogram = (values: number[]): [number, number][] => {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v + 0, (counts.get(v + 0) ?? 0) + 1);
  return [...counts].sort((a, b) => a[0] - b[0]);
};
const pairs = (run: ReturnType<typeof runOf>): [number, number][] =>
  Array.from(run.scores, (score, i) => [score + 0, run.counts[i]!]);

describe('sorted runs', () => {
  it('runOf counts each distinct score', () => {
    fc.assert(
      fc.property(scores, (values) => {
        expect(pairs(sortedRun(values))).toEqual(histogram(values));
      }),
    );
  });

  it('mergeRuns is the run of the concatenation', () => {
    fc.assert(
      fc.property(scores, scores, (a, b) => {
        expect(pairs(mergeRuns(sortedRun(a), sortedRun(b)))).toEqual(histogram([...a, ...b]));
      }),
    );
  });

  it('lowerBound finds the first value >= target at or after from', () => {
    fc.assert(
      fc.property(scores, fc.double({ min: -11, max: 11, noNaN: true }), fc.nat(), (values, target, start) => {
        const sorted = Float64Array.from(values).sort();
        const from = start % (sorted.length + 1);
        let expected = from;
        while (expected < sorted.length && sorted[expected]! < target) expected++;
        expect(lowerBound(sorted, target, from)).toBe(expected);
      }),
    );
  });
});
