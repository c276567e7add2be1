import { describe, expect, it } from 'vitest';
import type { CalibrationArtefact } from './calibration-artefact.ts';
import {
  checkEstimatedConstraints,
  describeEstimatedCheck,
  ESTIMATED_CHECK_TYPE,
  estimatedMetricNames,
  readEstimatedConstraints,
  suggestEstimatedConstraints,
} from './estimated-constraints.ts';
import type { EstimationResult } from './estimation-result.ts';
import { estimatedMetric } from './sampling-error.ts';

const estimate: EstimationResult = {
  method: 'CBPE',
  mode: 'binary',
  calibration_source: 'baseline',
  calibrated: true,
  predictions: 1200,
  estimated_records: 1200,
  skipped: {},
  metrics: { accuracy: estimatedMetric(0.71, 0.01, 'reference_std'), f1: estimatedMetric(0.93, 0.01, 'reference_std_fraction') },
  not_estimated: { auc: 'the expected confusion matrix has a single class: ROC AUC is undefined' },
};

describe('suggestEstimatedConstraints', () => {
  it('alerts below the reference-chunk lower threshold and above the upper one, leaving out bounds that cannot be crossed', () => {
    const artefact = {
      thresholds: {
        chunk_size: 1000,
        chunks: 10,
        std_multiplier: 3,
        metrics: {
          accuracy: { mean: 0.8, std: 0.02, lower: 0.74, upper: 0.86 },
          recall: { mean: 0.95, std: 0.03, lower: 0.86, upper: 1 },
          precision: { mean: 0.1, std: 0.05, lower: 0, upper: 0.25 },
          auc: { mean: 0.5, std: 0.3, lower: 0, upper: 1 },
        },
      },
    } as unknown as CalibrationArtefact;
    expect(suggestEstimatedConstraints(artefact)).toEqual({
      estimated_accuracy: { threshold: 0.74, comparison_operator: 'LessThanThreshold', upper_threshold: 0.86 },
      estimated_recall: { threshold: 0.86, comparison_operator: 'LessThanThreshold' },
      estimated_precision: { threshold: 0.25, comparison_operator: 'GreaterThanThreshold' },
    });
    expect(suggestEstimatedConstraints({} as CalibrationArtefact)).toEqual({});
  });
});

describe('readEstimatedConstraints', () => {
  it('reads the estimated entries of a section and names each problem', () => {
    const { constraints, problems } = readEstimatedConstraints(
      {
        accuracy: { threshold: 0.8, comparison_operator: 'LessThanThreshold' },
        estimated_accuracy: { threshold: '0.75', comparison_operator: 'LessThanThreshold', upper_threshold: 0.9 },
        estimated_auc: { threshold: 0.7, comparison_operator: 'LessThan' },
        estimated_mae: { threshold: 1, comparison_operator: 'GreaterThanThreshold' },
        estimated_f1: { threshold: 'high', comparison_operator: 'LessThanThreshold' },
        estimated_precision: 3,
      },
      'BinaryClassification',
    );
    expect(constraints).toEqual([{ metric: 'estimated_accuracy', threshold: 0.75, operator: 'LessThanThreshold', upperThreshold: 0.9 }]);
    expect(problems).toEqual([
      'constraint on estimated_auc has comparison_operator "LessThan"; expected one of LessThanThreshold, LessThanOrEqualToThreshold, GreaterThanThreshold, GreaterThanOrEqualToThreshold',
      'constraint on "estimated_mae": no such BinaryClassification estimated metric; valid names are estimated_accuracy, estimated_precision, estimated_recall, estimated_f1, estimated_true_negative_rate, estimated_auc',
      'constraint on estimated_f1 has threshold "high"; expected a finite number',
      'constraint on estimated_precision is 3; expected {"threshold": number, "comparison_operator": "LessThanThreshold"}',
    ]);
    expect(readEstimatedConstraints({ estimated_accuracy: {} }, 'Regression').problems[0]).toMatch(/valid names are \(none: this problem type is not estimated\)/);
  });

  it('knows the estimated metric names of each problem type', () => {
    expect(estimatedMetricNames('MulticlassClassification')).toContain('estimated_weighted_f1');
    expect(estimatedMetricNames('Regression')).toEqual([]);
  });
});

describe('checkEstimatedConstraints', () => {
  it('passes, violates below and above, and says when an estimate is missing', () => {
    const checks = checkEstimatedConstraints(
      [
        { metric: 'estimated_accuracy', threshold: 0.7, operator: 'LessThanThreshold' },
        { metric: 'estimated_accuracy', threshold: 0.75, operator: 'LessThanThreshold' },
        { metric: 'estimated_f1', threshold: 0.8, operator: 'LessThanThreshold', upperThreshold: 0.9 },
        { metric: 'estimated_auc', threshold: 0.8, operator: 'LessThanThreshold' },
        { metric: 'estimated_recall', threshold: 0.8, operator: 'LessThanThreshold' },
      ],
      estimate,
    );
    expect(checks.map((c) => c.status)).toEqual(['pass', 'violated', 'violated', 'not_evaluated', 'not_evaluated']);
    expect(describeEstimatedCheck(checks[0]!, estimate)).toBeUndefined();
    expect(describeEstimatedCheck(checks[1]!, estimate)).toEqual({
      metric_name: 'estimated_accuracy',
      constraint_check_type: ESTIMATED_CHECK_TYPE,
      description:
        'Estimated metric estimated_accuracy with 0.71 (band 0.68 to 0.74) is less than the threshold 0.75, estimated without labels (CBPE) over 1200 predictions.',
      value: 0.71,
      threshold: 0.75,
    });
    expect(describeEstimatedCheck(checks[2]!, estimate)!.description).toBe(
      'Estimated metric estimated_f1 with 0.93 (band 0.9 to 0.96) is above the upper threshold 0.9, estimated without labels (CBPE) over 1200 predictions.',
    );
    expect(describeEstimatedCheck(checks[3]!, estimate)).toEqual({
      metric_name: 'estimated_auc',
      constraint_check_type: 'NotEvaluatedCheck',
      description:
        'Estimated metric estimated_auc could not be evaluated (the expected confusion matrix has a single class: ROC AUC is undefined), so the constraint LessThanThreshold 0.8 was not checked.',
      threshold: 0.8,
    });
    expect(describeEstimatedCheck(checks[4]!, estimate)!.description).toMatch(/\(estimated_recall is not estimated in this run\)/);
    expect(checkEstimatedConstraints([{ metric: 'estimated_accuracy', threshold: 0.7, operator: 'LessThanThreshold' }], undefined)[0]!.status).toBe('not_evaluated');
  });
});
