/**
 * @module The first stage: everything that can be checked is checked before the first record is read. The
 * constraints file (and baseline_statistics) is read and validated, the output folder must be writable, the storages are opened.
 */
import { readBaselineMetrics, type BaselineMetrics } from '../baseline/read-baseline-metrics.ts';
import type { CaptureDeal } from '../state/input-distribution.ts';
import { assertS3Reachable } from '../config/network-isolation.ts';
import { readConstraints } from '../constraints/read-constraints.ts';
import type { ConstraintSet } from '../constraints/parse-constraints.ts';
import type { ResponseOptions } from '../ingest/explode-response.ts';
import { responseOptionsOf } from '../ingest/response-options.ts';
import { removeStaleOutputs } from '../report/owned-outputs.ts';
import { dropPrivileges } from '../runtime/drop-privileges.ts';
import { assertNotAFile } from '../storage/local.ts';
import { assertOutputFolders } from './output-folders.ts';
import { openStorage } from '../storage/open-storage.ts';
import { isS3Uri } from '../storage/s3-uri.ts';
import type { Storage } from '../storage/storage.ts';
import type { RunContext } from './run-context.ts';
import { openPredictionStore, type PredictionStore } from './store-predictions.ts';

export interface PreparedRun {
  constraints: ConstraintSet;
  response: ResponseOptions;
  output: Storage;
  capture: Storage;
  /** suggest-baseline: keep the labelled records to fit the calibration of the label-free estimate on. */
  collectReference?: boolean;
  /** MPM_PREDICTION_STORE, opened and checked. */
  store?: PredictionStore;
  /** A host's share of a capture every host sees whole (set from the state plan). */
  captureDeal?: CaptureDeal;
  /** baseline_statistics: the baseline's metrics, shown beside the window's in the run report. */
  baseline?: BaselineMetrics;
}

export async function prepareRun(ctx: RunContext): Promise<PreparedRun> {
  const { config } = ctx;
  // A job with network isolation cannot reach the S3 locations the run reads itself: said now, not as a timeout.
  assertS3Reachable(config);
  // In the image: the written folders become the image user's and root is dropped, before any input is read.
  await dropPrivileges(config, { log: ctx.log });
  const response = responseOptionsOf(config);
  const constraints = await readConstraints(config);
  ctx.facts.constraints = constraints;
  if (constraints.schema !== 'none' && constraints.constraints.length === 0 && constraints.estimated.length === 0) {
    // A file of no constraint ({} or an empty section) checks nothing: the run would say "no violations" regardless.
    ctx.log.warn({ baseline_constraints: constraints.source }, 'the constraints file holds no constraint: nothing is checked');
  }
  const baseline = await readBaselineMetrics(config, ctx.log);
  const options = { s3EndpointUrl: config.s3EndpointUrl };
  const output = await openStorage(config.outputPath, options);
  // An output folder that cannot be written is found now, not after an hour of reading.
  await assertOutputFolders(config);
  // A previous run's results must not outlive this run, whatever becomes of it (issue 14, item 5).
  await removeStaleOutputs(output, { inputs: [config.baselineConstraints, config.baselineStatistics] });
  if (!isS3Uri(config.datasetSource)) await assertNotAFile(config.datasetSource, 'dataset_source', 'the capture', (m) => ctx.log.warn(m));
  const gt = config.groundTruth.location;
  if (gt !== '' && !isS3Uri(gt)) await assertNotAFile(gt, config.groundTruth.variable, 'the ground truth', (m) => ctx.log.warn(m));
  const capture = await openStorage(config.datasetSource, options);
  const store = await openPredictionStore(config, ctx.deps.now());
  return { constraints, response, output, capture, store, baseline };
}
