/**
 * @module Constraints: both file schemas (SageMaker's model-quality schema and the seed's), a passing and a failing
 * case for each comparison operator, "could not be evaluated" kept apart from "violated", and the exact error texts.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.ts';
import { metricNames } from '../metrics/metric-names.ts';
import type { MetricValue } from '../metrics/types.ts';
import { describeNotEvaluated, describeViolation, evaluateConstraints } from './evaluate.ts';
import { parseConstraints, toSageMakerConstraints } from './parse-constraints.ts';
import { OPERATORS, isOperator, type ComparisonOperator } from './operators.ts';
import { SYNTHETIC_METRIC, syntheticViolation } from './synthetic.ts';

const SOURCE = '/opt/ml/processing/baseline/constraints/constraints.json';
const WHERE = `baseline_constraints "${SOURCE}"`;
const scalar = (value: number, standard_deviation: number | 'NaN' = 'NaN'): MetricValue => ({ value, standard_deviation });

function errorOf(text: string, problemType: Parameters<typeof parseConstraints>[2]): string {
  try {
    parseConstraints(text, SOURCE, problemType);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('parseConstraints', () => {
  it("reads SageMaker's schema for the job's problem type, thresholds as numbers or strings in scientific notation", () => {
    const set = parseConstraints(
      JSON.stringify({
        version: 0.0,
        multiclass_classification_constraints: {
          weighted_recall: { threshold: 0.5714285714285714, comparison_operator: 'LessThanThreshold' },
          weighted_precision: { threshold: '6.983172269629505E-1', comparison_operator: 'LessThanThreshold' },
        },
      }),
      SOURCE,
      'MulticlassClassification',
    );
    expect(set).toEqual({
      source: SOURCE,
      schema: 'sagemaker',
      constraints: [
        { metric: 'weighted_recall', threshold: 0.5714285714285714, operator: 'LessThanThreshold' },
        { metric: 'weighted_precision', threshold: 0.6983172269629505, operator: 'LessThanThreshold' },
      ],
      estimated: [],
    });
  });

  it("reads the seed's {\"accuracy\": {\"threshold\": t}} as accuracy LessThanThreshold t", () => {
    expect(parseConstraints('{"accuracy":{"threshold":0.8043}}', SOURCE, 'MulticlassClassification')).toEqual({
      source: SOURCE,
      schema: 'seed',
      constraints: [{ metric: 'accuracy', threshold: 0.8043, operator: 'LessThanThreshold' }],
      estimated: [],
    });
  });

  it('reads the seed schema for any metric and with an explicit operator', () => {
    expect(parseConstraints('{"version":0,"mae":{"threshold":2,"comparison_operator":"GreaterThanThreshold"}}', SOURCE, 'Regression').constraints).toEqual([
      { metric: 'mae', threshold: 2, operator: 'GreaterThanThreshold' },
    ]);
  });

  it('rejects a metric that does not exist, listing every valid name of the problem type', () => {
    const message = errorOf('{"version":0,"multiclass_classification_constraints":{"acuracy":{"threshold":0.8,"comparison_operator":"LessThanThreshold"}}}', 'MulticlassClassification');
    expect(message).toBe(`config: ${WHERE} is not valid:\n- constraint on "acuracy": no such MulticlassClassification metric; valid names are ${metricNames('MulticlassClassification').join(', ')}`);
    expect(message).toContain('valid names are accuracy, weighted_recall, weighted_precision, weighted_f0_5, weighted_f1, weighted_f2, accuracy_best_constant_classifier');
  });

  it('rejects constraints on non-scalar keys such as confusion_matrix', () => {
    expect(errorOf('{"confusion_matrix":{"threshold":1}}', 'BinaryClassification')).toContain('constraint on "confusion_matrix": no such BinaryClassification metric');
  });

  it('rejects a file for another problem type, naming the section found and the one expected', () => {
    expect(errorOf('{"version":0,"binary_classification_constraints":{"f2":{"threshold":0.625,"comparison_operator":"LessThanThreshold"}}}', 'Regression')).toBe(
      `config: ${WHERE} has "binary_classification_constraints" but problem_type is Regression; expected a "regression_constraints" section`,
    );
  });

  it('rejects a data-quality constraints file', () => {
    expect(errorOf('{"version":0,"features":[],"monitoring_config":{}}', 'BinaryClassification')).toBe(
      `config: ${WHERE} is a data-quality constraints file (it has "features"); expected model-quality constraints with a "binary_classification_constraints" section (analysis_type is MODEL_QUALITY; set analysis_type=DATA_QUALITY to judge data quality against this file)`,
    );
  });

  it('rejects a file that is not JSON or not an object', () => {
    expect(errorOf('{"accuracy":', 'MulticlassClassification')).toMatch(/^config: baseline_constraints ".+" is not valid JSON \(.+\); expected a model-quality constraints file$/);
    expect(errorOf('[]', 'Regression')).toBe(`config: ${WHERE} is not a JSON object; expected {"version": 0.0, "regression_constraints": {...}} or {"accuracy": {"threshold": 0.8}}`);
  });

  it('lists every bad threshold and operator at once', () => {
    const message = errorOf(
      JSON.stringify({
        regression_constraints: {
          mae: { threshold: 'high', comparison_operator: 'GreaterThanThreshold' },
          r2: { threshold: 0.5, comparison_operator: 'Below' },
          mse: { threshold: 1 },
          rmse: 3,
        },
      }),
      'Regression',
    );
    const ops = Object.keys(OPERATORS).join(', ');
    expect(message).toBe(
      `config: ${WHERE} is not valid:\n` +
        '- constraint on mae has threshold "high"; expected a finite number\n' +
        `- constraint on r2 has comparison_operator "Below"; expected one of ${ops}\n` +
        `- constraint on mse has no comparison_operator; expected one of ${ops}\n` +
        '- constraint on rmse is 3; expected {"threshold": number, "comparison_operator": "LessThanThreshold"}',
    );
  });

  it('writes the constraints back in SageMaker schema (constraints.json)', () => {
    const set = parseConstraints('{"accuracy":{"threshold":0.8043}}', SOURCE, 'MulticlassClassification');
    expect(toSageMakerConstraints(set, 'MulticlassClassification')).toEqual({
      version: 0,
      multiclass_classification_constraints: { accuracy: { threshold: 0.8043, comparison_operator: 'LessThanThreshold' } },
    });
  });
});

describe('comparison operators: a violation when value <operator> threshold holds', () => {
  // [operator, value that passes, value that is violated, the value at the threshold (0.8) passes?]
  const table: Array<[ComparisonOperator, number, number, 'pass' | 'violated']> = [
    ['LessThanThreshold', 0.85, 0.75, 'pass'],
    ['LessThanOrEqualToThreshold', 0.85, 0.75, 'violated'],
    ['GreaterThanThreshold', 0.75, 0.85, 'pass'],
    ['GreaterThanOrEqualToThreshold', 0.75, 0.85, 'violated'],
  ];
  for (const [operator, passing, failing, atThreshold] of table) {
    it(`${operator}: ${passing} passes, ${failing} is violated, 0.8 at the threshold ${atThreshold === 'pass' ? 'passes' : 'is violated'}`, () => {
      const constraints = [{ metric: 'accuracy', threshold: 0.8, operator }];
      expect(evaluateConstraints(constraints, { accuracy: scalar(passing) }, {})[0]!.status).toBe('pass');
      expect(evaluateConstraints(constraints, { accuracy: scalar(failing) }, {})[0]!.status).toBe('violated');
      expect(evaluateConstraints(constraints, { accuracy: scalar(0.8) }, {})[0]!.status).toBe(atThreshold);
    });
  }

  it('knows exactly these four operators', () => {
    expect(Object.keys(OPERATORS)).toEqual(['LessThanThreshold', 'LessThanOrEqualToThreshold', 'GreaterThanThreshold', 'GreaterThanOrEqualToThreshold']);
    expect(isOperator('toString')).toBe(false);
  });
});

describe('evaluateConstraints', () => {
  it('reports a metric that could not be computed as not_evaluated with the reason, never as pass or violated', () => {
    const constraints = [
      { metric: 'auc', threshold: 0.9, operator: 'LessThanThreshold' as const },
      { metric: 'recall', threshold: 0.9, operator: 'LessThanThreshold' as const },
      { metric: 'f1', threshold: 0.9, operator: 'LessThanThreshold' as const },
    ];
    const results = evaluateConstraints(constraints, { recall: scalar(Number.NaN) }, { auc: 'only one class among the actual labels' });
    expect(results).toEqual([
      { metric: 'auc', operator: 'LessThanThreshold', threshold: 0.9, status: 'not_evaluated', why: 'only one class among the actual labels' },
      { metric: 'recall', operator: 'LessThanThreshold', threshold: 0.9, status: 'not_evaluated', why: 'recall could not be computed on this data' },
      { metric: 'f1', operator: 'LessThanThreshold', threshold: 0.9, status: 'not_evaluated', why: 'f1 could not be computed on this data' },
    ]);
  });

  it('keeps the value and its standard deviation in the result', () => {
    expect(evaluateConstraints([{ metric: 'mae', threshold: 1, operator: 'GreaterThanThreshold' }], { mae: scalar(1.5, 0.02) }, {})).toEqual([
      { metric: 'mae', operator: 'GreaterThanThreshold', threshold: 1, status: 'violated', value: 1.5, standard_deviation: 0.02 },
    ]);
  });
});

describe('describeViolation', () => {
  it('writes the check type as the operator and a sentence with value, deviation, threshold and record count', () => {
    const [r] = evaluateConstraints([{ metric: 'f2', threshold: 0.625, operator: 'LessThanThreshold' }], { f2: scalar(0.5128205128205128, 0.0123456) }, {});
    expect(describeViolation(r!, 627)).toEqual({
      metric_name: 'f2',
      constraint_check_type: 'LessThanThreshold',
      description: 'Metric f2 with 0.512821 (± 0.0123456) was LessThanThreshold 0.625: f2 is less than the threshold 0.625, over 627 records.',
      value: 0.5128205128205128,
      threshold: 0.625,
    });
  });

  it('leaves the deviation out when it is "NaN" (fewer than 200 records)', () => {
    const [r] = evaluateConstraints([{ metric: 'mae', threshold: 0.3, operator: 'GreaterThanThreshold' }], { mae: scalar(5 / 14) }, {});
    expect(describeViolation(r!, 14).description).toBe('Metric mae with 0.357143 was GreaterThanThreshold 0.3: mae is greater than the threshold 0.3, over 14 records.');
  });
});

describe('describeNotEvaluated', () => {
  // The seed's silent pass ("nothing joins": NaN < threshold is false) at the level of one metric: a constraint that
  // could not be checked (auc without scores) must be listed, or the run would say "no violations".
  it('lists a constraint that could not be evaluated as a NotEvaluatedCheck with the reason, without a value', () => {
    const [r] = evaluateConstraints([{ metric: 'auc', threshold: 0.75, operator: 'LessThanThreshold' }], {}, { auc: 'no scores in the responses' });
    expect(describeNotEvaluated(r!, 4)).toEqual({
      metric_name: 'auc',
      constraint_check_type: 'NotEvaluatedCheck',
      description: 'Metric auc could not be evaluated over 4 records (no scores in the responses), so the constraint LessThanThreshold 0.75 was not checked.',
      threshold: 0.75,
    });
  });
});

describe('syntheticViolation (--create-violation-tests)', () => {
  it('is marked as synthetic on a metric of its own, so no real metric is changed', () => {
    const v = syntheticViolation();
    expect(v.metric_name).toBe(SYNTHETIC_METRIC);
    expect(v.constraint_check_type).toBe('SyntheticViolationTest');
    expect(v.description).toContain('not a finding about the model');
    for (const problem of ['BinaryClassification', 'MulticlassClassification', 'Regression'] as const) expect(metricNames(problem)).not.toContain(v.metric_name);
  });
});
