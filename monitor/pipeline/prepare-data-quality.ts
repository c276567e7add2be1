/**
 * @module The first stage of a data-quality run: the baseline (statistics.json and constraints.json, SageMaker's
 * data-quality schema, the built-in analyzer's files included) is read and validated, the output folder must be
 * writable and the storages are opened, all before the first record is read. Model-quality settings that mean
 * nothing here are named in one warning.
 */
import type { CaptureDeal } from '../state/input-distribution.ts';
import type { MonitorConfig } from '../config/load-config.ts';
import type { CaptureRowOptions } from '../data-quality/capture-rows.ts';
import { ANALYZER_FALLBACKS, parseDataQualityConstraints, type DataQualityConstraints, type MonitoringConfig } from '../data-quality/load-constraints.ts';
import { parseDataQualityStatistics, type BaselineStatistics } from '../data-quality/load-statistics.ts';
import { assertNotAFile } from '../storage/local.ts';
import { assertOutputFolders } from './output-folders.ts';
import { openStorage } from '../storage/open-storage.ts';
import { readLocationText } from '../storage/read-location-text.ts';
import { isS3Uri } from '../storage/s3-uri.ts';
import type { Storage } from '../storage/storage.ts';
import type { RunContext } from './run-context.ts';

export interface PreparedDataQualityRun {
  statistics?: BaselineStatistics;
  constraints?: DataQualityConstraints;
  /** The monitoring_config without a constraints file: the analyzer's fallbacks, with categorical_drift_method. */
  config: MonitoringConfig;
  /** How capture records become rows. */
  rows: CaptureRowOptions;
  output: Storage;
  capture: Storage;
  /** A host's share of a capture every host sees whole (set from the state plan). */
  captureDeal?: CaptureDeal;
}

/** Settings a data-quality run does not read (given explicitly, they are named in one warning). */
const MODEL_QUALITY_ONLY = [
  'problem_type',
  'inference_attribute',
  'probability_attribute',
  'probability_threshold_attribute',
  'positive_label',
  'ground_truth_s3_uri_path',
  'ground_truth_source',
  'MPM_CLASS_LABELS',
  'MPM_BINARY_SCORE',
  'MPM_MIN_JOINED_RECORDS',
  'MPM_CHECK_REQUEST_COUNT',
];

/** The model-quality settings given to a data-quality run. */
export function ignoredSettings(config: MonitorConfig): string[] {
  return MODEL_QUALITY_ONLY.filter((name) => {
    const source = config.sources[name];
    return source !== undefined && source !== 'default' && source !== 'unset';
  });
}

/** How captured records become rows: the sides read, the output columns' place, names and exclusions. */
export function rowOptionsOf(config: MonitorConfig): CaptureRowOptions {
  const format = config.datasetFormat;
  const sides = format.kind === 'sagemakerCaptureJson' || format.kind === 'sagemakerMergeJson' ? format.captureIndexNames : undefined;
  const position = format.kind === 'csv' && format.outputColumnsPosition !== undefined ? format.outputColumnsPosition : config.outputColumnsPosition;
  return {
    ...(sides ? { captureIndexNames: sides as CaptureRowOptions['captureIndexNames'] } : {}),
    outputColumnsPosition: position,
    ...(config.dataQualityColumns ? { columnNames: config.dataQualityColumns } : {}),
    excludeFeatures: config.excludeFeatures ?? [],
  };
}

/** The baseline of a data-quality run or roll-up: statistics, constraints and the monitoring_config in effect. */
export type DataQualityBaseline = Pick<PreparedDataQualityRun, 'statistics' | 'constraints' | 'config'>;

/** Reads and validates the baseline statistics and constraints (each optional) and the monitoring_config in effect. */
export async function readDataQualityBaseline(ctx: RunContext): Promise<DataQualityBaseline> {
  const { config } = ctx;
  const s3 = config.s3EndpointUrl;
  const drift = config.categoricalDriftMethod;
  const statistics =
    config.baselineStatistics === undefined
      ? undefined
      : parseDataQualityStatistics(await readLocationText(config.baselineStatistics, 'baseline_statistics', 'statistics.json', s3), config.baselineStatistics);
  for (const warning of statistics?.warnings ?? []) ctx.log.warn({ file: statistics!.source }, `baseline_statistics: ${warning}`);
  const constraints =
    config.baselineConstraints === undefined
      ? undefined
      : parseDataQualityConstraints(await readLocationText(config.baselineConstraints, 'baseline_constraints', 'constraints.json', s3), config.baselineConstraints, {
          ...(drift ? { categoricalDriftMethod: drift } : {}),
        });
  const monitoring = constraints?.config ?? { ...ANALYZER_FALLBACKS, ...(drift ? { categoricalDriftMethod: drift } : {}) };
  return { statistics, constraints, config: monitoring };
}

export async function prepareDataQuality(ctx: RunContext): Promise<PreparedDataQualityRun> {
  const { config } = ctx;
  const ignored = ignoredSettings(config);
  if (ignored.length > 0) ctx.log.warn({ settings: ignored }, 'data quality: these model-quality settings are ignored');
  const baseline = await readDataQualityBaseline(ctx);
  const options = { s3EndpointUrl: config.s3EndpointUrl };
  const output = await openStorage(config.outputPath, options);
  await assertOutputFolders(config);
  if (!isS3Uri(config.datasetSource)) await assertNotAFile(config.datasetSource, 'dataset_source', 'the capture', (m) => ctx.log.warn(m));
  const capture = await openStorage(config.datasetSource, options);
  return { ...baseline, rows: rowOptionsOf(config), output, capture };
}
