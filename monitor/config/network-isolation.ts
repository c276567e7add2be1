/**
 * @module A processing job with network isolation cannot reach S3 from the container: only what SageMaker mounts is
 * there. A model-quality run that reads or writes S3 itself (the prediction store, ground truth read straight from
 * S3, as a delayed hour's always is) would otherwise fail with the S3 client's connection error after minutes of
 * retries; this check names the setting and the cause before anything is read.
 */
import { existsSync } from 'node:fs';
import { ConfigError, showValue } from '../errors.ts';
import { MAX_CONFIG_FILE_BYTES } from '../ingest/read-limits.ts';
import { readCappedFileSync } from '../runtime/read-capped-file.ts';
import { isS3Uri } from '../storage/s3-uri.ts';
import type { MonitorConfig } from './load-config.ts';
import { withoutBom } from '../runtime/without-bom.ts';

/**
 * Whether processingjobconfig.json (the job's CreateProcessingJob request) has
 * `NetworkConfig.EnableNetworkIsolation` on. A missing or unreadable file is "no": its Environment problems are the
 * configuration loader's to report.
 */
export function networkIsolationOn(jobConfigFile: string): boolean {
  if (!existsSync(jobConfigFile)) return false;
  try {
    const text = readCappedFileSync(jobConfigFile, MAX_CONFIG_FILE_BYTES);
    const parsed = JSON.parse(withoutBom(text)) as { NetworkConfig?: { EnableNetworkIsolation?: unknown } } | null;
    const flag = parsed?.NetworkConfig?.EnableNetworkIsolation;
    return flag === true || (typeof flag === 'string' && flag.toLowerCase() === 'true');
  } catch {
    return false;
  }
}

/** The s3:// locations a model-quality run reaches itself (SageMaker mounts none of them), by setting name. */
function directS3Locations(config: MonitorConfig): Array<[string, string]> {
  const candidates: Array<[string, string | undefined]> = [
    ['MPM_PREDICTION_STORE', config.predictionStore],
    [config.groundTruth.variable, config.groundTruth.location],
    ['dataset_source', config.datasetSource],
    ['output_path', config.outputPath],
    ['MPM_STATE_URI', config.stateUri],
  ];
  return candidates.filter((c): c is [string, string] => c[1] !== undefined && isS3Uri(c[1]));
}

/**
 * Throws a ConfigError when the job runs with network isolation and the run would reach S3 itself: the message names
 * the isolation, the file it was read from, and every s3:// location concerned.
 */
export function assertS3Reachable(config: MonitorConfig): void {
  const locations = directS3Locations(config);
  if (locations.length === 0 || !networkIsolationOn(config.paths.jobConfigFile)) return;
  const named = locations.map(([setting, value]) => `${setting} ${showValue(value)}`).join(', ');
  const delayed = config.evaluationDelayHours > 0 ? `, and a delayed run reads the judged hour's ground truth and predictions from S3 itself` : '';
  throw new ConfigError(
    `config: the processing job runs with network isolation (NetworkConfig.EnableNetworkIsolation in ${config.paths.jobConfigFile}), so the container cannot reach S3, ` +
      `but this run reads or writes ${named} directly (SageMaker mounts only the job's inputs${delayed}); ` +
      'expected network isolation off (and, in a VPC, an S3 gateway endpoint), or local folders mounted as job inputs for these settings',
  );
}
