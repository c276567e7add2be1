/**
 * @module The suggest-baseline command, like the SageMaker SDK's ModelQualityMonitor.suggest_baseline: computes the
 * metrics of a labelled validation set (a csv / JSON Lines / parquet dataset with prediction, probability and label
 * columns, or capture and ground-truth folders) and writes statistics.json and constraints.json in SageMaker's schema,
 * with thresholds from the policy in threshold-policy.ts.
 */
import type { MonitorConfig } from '../config/load-config.ts';
import { sectionName } from '../metrics/metric-names.ts';
import { openStorage } from '../storage/open-storage.ts';
import { writeJson } from '../report/json-file.ts';
import { REPORT_FILES } from '../report/report-files.ts';
import { runModelQuality } from '../pipeline/run-model-quality.ts';
import type { RunDeps } from '../pipeline/run-context.ts';
import { suggestConstraints, type SuggestedConstraint } from './threshold-policy.ts';
import { InputError } from '../errors.ts';
import { CALIBRATION_KEY, type CalibrationArtefact } from '../estimation/calibration-artefact.ts';
import { REGRESSION_NOT_ESTIMATED } from '../estimation/estimation-result.ts';
import { suggestEstimatedConstraints } from '../estimation/estimated-constraints.ts';
import { fitCalibration } from '../estimation/fit-calibration.ts';
import type { ReferenceCollector } from '../estimation/reference-sample.ts';
import { responseOptionsOf } from '../ingest/response-options.ts';
import type { RunOutcome } from '../pipeline/outcome.ts';

export interface SuggestOutcome {
  constraintsFile: string;
  statisticsFile?: string;
  constraints: SuggestedConstraint[];
  records: number;
}

function constraintsSection(problemType: MonitorConfig['problemType']): string {
  return sectionName(problemType).replace(/_metrics$/, '_constraints');
}

/**
 * The calibration of the label-free estimate, fitted on the baseline's labelled records; or why there is none
 * (regression, or no record with a usable score): the baseline is written all the same.
 */
function fitEstimateCalibration(config: MonitorConfig, reference: ReferenceCollector | undefined): { artefact: CalibrationArtefact } | { why: string } {
  if (reference === undefined) return { why: REGRESSION_NOT_ESTIMATED };
  const o = config.suggest;
  try {
    const options = { positiveLabel: responseOptionsOf(config).positiveLabel, classes: config.classLabels, policy: o.calibration, thresholds: o.estimatedThresholds, chunkSize: o.expectedRecords };
    return { artefact: fitCalibration(reference.sample(), options) };
  } catch (error) {
    if (error instanceof InputError) return { why: error.message.replace(/^input: /, '') };
    throw error;
  }
}

/** Writes constraints.json (and, from data, statistics.json and the run report) into output_path. */
export async function suggestBaseline(config: MonitorConfig, deps: RunDeps): Promise<SuggestOutcome | { failed: RunOutcome }> {
  const o = config.suggest;
  const output = await openStorage(config.outputPath, { s3EndpointUrl: config.s3EndpointUrl });
  if (o.fromAccuracy !== undefined) {
    const constraints: SuggestedConstraint[] = [
      { metric: 'accuracy', threshold: o.fromAccuracy, comparison_operator: 'LessThanThreshold', baseline_value: o.fromAccuracy, noise: null },
    ];
    const file = await writeJson(output, REPORT_FILES.constraints, {
      version: 0.0,
      [constraintsSection(config.problemType)]: { accuracy: { threshold: o.fromAccuracy, comparison_operator: 'LessThanThreshold' } },
    });
    return { constraintsFile: file, constraints, records: 0 };
  }
  // The metrics come from an ordinary model-quality run without constraints (it writes statistics.json and the run report).
  let reference: ReferenceCollector | undefined;
  const outcome = await runModelQuality(
    { ...config, baselineConstraints: undefined, createViolationTests: false, minJoinedRecords: Math.max(1, config.minJoinedRecords) },
    deps,
    { collectReference: true, onResults: (results) => (reference = results.reference) },
  );
  if (outcome.exitCode !== 0) return { failed: outcome };
  const metrics = outcome.report.metrics;
  const records = outcome.report.join?.joined ?? 0;
  if (!metrics || records < Math.max(1, config.minJoinedRecords)) {
    throw new InputError(`input: the baseline dataset has ${records} labelled records; suggest-baseline needs at least ${Math.max(1, config.minJoinedRecords)}`);
  }
  const constraints = suggestConstraints(metrics.scalars, { k: o.k, baselineRecords: records, expectedRecords: o.expectedRecords });
  // The calibration of the label-free estimate, fitted on the same labelled records (classification only).
  const fit = fitEstimateCalibration(config, reference);
  const calibration = 'artefact' in fit ? fit.artefact : undefined;
  const file = await writeJson(output, REPORT_FILES.constraints, {
    version: 0.0,
    [constraintsSection(config.problemType)]: {
      ...Object.fromEntries(constraints.map((c) => [c.metric, { threshold: c.threshold, comparison_operator: c.comparison_operator }])),
      ...(calibration ? suggestEstimatedConstraints(calibration) : {}),
    },
    mpm_suggestion: {
      policy: 'threshold = baseline value -/+ k * noise, noise = 2 * standard_deviation * sqrt(n / m) (see the README)',
      k: o.k,
      baseline_records: records,
      expected_records_per_run: o.expectedRecords ?? records,
      metrics: Object.fromEntries(constraints.map((c) => [c.metric, { baseline_value: c.baseline_value, noise: c.noise }])),
    },
    ...('artefact' in fit ? { [CALIBRATION_KEY]: fit.artefact } : { mpm_calibration_not_fitted: fit.why }),
  });
  return { constraintsFile: file, statisticsFile: outcome.report.outputs?.statistics, constraints, records };
}
