/**
 * @module Curve downsampling keeps both ends and at most maxCurvePoints points; the AUCs stay exact.
 */
import { describe, expect, it } from 'vitest';
import { createAccumulator } from './create-accumulator.ts';
import { downsampleIndices } from './downsample.ts';
import type { ModelQualityResult } from './types.ts';

function manyScores(maxCurvePoints: number): ModelQualityResult {
  const accumulator = createAccumulator({ problemType: 'BinaryClassification', maxCurvePoints });
  for (let i = 0; i < 5000; i++) {
    const actual = i % 3 === 0 ? '1' : '0';
    accumulator.update({ actual, predicted: '0', score: ((i * 7919) % 5000) / 5000 + (actual === '1' ? 0.1 : 0), keyHash: i });
  }
  return accumulator.result();
}

describe('downsampleIndices', () => {
  it('keeps everything when the curve is short enough', () => {
    expect(downsampleIndices(3, 5)).toEqual([0, 1, 2]);
  });

  it('spreads the kept points evenly and keeps both ends', () => {
    expect(downsampleIndices(11, 3)).toEqual([0, 5, 10]);
    const kept = downsampleIndices(1_000_001, 1000);
    expect(kept).toHaveLength(1000);
    expect(kept[0]).toBe(0);
    expect(kept.at(-1)).toBe(1_000_000);
    for (let i = 1; i < kept.length; i++) expect(kept[i]!).toBeGreaterThan(kept[i - 1]!);
  });
});

describe('binary curves', () => {
  it('are cut to maxCurvePoints with the same ends, while auc and au_prc do not change', () => {
    const full = manyScores(100_000);
    const cut = manyScores(50);
    const fullRoc = full.metrics.receiver_operating_characteristic_curve as Record<string, number[]>;
    const roc = cut.metrics.receiver_operating_characteristic_curve as Record<string, number[]>;
    const pr = cut.metrics.precision_recall_curve as Record<string, number[]>;
    expect(fullRoc.false_positive_rates!.length).toBeGreaterThan(1000);
    expect(roc.false_positive_rates).toHaveLength(50);
    expect(roc.true_positive_rates).toHaveLength(50);
    expect(pr.precisions).toHaveLength(50);
    expect([roc.false_positive_rates![0], roc.true_positive_rates![0]]).toEqual([0, 0]);
    expect([roc.false_positive_rates!.at(-1), roc.true_positive_rates!.at(-1)]).toEqual([1, 1]);
    expect([pr.recalls![0], pr.recalls!.at(-1)]).toEqual([0, 1]);
    expect(cut.scalars.auc).toEqual(full.scalars.auc);
    expect(cut.scalars.au_prc).toEqual(full.scalars.au_prc);
  });
});
