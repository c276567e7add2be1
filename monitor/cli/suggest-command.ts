/**
 * @module `mpm-monitor suggest-baseline`: statistics.json and constraints.json from a labelled validation set.
 */
import { loadConfig } from '../config/load-config.ts';
import { suggestBaseline } from '../baseline/suggest-baseline.ts';
import { suggestDataQualityBaseline, type DataQualitySuggestion } from '../baseline/suggest-data-quality-baseline.ts';
import { MonitorError } from '../errors.ts';
import { completedMessage, failedMessage } from '../report/status-message.ts';
import { checkFlags, parseCommandLine, flagsFrom, refuseUnknownOptions } from './command-options.ts';
import { earlyMessageFile, writeMessage } from './job-command.ts';
import { createLogger } from './logger.ts';
import { dropPrivileges } from '../runtime/drop-privileges.ts';
import type { FlagValues, MonitorConfig } from '../config/load-config.ts';

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

/**
 * The baselining job's command. Like the monitoring job it writes the message file (a SageMaker processing job's
 * ExitMessage): "Completed: ..." when the baseline is written, "Failed: <reason>" otherwise.
 */
export async function suggestCommand(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const parsed = await parseCommandLine(argv, 'suggest-baseline', 'mpm-monitor suggest-baseline', USAGE);
  let log = createLogger(env.MPM_LOG_LEVEL);
  let config: MonitorConfig | undefined;
  let flags: FlagValues | undefined;
  const messageFile = (): string => config?.paths.messageFile ?? earlyMessageFile(flags?.MPM_MESSAGE_FILE, env.MPM_MESSAGE_FILE);
  try {
    checkFlags('suggest-baseline', argv, parsed);
    refuseUnknownOptions('suggest-baseline', parsed, 'mpm-monitor suggest-baseline');
    flags = flagsFrom('suggest-baseline', parsed, argv);
    config = loadConfig({ flags, env });
    log = createLogger(config.logLevel);
    for (const warning of config.warnings) log.warn(warning);
    await dropPrivileges(config, { log, env, command: 'suggest-baseline' });
    let printed: string;
    if (config.analysisType === 'DATA_QUALITY') {
      const suggestion = await suggestDataQualityBaseline(config, { log, now: () => new Date() });
      if ('failed' in suggestion) {
        await writeMessage(messageFile(), suggestion.failed.message, log);
        return suggestion.failed.exitCode;
      }
      printed = dataQualityLines(suggestion);
    } else {
      const outcome = await suggestBaseline(config, { log, now: () => new Date() });
      if ('failed' in outcome) {
        await writeMessage(messageFile(), outcome.failed.message, log);
        return outcome.failed.exitCode;
      }
      printed =
        `Baseline over ${outcome.records} records written to ${outcome.constraintsFile}${outcome.statisticsFile ? ` and ${outcome.statisticsFile}` : ''}\n` +
        outcome.constraints.map((c) => `  ${c.metric} ${c.comparison_operator} ${c.threshold} (baseline ${c.baseline_value})`).join('\n') +
        '\n';
    }
    await writeMessage(messageFile(), completedMessage(0), log);
    process.stdout.write(printed);
    return 0;
  } catch (error) {
    log.error((error as Error).message);
    await writeMessage(messageFile(), failedMessage((error as Error).message), log);
    return error instanceof MonitorError ? error.exitCode : 1;
  }
}
