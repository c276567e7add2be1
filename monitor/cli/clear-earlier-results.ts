/**
 * @module A job whose configuration is refused still must not leave an earlier run's results in output_path: a
 * reused folder held the last run's statistics.json and a "Completed" monitoring_report.json beside this run's
 * "Failed" message, and would be read as its result. A later failure already removes them (failed-run.ts); this does
 * the same for a configuration error, when output_path itself was valid and is a local folder (SageMaker's is:
 * /opt/ml/processing/output, uploaded by the service). An s3:// output_path is left alone: the client's own settings
 * may be what was refused.
 */
import { existsSync } from 'node:fs';
import type { Logger } from 'pino';
import type { InvalidConfiguration } from '../config/load-config.ts';
import { removeStaleOutputs } from '../report/owned-outputs.ts';
import { LocalStorage } from '../storage/local.ts';
import { isS3Uri } from '../storage/s3-uri.ts';

export async function clearEarlierResults(output: InvalidConfiguration['output'], log: Logger): Promise<void> {
  if (output === undefined || isS3Uri(output.outputPath) || !existsSync(output.outputPath)) return;
  try {
    const removed = await removeStaleOutputs(new LocalStorage(output.outputPath), { inputs: output.inputs });
    if (removed.length > 0) log.info({ output_path: output.outputPath, removed }, "an earlier run's results were removed from output_path");
  } catch (error) {
    log.error({ err: (error as Error).message }, 'files of an earlier run could not be removed from output_path');
  }
}
