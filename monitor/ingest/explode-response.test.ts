/**
 * @module Exploding a response into one prediction per record: every response shape, per problem type, the
 * payload_index rule, inference_attribute / probability_attribute as JSONPath or column index, and the problems.
 */
import { describe, expect, it } from 'vitest';
import { problemOf } from '../../test/helpers/record-problem.ts';
import { explodeResponse, negativeLabelFor, type ResponseOptions } from './explode-response.ts';
import { compilePath } from './json-path.ts';
import type { PayloadKind } from './decode-payload.ts';
import type { ProblemType } from '../metrics/types.ts';

function options(problemType: ProblemType, extra: Partial<ResponseOptions> = {}): ResponseOptions {
  return { problemType, positiveLabel: '1', negativeLabel: '0', ...extra };
}
const explode = (text: unknown, o: ResponseOptions, kind: PayloadKind = 'json') =>
  explodeResponse({ kind, text: typeof text === 'string' ? text : JSON.stringify(text) }, o);
const multi = options('MulticlassClassification');
const binary = options('BinaryClassification');
const regression = options('Regression');

describe('explodeResponse, multiclass', () => {
  it("reads the seed's [{payload_index, label, score}]", () => {
    expect(explode([{ payload_index: 0, label: 4, score: 0.91 }, { payload_index: 1, label: 1, score: 0.62 }], multi)).toEqual([
      { index: 0, label: '4', score: 0.91 },
      { index: 1, label: '1', score: 0.62 },
    ]);
  });

  it('lets the response payload_index win over the position', () => {
    expect(explode([{ payload_index: 1, label: 0 }, { payload_index: 0, label: 2 }], multi)).toEqual([
      { index: 1, label: '0' },
      { index: 0, label: '2' },
    ]);
  });

  it('reads {"predictions": [...]} of numbers, of {predicted_label, score}, and of {"score": vector}', () => {
    expect(explode({ predictions: [2, 0] }, multi).map((p) => p.label)).toEqual(['2', '0']);
    expect(explode({ predictions: [{ predicted_label: 2, score: 0.7 }] }, multi)).toEqual([{ index: 0, label: '2', score: 0.7 }]);
    expect(explode({ predictions: [{ score: [0.1, 0.2, 0.7] }, { score: [0.8, 0.1, 0.1] }] }, multi)).toEqual([
      { index: 0, label: '2', score: 0.7, probabilities: [0.1, 0.2, 0.7] },
      { index: 1, label: '0', score: 0.8, probabilities: [0.8, 0.1, 0.1] },
    ]);
  });

  it('reads arrays of labels and arrays of probability vectors (label = argmax, score = max)', () => {
    expect(explode(['cat', 'dog'], multi).map((p) => p.label)).toEqual(['cat', 'dog']);
    expect(explode([[0.1, 0.2, 0.7], [0.5, 0.3, 0.2]], multi)).toEqual([
      { index: 0, label: '2', score: 0.7, probabilities: [0.1, 0.2, 0.7] },
      { index: 1, label: '0', score: 0.5, probabilities: [0.5, 0.3, 0.2] },
    ]);
  });

  it('reads columnar {label: [...], score: [...]}', () => {
    expect(explode({ label: [2, 0], score: [0.7, 0.8] }, multi)).toEqual([
      { index: 0, label: '2', score: 0.7 },
      { index: 1, label: '0', score: 0.8 },
    ]);
  });

  it('reads CSV single values and CSV probability rows', () => {
    expect(explode('2\n0\n', multi, 'csv').map((p) => p.label)).toEqual(['2', '0']);
    expect(explode('0.1,0.2,0.7\r\n0.8,0.1,0.1', multi, 'csv').map((p) => p.label)).toEqual(['2', '0']);
  });

  it('reads JSON Lines', () => {
    expect(explode('{"label":2}\n{"label":0}\n', multi, 'jsonlines').map((p) => p.label)).toEqual(['2', '0']);
  });

  it('scores a labelled vector item with the probability of its label', () => {
    expect(explode([{ label: 1, probabilities: [0.2, 0.5, 0.3] }], multi)).toEqual([{ index: 0, label: '1', score: 0.5, probabilities: [0.2, 0.5, 0.3] }]);
  });
});

