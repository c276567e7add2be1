import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEstimator } from './create-estimator.ts';
import { ScoreCounts } from './score-counts.ts';
import { createSeededRandom } from './seeded-random.ts';

const runOf = (counts: ScoreCounts) => {
  const { scores, counts: c } = counts.run();
  return { scores: [...scores], counts: [...c], grid: counts.gridBits };
};

describe('ScoreCounts', () => {
  it('keeps every distinct score up to its limit, exactly', () => {
    const counts = new ScoreCounts(8);
    for (const x of [0.5, 0.25, 0.5, -0, 0, 1]) counts.add(x);
    expect(runOf(counts)).toEqual({ scores: [0, 0.25, 0.5, 1], counts: [2, 1, 2, 1], grid: null });
  });

  it('past its limit floors the scores to the finest grid that fits, the same grid and counts for any split merged through save and load', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 400 }), fc.array(fc.nat(), { maxLength: 4 }), (scores, cuts) => {
        const whole = new ScoreCounts(16);
        for (const x of scores) whole.add(x);
        const ends = [...[...new Set(cuts.map((c) => (scores.length === 0 ? 0 : c % scores.length)))].sort((a, b) => a - b), scores.length];
        const merged = new ScoreCounts(16);
        ends.forEach((end, i) => {
          const part = new ScoreCounts(16);
          for (const x of scores.slice(i === 0 ? 0 : ends[i - 1], end)) part.add(x);
          merged.merge(ScoreCounts.load(part.save(), 16));
        });
        const w = runOf(whole);
        expect(runOf(merged)).toEqual(w);
        expect(w.scores.length).toBeLessThanOrEqual(16);
        expect(w.counts.reduce((a, b) => a + b, 0)).toBe(scores.length);
        // The grid is the finest that fits: one bit finer would hold more than the limit.
        if (w.grid !== null && w.grid < 30) expect(new Set(scores.map((x) => Math.floor(x * 2 ** (w.grid! + 1)))).size).toBeGreaterThan(16);
      }),
      { numRuns: 200 },
    );
  });

  it('reads a state written before the bound (version 1, exact), and refuses a grid it cannot hold', () => {
    const v1 = { kind: 'estimation.score-counts', version: 1, meta: null, arrays: { scores: Float64Array.of(0.1, 0.7), counts: Float64Array.of(2, 3) } };
    expect(runOf(ScoreCounts.load(v1))).toEqual({ scores: [0.1, 0.7], counts: [2, 3], grid: null });
    expect(() => ScoreCounts.load({ ...v1, version: 2, meta: { grid_bits: 40 } })).toThrow('invalid grid 40');
    expect(() => ScoreCounts.load({ ...v1, version: 2, meta: { grid_bits: 2 } })).toThrow('scores off its grid');
  });
});

describe('the binary estimate past MAX_SCORE_ENTRIES distinct scores', () => {
  it('keeps its state bounded and says the grid and a bound its auc keeps to', () => {
    const random = createSeededRandom(11);
    const estimator = createEstimator({ problemType: 'BinaryClassification', positiveLabel: '1', negativeLabel: '0' })!;
    const n = (1 << 20) + 150_000;
    const scores = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const score = random.next();
      scores[i] = score;
      estimator.add({ label: score >= 0.5 ? '1' : '0', score });
    }
    const result = estimator.result();
    expect(result.score_approximation).toMatchObject({ max_score_entries: 1 << 20 });
    const state = estimator.save();
    const arrays = state.parts!.scores!.arrays;
    expect((arrays.scores as Float64Array).length).toBeLessThanOrEqual(1 << 20);
    // The exact expected auc (no calibration: a score is P(positive)), from the scores sorted.
    scores.sort();
    let negativesBelow = 0;
    let sum = 0;
    let positives = 0;
    for (const p of scores) {
      sum += p * negativesBelow;
      negativesBelow += 1 - p;
      positives += p;
    }
    const exact = sum / (positives * (n - positives));
    const { auc_error_bound: bound } = result.score_approximation!;
    expect(bound).toBeGreaterThan(0);
    expect(bound).toBeLessThan(1e-5);
    expect(Math.abs(result.metrics.auc!.value - exact)).toBeLessThanOrEqual(bound + 1e-12);
  });
});
