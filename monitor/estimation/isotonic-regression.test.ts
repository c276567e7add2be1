import { describe, expect, it } from 'vitest';
import { fitIsotonic, isotonicMapProblem, poolAdjacentViolators, predictIsotonic } from './isotonic-regression.ts';

describe('fitIsotonic', () => {
  it('pools adjacent violators into their weighted means', () => {
    expect(poolAdjacentViolators([1, 3, 2, 4, 3, 5], [1, 1, 1, 1, 1, 1])).toEqual([1, 2.5, 2.5, 3.5, 3.5, 5]);
    expect(poolAdjacentViolators([3, 2, 1], [1, 1, 2])).toEqual([1.75, 1.75, 1.75]);
    // Equal neighbours pool too (scikit-learn pools when the next value is not greater).
    expect(poolAdjacentViolators([0, 1, 1, 0], [1, 1, 1, 1])).toEqual([0, 2 / 3, 2 / 3, 2 / 3]);
  });

  it('averages the targets of equal scores, then keeps the points where the fitted value changes', () => {
    // Scores 0.1 (targets 0, 1), 0.2 (0), 0.3 (1), 0.4 (1), 0.5 (1): 0.1 and 0.2 pool to 1/3.
    const map = fitIsotonic([0.3, 0.1, 0.2, 0.1, 0.5, 0.4], [1, 0, 0, 1, 1, 1]);
    expect(map).toEqual({ x: [0.1, 0.2, 0.3, 0.5], y: [1 / 3, 1 / 3, 1, 1] });
  });

  it('merges scores closer than 1e-15 into the first of them, as scikit-learn does', () => {
    // {0.5, 0.5 + 6e-16} is one point of target 0.5; 0.5 + 12e-16 starts a new one (target 0), which pools with it.
    // scikit-learn 1.2.1 gives X_thresholds_ [0.5, 0.5000000000000012, 0.7], y_thresholds_ [1/3, 1/3, 1].
    const map = fitIsotonic([0.5, 0.5 + 6e-16, 0.5 + 12e-16, 0.7], [0, 1, 0, 1]);
    expect(map.x).toEqual([0.5, 0.5 + 12e-16, 0.7]);
    expect(map.y).toEqual([1 / 3, 1 / 3, 1]);
  });

  it('drops records of weight 0 and refuses what cannot be fitted', () => {
    expect(fitIsotonic([0.1, 0.2, 0.3], [1, 0, 1], [0, 1, 1])).toEqual({ x: [0.2, 0.3], y: [0, 1] });
    expect(() => fitIsotonic([0.1], [1, 0])).toThrow(/1 scores, 2 targets; expected equal lengths/);
    expect(() => fitIsotonic([NaN], [1])).toThrow(/record 0 has a non-finite score/);
    expect(() => fitIsotonic([0.1], [1], [0])).toThrow(/no record with a positive weight/);
  });
});

describe('predictIsotonic', () => {
  const map = { x: [0.2, 0.4, 0.8], y: [0.1, 0.3, 0.9] };
  it('interpolates between thresholds and clips outside them', () => {
    expect(predictIsotonic(map, 0.3)).toBeCloseTo(0.2, 15);
    expect(predictIsotonic(map, 0.6)).toBeCloseTo(0.6, 15);
    expect(predictIsotonic(map, 0.4)).toBeCloseTo(0.3, 15);
    expect(predictIsotonic(map, -5)).toBe(0.1);
    expect(predictIsotonic(map, 0.2)).toBe(0.1);
    expect(predictIsotonic(map, 7)).toBe(0.9);
    expect(predictIsotonic(map, NaN)).toBeNaN();
  });
  it('is constant for a one-point map', () => {
    expect(predictIsotonic({ x: [0.5], y: [0.25] }, 0.9)).toBe(0.25);
  });
});

describe('isotonicMapProblem', () => {
  it('accepts a fitted map and names what is wrong with a bad one', () => {
    expect(isotonicMapProblem({ x: [0, 1], y: [0.2, 0.8] })).toBeUndefined();
    expect(isotonicMapProblem([1])).toBe('is not an object {"x": [...], "y": [...]}');
    expect(isotonicMapProblem({ x: [0, 1], y: [0.2] })).toBe('has 2 thresholds and 1 values; expected equal, non-zero lengths');
    expect(isotonicMapProblem({ x: [0, 0], y: [0.2, 0.3] })).toBe('has thresholds not strictly increasing at 1');
    expect(isotonicMapProblem({ x: [0, 1], y: [0.3, 0.2] })).toBe('has values decreasing at 1');
    expect(isotonicMapProblem({ x: [0, 1], y: [0.3, 1.2] })).toBe('has value 1.2 at 1, outside [0, 1]');
    expect(isotonicMapProblem({ x: [0, '1'], y: [0.3, 0.4] })).toBe('has a non-numeric entry at 1');
  });
});