describe('explodeResponse, binary', () => {
  it('reads numbers in (0,1) as probabilities of the positive label, thresholded at 0.5', () => {
    expect(explode({ predictions: [0.75, 0.05, 0.5] }, binary)).toEqual([
      { index: 0, label: '1', score: 0.75 },
      { index: 1, label: '0', score: 0.05 },
      { index: 2, label: '1', score: 0.5 },
    ]);
  });

  it('reads 0 and 1 as labels, without a score', () => {
    expect(explode([1, 0], binary)).toEqual([
      { index: 0, label: '1' },
      { index: 1, label: '0' },
    ]);
  });

  it('reads 0 and 1 as probabilities when the same response holds a probability strictly between them (JSON, CSV, JSON Lines)', () => {
    // binary:logistic in float32 gives exactly 1.0 for a margin above ~16.6: read as the label "1", it lost its score.
    const expected = [
      { index: 0, label: '0', score: 0.2 },
      { index: 1, label: '1', score: 1 },
      { index: 2, label: '0', score: 0 },
      { index: 3, label: '1', score: 0.7 },
    ];
    expect(explode([0.2, 1.0, 0, 0.7], binary)).toEqual(expected);
    expect(explode({ predictions: [0.2, 1, 0, [0.7]] }, binary)).toEqual(expected);
    expect(explode('0.2\n1.0\n0.0\n0.7\n', binary, 'csv')).toEqual(expected);
    expect(explode('0.2\n1\n0\n"0.7"', binary, 'jsonlines')).toEqual(expected);
    // With a positive label that is no number, the 1.0 is that label by its score, not the label "1".
    const churn = options('BinaryClassification', { positiveLabel: 'churn', negativeLabel: 'stay', binaryStrict: true });
    expect(explode([1.0, 0.4], churn)).toEqual([
      { index: 0, label: 'churn', score: 1 },
      { index: 1, label: 'stay', score: 0.4 },
    ]);
    // Booleans and values outside [0, 1] stay what they were; other problem types are not affected.
    expect(explode([true, 0.5], binary)).toEqual([
      { index: 0, label: 'true' },
      { index: 1, label: '1', score: 0.5 },
    ]);
    expect(explode([1, 0.5], multi)).toEqual([
      { index: 0, label: '1' },
      { index: 1, label: '0.5' },
    ]);
  });

  it('keeps a given label beside its score unless probability_threshold_attribute is set', () => {
    const item = [{ predicted_label: 0, score: 0.7 }];
    expect(explode(item, binary)).toEqual([{ index: 0, label: '0', score: 0.7 }]);
    expect(explode(item, options('BinaryClassification', { threshold: 0.6 }))).toEqual([{ index: 0, label: '1', score: 0.7 }]);
  });

  it('takes the positive label column of a two-probability vector', () => {
    expect(explode('0.3,0.7\n0.9,0.1', binary, 'csv')).toEqual([
      { index: 0, label: '1', score: 0.7 },
      { index: 1, label: '0', score: 0.1 },
    ]);
    expect(explode({ predictions: [{ score: [0.12, 0.88] }] }, binary)).toEqual([{ index: 0, label: '1', score: 0.88 }]);
    // A whole-number pair among fraction pairs is one more probability vector.
    expect(explode('0.3,0.7\n0,1\n1,0', binary, 'csv')).toEqual([
      { index: 0, label: '1', score: 0.7 },
      { index: 1, label: '1', score: 1 },
      { index: 2, label: '0', score: 0 },
    ]);
  });

  it("takes the positive label's column by the two classes' sorted order once the negative class is known (scikit-learn's classes_)", () => {
    const vectors = { predictions: [{ score: [0.9, 0.1] }, { score: [0.2, 0.8] }] };
    const settled = (positiveLabel: string, negativeLabel: string) => options('BinaryClassification', { positiveLabel, negativeLabel, binaryStrict: true });
    // Labels 1/2, positive 1: column 0 is P(1), as predict_proba orders [1, 2] (it was column 1, P(2): every metric inverted).
    expect(explode(vectors, settled('1', '2'))).toEqual([
      { index: 0, label: '1', score: 0.9 },
      { index: 1, label: '2', score: 0.2 },
    ]);
    // Positive 2 of 1/2, cat of cat/dog, -1 of -1/1 (numbers by value: -1 < 1), true of false/true.
    expect(explode(vectors, settled('2', '1')).map((p) => p.score)).toEqual([0.1, 0.8]);
    expect(explode(vectors, settled('cat', 'dog')).map((p) => p.label)).toEqual(['cat', 'dog']);
    expect(explode(vectors, settled('-1', '1')).map((p) => p.score)).toEqual([0.9, 0.2]);
    expect(explode(vectors, settled('10', '9')).map((p) => p.score)).toEqual([0.1, 0.8]);
    expect(explode(vectors, settled('true', 'false')).map((p) => p.score)).toEqual([0.1, 0.8]);
    // 0/1 as before: the label is its own column.
    expect(explode(vectors, settled('1', '0')).map((p) => p.score)).toEqual([0.1, 0.8]);
    expect(explode(vectors, settled('0', '1')).map((p) => p.score)).toEqual([0.9, 0.2]);
    // MPM_CLASS_LABELS names the columns whatever the order.
    expect(explode(vectors, options('BinaryClassification', { positiveLabel: '1', negativeLabel: '2', binaryStrict: true, classLabels: ['2', '1'] })).map((p) => p.score)).toEqual([0.1, 0.8]);
  });

  it('reads "label,score" CSV lines whose two numbers sum to 1 as a label and its score (the serving container)', () => {
    // A confident class 0 (`0,0.9995`, `0,1.0`) is class 0, not the vector [0, 1].
    const csv = '0,0.9995\n0,1.0\n2,0.7\n1,0.6';
    expect(explode(csv, multi, 'csv')).toEqual([
      { index: 0, label: '0', score: 0.9995 },
      { index: 1, label: '0', score: 1 },
      { index: 2, label: '2', score: 0.7 },
      { index: 3, label: '1', score: 0.6 },
    ]);
    // Binary, a logitraw margin beside its label: the margin is the score.
    expect(explode('1,0.0005\n0,-1.2', binary, 'csv')).toEqual([
      { index: 0, label: '1', score: 0.0005 },
      { index: 1, label: '0', score: -1.2 },
    ]);
  });

  it('reads one-hot rows (`1,0`, and `0,1` when binary) as probabilities: no model writes a label with score 0', () => {
    // Binary: P(0), P(1) in the sorted classes' order, as predict_proba writes certain rows with %g.
    expect(explode('1,0\n0,1', binary, 'csv')).toEqual([
      { index: 0, label: '0', score: 0 },
      { index: 1, label: '1', score: 1 },
    ]);
    // Multiclass: `1,0` is class 0 for sure; `0,1` stays class 0 with confidence 1 (the serving container's CSV).
    expect(explode('1,0\n0,1', multi, 'csv')).toEqual([
      { index: 0, label: '0', score: 1, probabilities: [1, 0] },
      { index: 1, label: '0', score: 1 },
    ]);
    // Regression keeps reading the first cell.
    expect(explode('1,0', regression, 'csv')).toEqual([{ index: 0, value: 1 }]);
  });

  it('reads quoted CSV cells: a label holding a comma or a quote is one cell', () => {
    expect(explode('"a, b",0.9\n"say ""hi""",0.8\n', multi, 'csv')).toEqual([
      { index: 0, label: 'a, b', score: 0.9 },
      { index: 1, label: 'say "hi"', score: 0.8 },
    ]);
  });

  it('pairs string positive labels with their negative', () => {
    expect(negativeLabelFor('yes')).toBe('no');
    expect(negativeLabelFor('1')).toBe('0');
    expect(negativeLabelFor('churn')).toBe('not churn');
  });
});

