/**
 * @module The monitor's environment that both monitoring ways pass: model-quality settings and the ground-truth
 * location. Model Monitor adds the contract's own variables (dataset_source, start_time, ...) itself; the processing
 * job path adds them in `processing-job-request.ts`.
 */
import { UsageError } from './errors.ts';
import { parseS3Uri } from './s3-uri.ts';

/** The problem types the monitor supports (problem_type). */
export const PROBLEM_TYPES = ['MulticlassClassification', 'BinaryClassification', 'Regression'] as const;
/** One of PROBLEM_TYPES. */
export type ProblemType = (typeof PROBLEM_TYPES)[number];

/** The model-quality settings both monitoring ways pass to the monitor. */
export interface MonitorSettings {
  /** Default MulticlassClassification (the covertype model has 7 classes). */
  problemType: ProblemType;
  /** JSONPath or index of the predicted label; unset lets the monitor use its default for the serving image. */
  inferenceAttribute?: string;
  /** JSONPath or index of the score; unset lets the monitor use its default. */
  probabilityAttribute?: string;
  /** Binary only: score threshold for the positive label. */
  probabilityThreshold?: number;
  /** s3:// of the labels, {prefix}/yyyy/mm/dd/hh/*.jsonl; read by the monitor directly (ground_truth_s3_uri_path). */
  groundTruthUri: string;
}

/** The environment entries both monitoring ways share. Key order is fixed so dry-run output is stable. */
export function buildMonitorEnvironment(settings: MonitorSettings): Record<string, string> {
  parseS3Uri(settings.groundTruthUri, '--ground-truth-uri');
  if (settings.probabilityThreshold !== undefined && settings.problemType !== 'BinaryClassification') {
    throw new UsageError(
      `--probability-threshold applies to BinaryClassification only; --problem-type is ${settings.problemType}`,
    );
  }
  return {
    analysis_type: 'MODEL_QUALITY',
    problem_type: settings.problemType,
    ...(settings.inferenceAttribute !== undefined ? { inference_attribute: settings.inferenceAttribute } : {}),
    ...(settings.probabilityAttribute !== undefined ? { probability_attribute: settings.probabilityAttribute } : {}),
    ...(settings.probabilityThreshold !== undefined
      ? { probability_threshold_attribute: String(settings.probabilityThreshold) }
      : {}),
    ground_truth_s3_uri_path: settings.groundTruthUri,
  };
}
