/**
 * Issue 19: the exact score histogram is bounded. Above its limit of (score, code) pairs the scores are floored to
 * the finest grid 2^-g at which they fit; the grid and every count depend only on the data, so any split into parts
 * merged in any order ranks exactly as one pass; the auc stays within the error bound rank() reports of the exact
 * auc; states keep their grid; below the limit nothing changes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ScoreHistogram } from './score-histogram.ts';

type Scored = { score: number; positive: boolean; mask: number };

const scored = fc.record({
  score: fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.constantFrom(0, 0.5, 1)),
  positive: fc.boolean(),
  mask: fc.nat(31),
});

function histogram(records: Scored[], limit: number): ScoreHistogram {
  const h = new ScoreHistogram(limit);
  for (const r of records) h.add(r.score, r.positive, r.mask);
  return h;
}

/** What rank() gives, as text (every sum of every state, the full curve, the grid and the bound). */
function ranked(h: ScoreHistogram): string {
  const r = h.rank();
  return JSON.stringify({
    auc: r.sums.map((s) => [s.auc(), s.averagePrecision()]),
    full: [Array.from(r.full.thresholds), Array.from(r.full.tps), Array.from(r.full.fps)],
    grid: r.gridBits,
    bound: r.aucErrorBound,
    distinct: r.distinctCount,
  });
}

describe('ScoreHistogram above its bound', () => {
  it('any split into 2-8 parts, merged in any order (through states), ranks as one pass', () => {
    fc.assert(
      fc.property(
        fc.array(scored, { maxLength: 600 }),
        fc.integer({ min: 128, max: 300 }),
        fc.integer({ min: 2, max: 8 }).chain((n) => fc.tuple(fc.array(fc.nat(n - 1), { minLength: 600, maxLength: 600 }), fc.shuffledSubarray([...Array(n).keys()], { minLength: n }))),
        (records, limit, [partOf, order]) => {
          const parts = order.map(() => new ScoreHistogram(limit));
          records.forEach((r, i) => parts[partOf[i]!]!.add(r.score, r.positive, r.mask));
          const loaded = order.map((i) => ScoreHistogram.load(parts[i]!.save(), limit));
          const merged = loaded[0]!;
          for (const part of loaded.slice(1)) merged.addFrom(part);
          expect(ranked(merged)).toBe(ranked(histogram(records, limit)));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('keeps at most the limit, and the auc within the reported bound of the exact auc', () => {
    fc.assert(
      fc.property(fc.array(scored, { minLength: 50, maxLength: 3000 }), fc.integer({ min: 128, max: 600 }), (records, limit) => {
        const exact = histogram(records, 1 << 30).rank();
        const bounded = histogram(records, limit);
        const saved = bounded.save();
        expect((saved.arrays.scores as Float64Array).length).toBeLessThanOrEqual(limit);
        const r = bounded.rank();
        const [a, b] = [exact.sums[0]!.auc(), r.sums[0]!.auc()];
        if (a === undefined || b === undefined) return;
        expect(Math.abs(a - b)).toBeLessThanOrEqual(r.aucErrorBound + 1e-12);
        if (r.gridBits === null) {
          expect(b).toBe(a);
          expect(r.aucErrorBound).toBe(0);
        } else expect(exact.distinctCount).toBeGreaterThan(r.distinctCount);
      }),
      { numRuns: 150 },
    );
  });

  it('below the limit: exact, no grid; a grid survives save and load; an off-grid state is refused', () => {
    const records = Array.from({ length: 5000 }, (_, i) => ({ score: ((i * 7919) % 5000) / 4999 + 1e-9 * (i % 3), positive: i % 3 === 0, mask: i % 32 }));
    const exact = histogram(records, 1 << 20);
    expect(() => new ScoreHistogram(127)).toThrow(RangeError);
    expect(exact.rank().gridBits).toBeNull();
    expect(exact.save().meta).toEqual({ grid_bits: null });
    const bounded = histogram(records, 1000);
    const state = bounded.save();
    const bits = (state.meta as { grid_bits: number }).grid_bits;
    expect(typeof bits).toBe('number');
    expect(bits).toBeLessThanOrEqual(30);
    expect(ranked(ScoreHistogram.load(state, 1000))).toBe(ranked(bounded));
    const scores = (state.arrays.scores as Float64Array).slice();
    scores[0] = scores[0]! + 2 ** -(bits + 2);
    expect(() => ScoreHistogram.load({ ...state, arrays: { ...state.arrays, scores } }, 1000)).toThrow(/off its grid/);
    // A version-1 state (before the bound) reads as exact.
    expect(ScoreHistogram.load({ ...exact.save(), version: 1, meta: null }).rank().gridBits).toBeNull();
  });
});