describe('explodeResponse, regression', () => {
  it('reads {"predictions": numbers} (the SDK sample), arrays, CSV, JSON Lines and {"score"} objects', () => {
    expect(explode('{\n    "predictions": [3.5, 4.0, 5.5\n    ]\n}', regression).map((p) => p.value)).toEqual([3.5, 4, 5.5]);
    expect(explode([[0.5], [1.5]], regression).map((p) => p.value)).toEqual([0.5, 1.5]);
    expect(explode('10\n20\n', regression, 'csv').map((p) => p.value)).toEqual([10, 20]);
    expect(explode('{"prediction":5}\n{"prediction":6}', regression, 'jsonlines').map((p) => p.value)).toEqual([5, 6]);
    expect(explode({ predictions: [{ score: 1.25 }] }, regression)).toEqual([{ index: 0, value: 1.25 }]);
  });

  it('orders values by payload_index', () => {
    expect(explode([{ payload_index: 1, value: 8 }, { payload_index: 0, value: 7 }], regression)).toEqual([
      { index: 1, value: 8 },
      { index: 0, value: 7 },
    ]);
  });
});

describe('explodeResponse with inference_attribute / probability_attribute', () => {
  it('selects one value per record with absolute JSONPaths over the response', () => {
    const o = options('BinaryClassification', {
      inferencePath: compilePath('$.result.classes[*]', 'inference_attribute'),
      probabilityPath: compilePath('$.result.probs[*]', 'probability_attribute'),
      positiveLabel: 'yes',
      negativeLabel: 'no',
    });
    expect(explode({ result: { classes: ['yes', 'no'], probs: [0.8, 0.3] } }, o)).toEqual([
      { index: 0, label: 'yes', score: 0.8 },
      { index: 1, label: 'no', score: 0.3 },
    ]);
  });

  it('reads a relative JSONPath inside each item', () => {
    const o = options('MulticlassClassification', { inferencePath: compilePath('out.klass', 'inference_attribute') });
    expect(explode([{ out: { klass: 3 } }, { out: { klass: 1 } }], o).map((p) => p.label)).toEqual(['3', '1']);
  });

  it('reads CSV columns by index', () => {
    const o = options('BinaryClassification', { inferenceColumn: 1, probabilityColumn: 2 });
    expect(explode('17,1,0.91\n18,0,0.12\n', o, 'csv')).toEqual([
      { index: 0, label: '1', score: 0.91 },
      { index: 1, label: '0', score: 0.12 },
    ]);
  });

  // A JSON response of rows ([id, label, probability]) was read as probability vectors whatever the column indexes
  // said: [19, 0, 0.35] gave label "0" with score 0 (column 1 of the "vector") instead of label 0 with score 0.35.
  it('reads the rows of a JSON array of arrays by column index, like CSV lines', () => {
    const o = options('BinaryClassification', { inferenceColumn: 1, probabilityColumn: 2 });
    expect(explode([[19, 0, 0.35], [20, 1, 0.64]], o)).toEqual([
      { index: 0, label: '0', score: 0.35 },
      { index: 1, label: '1', score: 0.64 },
    ]);
  });

  it('keeps one value per record for a flat JSON array even with a column index (inference_attribute "0" of a CSV habit)', () => {
    const o = options('Regression', { inferenceColumn: 0 });
    expect(explode([3.5, 4.0], o).map((p) => p.value)).toEqual([3.5, 4]);
  });

  it('counts a missing attribute column as missing_prediction', () => {
    const o = options('BinaryClassification', { inferenceColumn: 3 });
    expect(problemOf(() => explode('1,0.2\n', o, 'csv')).reason).toBe('missing_prediction');
    expect(problemOf(() => explode([[1, 0.2]], o)).reason).toBe('missing_prediction');
  });
});

