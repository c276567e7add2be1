/**
 * @module The metric names a constraint may target, per problem type.
 */
import { describe, expect, it } from 'vitest';
import { metricNames, sectionKeys, sectionName } from './metric-names.ts';

describe('metricNames', () => {
  it('lists the binary scalars, without the matrix and the curves', () => {
    expect(metricNames('BinaryClassification')).toEqual([
      'recall',
      'precision',
      'accuracy',
      'recall_best_constant_classifier',
      'precision_best_constant_classifier',
      'accuracy_best_constant_classifier',
      'true_positive_rate',
      'true_negative_rate',
      'false_positive_rate',
      'false_negative_rate',
      'auc',
      'au_prc',
      'f0_5',
      'f1',
      'f2',
      'f0_5_best_constant_classifier',
      'f1_best_constant_classifier',
      'f2_best_constant_classifier',
    ]);
  });

  it('lists the multiclass scalars', () => {
    expect(metricNames('MulticlassClassification')).toEqual([
      'accuracy',
      'weighted_recall',
      'weighted_precision',
      'weighted_f0_5',
      'weighted_f1',
      'weighted_f2',
      'accuracy_best_constant_classifier',
      'weighted_recall_best_constant_classifier',
      'weighted_precision_best_constant_classifier',
      'weighted_f0_5_best_constant_classifier',
      'weighted_f1_best_constant_classifier',
      'weighted_f2_best_constant_classifier',
    ]);
  });

  it('lists the regression scalars', () => {
    expect(metricNames('Regression')).toEqual(['mae', 'mse', 'rmse', 'r2', 'mape']);
  });

  it('returns a fresh array each time', () => {
    metricNames('Regression').push('x');
    expect(metricNames('Regression')).not.toContain('x');
  });

  it('names the sections and their non-scalar keys', () => {
    expect(sectionName('BinaryClassification')).toBe('binary_classification_metrics');
    expect(sectionName('MulticlassClassification')).toBe('multiclass_classification_metrics');
    expect(sectionName('Regression')).toBe('regression_metrics');
    expect(sectionKeys('MulticlassClassification')[0]).toBe('confusion_matrix');
  });
});
