/**
 * @module The local folders a run writes its results to, checked before any input is read: output_path and, when
 * the run publishes the CloudWatch metrics file, CLOUDWATCH_METRICS_DIRECTORY. A folder that cannot be written is an
 * OutputError (exit 4) now, not after an hour of reading (the metrics folder was found only at the end, and the run
 * said Completed with nothing published).
 */
import type { MonitorConfig } from '../config/load-config.ts';
import { assertWritableFolder } from '../storage/local.ts';
import { isS3Uri } from '../storage/s3-uri.ts';

export async function assertOutputFolders(config: Pick<MonitorConfig, 'outputPath' | 'publishCloudWatchMetrics' | 'paths'>): Promise<void> {
  if (!isS3Uri(config.outputPath)) await assertWritableFolder(config.outputPath, 'output_path');
  if (config.publishCloudWatchMetrics) await assertWritableFolder(config.paths.cloudwatchDir, 'CLOUDWATCH_METRICS_DIRECTORY');
}