describe('explodeResponse problems', () => {
  it('rejects a payload_index used twice in one response', () => {
    const p = problemOf(() => explode([{ payload_index: 0, label: 1 }, { payload_index: 0, label: 2 }], multi));
    expect(p.reason).toBe('invalid_payload_index');
    expect(p.detail).toBe('payload_index 0 appears twice in one response');
  });

  it('rejects a negative or fractional payload_index', () => {
    expect(problemOf(() => explode([{ payload_index: -1, label: 1 }], multi)).reason).toBe('invalid_payload_index');
    expect(problemOf(() => explode([{ payload_index: 0.5, label: 1 }], multi)).reason).toBe('invalid_payload_index');
  });

  it('rejects an empty response', () => {
    expect(problemOf(() => explode([], multi)).reason).toBe('unrecognised_response');
  });

  it('rejects a response that is not JSON', () => {
    expect(problemOf(() => explode('{"predictions": [', multi)).reason).toBe('undecodable_payload');
  });

  it('rejects an item without a label', () => {
    expect(problemOf(() => explode([{ other: 1 }], multi)).reason).toBe('missing_prediction');
    expect(problemOf(() => explode([{ label: 'x' }], regression)).reason).toBe('missing_prediction');
  });

  it('rejects CSV rows of text without an attribute', () => {
    expect(problemOf(() => explode('a,b\n', multi, 'csv')).reason).toBe('unrecognised_response');
  });

  it('rejects JSONPaths that select different numbers of labels and probabilities', () => {
    const o = options('BinaryClassification', {
      inferencePath: compilePath('$.l[*]', 'inference_attribute'),
      probabilityPath: compilePath('$.p[*]', 'probability_attribute'),
    });
    expect(problemOf(() => explode({ l: [1, 0], p: [0.9] }, o)).detail).toBe('inference_attribute selects 2 values but probability_attribute 1');
  });
});

describe('binary scores that mean the confidence of the predicted label (MPM_BINARY_SCORE=predicted)', () => {
  it('turns the score of a negative prediction into the probability of the positive label', () => {
    const o = { problemType: 'BinaryClassification' as const, positiveLabel: '1', negativeLabel: '0', binaryScore: 'predicted' as const };
    const payload = { kind: 'json' as const, text: '[{"payload_index":0,"label":1,"score":0.9},{"payload_index":1,"label":0,"score":0.8}]' };
    const [a, b] = explodeResponse(payload, o);
    expect(a).toEqual({ index: 0, label: '1', score: 0.9 });
    expect(b!.label).toBe('0');
    expect(b!.score).toBeCloseTo(0.2, 15);
  });
});
