/**
 * @module `mpm-monitor suggest-baseline`: statistics.json and constraints.json from a labelled validation set.
 */
import { loadConfig } from '../config/load-config.ts';
import { suggestBaseline } from '../baseline/suggest-baseline.ts';
import { suggestDataQualityBaseline, type DataQualitySuggestion } from '../baseline/suggest-data-quality-baseline.ts';
import { MonitorError } from '../errors.ts';
import { checkFlags, parseCommandLine, flagsFrom, refuseUnknownOptions } from './command-options.ts';
import { createLogger } from './logger.ts';
import { dropPrivileges } from '../runtime/drop-privileges.ts';

const USAGE =
  '$0 [options]\n\nComputes the metrics of a labelled validation set and writes statistics.json and constraints.json (SageMaker model-quality ' +
  'schema) into output_path, with thresholds that allow for sampling noise: baseline value -/+ k * noise (see the README). The dataset is a ' +
  'csv / JSON Lines / parquet file or folder (dataset_format, with inference_attribute, probability_attribute, ground_truth_attribute), or ' +
  'capture and ground-truth folders. With --analysis-type DATA_QUALITY: statistics.json and constraints.json in SageMaker\'s data-quality ' +
  'schema from a csv / JSON Lines / parquet validation set or from capture (no labels needed).';

/** What suggest-baseline prints for a data-quality baseline. */
function dataQualityLines(outcome: DataQualitySuggestion): string {
  const features = outcome.constraints.features.map((f) => `  ${f.name}: ${f.inferred_type}, completeness ${f.completeness}${f.string_constraints ? `, ${f.string_constraints.domains.length} values in its domain` : ''}`);
  return `Baseline over ${outcome.records} records written to ${outcome.constraintsFile}${outcome.statisticsFile ? ` and ${outcome.statisticsFile}` : ''}\n${features.join('\n')}\n`;
}

export async function suggestCommand(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const parsed = await parseCommandLine(argv, 'suggest-baseline', 'mpm-monitor suggest-baseline', USAGE);
  let log = createLogger(env.MPM_LOG_LEVEL);
  try {
    checkFlags('suggest-baseline', argv, parsed);
    refuseUnknownOptions('suggest-baseline', parsed, 'mpm-monitor suggest-baseline');
    const config = loadConfig({ flags: flagsFrom('suggest-baseline', parsed, argv), env });
    log = createLogger(config.logLevel);
    for (const warning of config.warnings) log.warn(warning);
    await dropPrivileges(config, { log, env, command: 'suggest-baseline' });
    if (config.analysisType === 'DATA_QUALITY') {
      const suggestion = await suggestDataQualityBaseline(config, { log, now: () => new Date() });
      if ('failed' in suggestion) return suggestion.failed.exitCode;
      process.stdout.write(dataQualityLines(suggestion));
      return 0;
    }
    const outcome = await suggestBaseline(config, { log, now: () => new Date() });
    if ('failed' in outcome) return outcome.failed.exitCode;
    process.stdout.write(
      `Baseline over ${outcome.records} records written to ${outcome.constraintsFile}${outcome.statisticsFile ? ` and ${outcome.statisticsFile}` : ''}\n` +
        outcome.constraints.map((c) => `  ${c.metric} ${c.comparison_operator} ${c.threshold} (baseline ${c.baseline_value})`).join('\n') +
        '\n',
    );
    return 0;
  } catch (error) {
    log.error((error as Error).message);
    return error instanceof MonitorError ? error.exitCode : 1;
  }
}
