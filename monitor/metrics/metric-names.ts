/**
 * @module The keys of each SageMaker model-quality statistics section, in SageMaker's documented order, and the
 * scalar metric names among them (the names a constraint may target and CloudWatch publishes).
 */
import type { ModelQualityResult, ProblemType } from './types.ts';

/** Non-scalar keys of a section: no `{value, standard_deviation}`, no constraint, no CloudWatch metric. */
export const NON_SCALAR_KEYS: ReadonlySet<string> = new Set([
  'confusion_matrix',
  'receiver_operating_characteristic_curve',
  'precision_recall_curve',
]);

/**
 * Section keys per problem type. `au_prc` (binary) and `mape` (regression) are not in SageMaker's documented lists;
 * SageMaker's own dashboard graphs `au_prc`, and SageMaker readers ignore keys they do not know.
 */
const SECTION_KEYS: Readonly<Record<ProblemType, readonly string[]>> = {
  BinaryClassification: [
    'confusion_matrix',
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
    'receiver_operating_characteristic_curve',
    'precision_recall_curve',
    'auc',
    'au_prc',
    'f0_5',
    'f1',
    'f2',
    'f0_5_best_constant_classifier',
    'f1_best_constant_classifier',
    'f2_best_constant_classifier',
  ],
  MulticlassClassification: [
    'confusion_matrix',
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
  ],
  Regression: ['mae', 'mse', 'rmse', 'r2', 'mape'],
};

const SECTION_NAMES: Readonly<Record<ProblemType, ModelQualityResult['section']>> = {
  BinaryClassification: 'binary_classification_metrics',
  MulticlassClassification: 'multiclass_classification_metrics',
  Regression: 'regression_metrics',
};

/** Every key a full section of this problem type has, in output order (a fresh array). */
export function sectionKeys(problemType: ProblemType): string[] {
  return [...SECTION_KEYS[problemType]];
}

/** The scalar metric names of this problem type, in output order (a fresh array). */
export function metricNames(problemType: ProblemType): string[] {
  return SECTION_KEYS[problemType].filter((key) => !NON_SCALAR_KEYS.has(key));
}

/** The statistics.json section of this problem type, e.g. "regression_metrics". */
export function sectionName(problemType: ProblemType): ModelQualityResult['section'] {
  return SECTION_NAMES[problemType];
}
