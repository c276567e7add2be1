import { describe, expect, it } from 'vitest';
import { createAccumulator } from './create-accumulator.ts';
import { disjointLabelsWarning, foreignPredictionsWarning } from './label-overlap.ts';
import type { Observation, ProblemType } from './types.ts';

/** The result of observing (actual, predicted) pairs. */
function resultOf(problemType: ProblemType, pairs: Array<[string, string]>) {
  const accumulator = createAccumulator({ problemType });
  pairs.forEach(([actual, predicted], i) => accumulator.update({ actual, predicted, keyHash: i } satisfies Observation));
  return accumulator.result();
}

describe('disjointLabelsWarning', () => {
  it('names both label sets when no predicted label is a ground-truth label (vectors read by position against named classes)', () => {
    const warning = disjointLabelsWarning(resultOf('MulticlassClassification', [['oak', '0'], ['pine', '1'], ['oak', '0']]));
    expect(warning).toMatch(/^no predicted label is a ground-truth label: predicted "0", "1"; ground truth "oak", "pine"\. /);
    expect(warning).toContain('MPM_CLASS_LABELS');
  });

  it('says nothing when one label is shared, even if every record is wrong, or without records', () => {
    expect(disjointLabelsWarning(resultOf('MulticlassClassification', [['a', 'b'], ['b', 'a']]))).toBeUndefined();
    expect(disjointLabelsWarning(resultOf('MulticlassClassification', [['a', 'a'], ['b', 'c']]))).toBeUndefined();
    expect(disjointLabelsWarning(resultOf('MulticlassClassification', []))).toBeUndefined();
    expect(disjointLabelsWarning({ metrics: { mae: { value: 1, standard_deviation: 'NaN' } } })).toBeUndefined();
  });

  it('lists five labels of a set and counts the rest', () => {
    const pairs: Array<[string, string]> = Array.from({ length: 8 }, (_, i) => [`c${i}`, String(i)]);
    expect(disjointLabelsWarning(resultOf('MulticlassClassification', pairs))).toContain('predicted "0", "1", "2", "3", "4" and 3 more');
  });
});

describe('foreignPredictionsWarning', () => {
  /** Vectors named by position 0..2 against labels 1..3: class k+1 predicted as "k". */
  const shifted = (n: number): Array<[string, string]> => Array.from({ length: n }, (_, i) => [String((i % 3) + 1), String(i % 3)]);

  it('names the labels no ground truth has when at least a tenth of 20 or more predictions are such labels', () => {
    const warning = foreignPredictionsWarning(resultOf('MulticlassClassification', shifted(30)));
    expect(warning).toMatch(/^10 of 30 joined predictions \(33\.3%\) are labels no ground-truth label of the window is: "0"; ground truth "1", "2", "3"\. /);
    expect(warning).toContain('MPM_CLASS_LABELS');
  });

  it('says nothing below 20 joined predictions, below a tenth, for disjoint sets (their own warning) or without a matrix', () => {
    expect(foreignPredictionsWarning(resultOf('MulticlassClassification', shifted(18)))).toBeUndefined();
    const mostlyRight: Array<[string, string]> = Array.from({ length: 40 }, (_, i) => (i < 37 ? ['a', 'a'] : ['a', 'z']));
    expect(foreignPredictionsWarning(resultOf('MulticlassClassification', mostlyRight))).toBeUndefined();
    expect(foreignPredictionsWarning(resultOf('MulticlassClassification', Array.from({ length: 30 }, (_, i): [string, string] => [`c${i % 2}`, String(i % 2)])))).toBeUndefined();
    expect(foreignPredictionsWarning({ metrics: {} })).toBeUndefined();
  });
});
