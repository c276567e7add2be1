/**
 * @module The distance behind the "did you mean" hints.
 */
import { describe, expect, it } from 'vitest';
import { editDistance } from './edit-distance.ts';

describe('editDistance', () => {
  it.each([
    ['from', 'from', 0],
    ['form', 'from', 1], // two neighbours swapped: one edit
    ['evalute', 'evaluate', 1],
    ['rolup', 'rollup', 1],
    ['MPM_SEDE', 'MPM_SEED', 1],
    ['expected-record', 'expected-records', 1],
    ['abc', 'cba', 2],
    ['kitten', 'sitting', 3],
  ])('%s to %s is %i', (a, b, d) => {
    expect(editDistance(a, b, 5)).toBe(d);
    expect(editDistance(b, a, 5)).toBe(d);
  });

  it('stops past the limit, saying limit + 1', () => {
    expect(editDistance('kitten', 'sitting', 1)).toBe(2);
    expect(editDistance('a', 'abcdef', 2)).toBe(3);
  });
});
