/**
 * @module The warning for scores that look like the predicted label's confidence read as the positive class's
 * probability (MPM_BINARY_SCORE=positive against the seed's {label, score of that label}): it fires on that shape,
 * not on probabilities of the positive class, and its counts merge and survive a state.
 */
import { describe, expect, it } from 'vitest';
import { createAccumulator, loadAccumulator } from './create-accumulator.ts';
import type { AccumulatorOptions, ModelQualityAccumulator, Observation } from './types.ts';

const options: AccumulatorOptions = { problemType: 'BinaryClassification', positiveLabel: '1', seed: 1, minRecordsForStd: 2 };

/** 200 records: P(positive) p, the label predicted at 0.5, the score either p or the predicted label's confidence. */
function records(confidence: boolean): Observation[] {
  const out: Observation[] = [];
  for (let i = 0; i < 200; i++) {
    const p = ((i * 37) % 100) / 100 + 0.005;
    const predicted = p >= 0.5 ? '1' : '0';
    out.push({ actual: i % 3 === 0 ? '0' : '1', predicted, score: confidence && predicted === '0' ? 1 - p : p, keyHash: i * 2654435761 });
  }
  return out;
}

function run(observations: Observation[]): ModelQualityAccumulator {
  const accumulator = createAccumulator(options);
  for (const o of observations) accumulator.update(o);
  return accumulator;
}

const warningsOf = (a: ModelQualityAccumulator): string[] | undefined => (a.result().extra as { warnings?: string[] }).warnings;

describe('binary scores read the wrong way', () => {
  it("warns when nearly every negative prediction is scored >= 0.5 (the predicted label's confidence), not for P(positive)", () => {
    expect(warningsOf(run(records(true)))).toEqual([expect.stringMatching(/^100 of 100 scored predictions of the negative class carry a score >= 0.5: .*MPM_BINARY_SCORE=predicted$/)]);
    expect(warningsOf(run(records(false)))).toBeUndefined();
    // Too few scored negative predictions to tell.
    expect(warningsOf(run(records(true).slice(0, 30)))).toBeUndefined();
  });

  it('counts through merges and states; a state written before the counts existed reads as none', () => {
    const all = records(true);
    const merged = run(all.slice(0, 77));
    merged.merge(loadAccumulator(structuredClone(run(all.slice(77)).save())));
    expect(warningsOf(merged)).toEqual(warningsOf(run(all)));
    const state = run(all).save();
    const old = structuredClone(state);
    delete (old.meta as Record<string, unknown>)['scored_negative_predictions'];
    delete (old.meta as Record<string, unknown>)['negative_predictions_scored_at_least_half'];
    expect(warningsOf(loadAccumulator(old))).toBeUndefined();
    const tampered = structuredClone(state);
    (tampered.meta as Record<string, unknown>)['negative_predictions_scored_at_least_half'] = 101;
    expect(() => loadAccumulator(tampered)).toThrow(/counts more negative predictions scored >= 0.5 than scored negative predictions/);
  });
});
