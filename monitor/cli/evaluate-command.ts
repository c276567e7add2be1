/**
 * @module `mpm-monitor evaluate --from T1 --to T2`: re-judges every stored hour in [T1, T2) from the prediction store
 * with the labels present now (after a label backfill, or to see how an hour's verdict changed), one hour at a
 * time (memory bounded by one hour), each hour's reports in Model Monitor's layout
 * {output_path}/{endpoint}/{schedule}/yyyy/mm/dd/hh/. No capture is read.
 */
import type { MonitorConfig } from '../config/load-config.ts';
import { loadConfig } from '../config/load-config.ts';
import { formatContractTime } from '../config/time.ts';
import { ConfigError, MonitorError, showValue } from '../errors.ts';
import { evaluateStoredWindow } from '../pipeline/run-delayed.ts';
import { HOUR_MS, hoursOfWindow, MAX_STORE_HOURS } from '../store/store-layout.ts';
import { checkFlags, parseCommandLine, flagsFrom, refuseUnknownOptions } from './command-options.ts';
import { earlyMessageFile, writeMessage } from './job-command.ts';
import { createLogger } from './logger.ts';
import { failedMessage } from '../report/status-message.ts';
import { EvaluateMetricsFile } from './evaluate-metrics-file.ts';
import type { PublishSummary } from '../publish/publish-metrics.ts';
import type { Logger } from 'pino';

const USAGE =
  '$0 --from T1 --to T2 [options]\n\nJudges every hour in [T1, T2) from the prediction store (MPM_PREDICTION_STORE) with the ground truth present now, ' +
  'one report folder per hour: {output_path}/{endpoint}/{schedule}/yyyy/mm/dd/hh/ (statistics.json, constraint_violations.json, ' +
  'monitoring_report.json, report.html). Takes the settings of the monitoring job; labels are read up to --ground-truth-lookahead-hours ' +
  'after each hour. T1 and T2 are whole UTC hours YYYY-MM-DDTHH:00:00Z or dates YYYY-MM-DD (midnight). Exit code: the worst of the hours.';

/** The hours to judge, checked: the store set, from and to whole hours, from before to. */
function hoursToJudge(config: MonitorConfig): number[] {
  if (config.predictionStore === undefined) throw new ConfigError('config: evaluate reads the prediction store, but MPM_PREDICTION_STORE is unset; expected a folder or s3:// URI');
  if (config.endpointName === undefined) throw new ConfigError('config: evaluate reads the store of one endpoint, but sagemaker_endpoint_name is unset; expected the endpoint name');
  const { evaluateFrom: from, evaluateTo: to } = config;
  if (from === undefined || to === undefined) throw new ConfigError('config: evaluate needs --from and --to (MPM_EVALUATE_FROM, MPM_EVALUATE_TO); expected whole UTC hours or dates, e.g. --from 2024-05-06T00:00:00Z --to 2024-05-07T00:00:00Z or --from 2024-05-06 --to 2024-05-07');
  // Named as the user gave them (hoursOfWindow names a job's start_time and end_time).
  for (const [flag, at] of [['--from', from], ['--to', to]] as const) {
    if (at % HOUR_MS !== 0) throw new ConfigError(`config: ${flag} ${showValue(formatContractTime(at))} is not a whole UTC hour; expected a whole hour, e.g. ${formatContractTime(Math.floor(at / HOUR_MS) * HOUR_MS)} (the store keeps whole hours)`);
  }
  if (to <= from) throw new ConfigError(`config: --to ${showValue(formatContractTime(to))} is not after --from ${showValue(formatContractTime(from))}; expected a range of at least one hour`);
  // Counted before the list is built (from 1970 to 9999 the list alone took 1.4 GB).
  const count = (to - from) / HOUR_MS;
  if (count > MAX_STORE_HOURS) throw new ConfigError(`config: --to ${showValue(formatContractTime(to))} is ${count} hours after --from; expected at most ${MAX_STORE_HOURS} hours per call`);
  return hoursOfWindow({ start: from, end: to });
}

/** The report folder of an hour: Model Monitor's {endpoint}/{schedule}/yyyy/mm/dd/hh below output_path. */
export function hourOutputPath(config: MonitorConfig, hour: number): string {
  const stamp = new Date(hour).toISOString();
  const folder = `${config.endpointName}/${config.scheduleName ?? 'evaluate'}/${stamp.slice(0, 4)}/${stamp.slice(5, 7)}/${stamp.slice(8, 10)}/${stamp.slice(11, 13)}`;
  return `${config.outputPath.replace(/\/+$/, '')}/${folder}`;
}

/**
 * The configuration of one hour: its window, its report folder, its metric time: the hour's end. A metric_time in
 * the settings (a schedule's job config carries one) is not used: one stamp for every hour would fold the hours into
 * one CloudWatch point.
 */
function hourConfig(config: MonitorConfig, hour: number): MonitorConfig {
  return { ...config, window: { start: hour, end: hour + HOUR_MS }, metricTime: undefined, evaluationDelayHours: 0, outputPath: hourOutputPath(config, hour) };
}

export async function evaluateCommand(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const parsed = await parseCommandLine(argv, 'evaluate', 'mpm-monitor evaluate', USAGE);
  let log = createLogger(env.MPM_LOG_LEVEL);
  let config: MonitorConfig;
  let hours: number[];
  const flags = flagsFrom('evaluate', parsed, argv);
  try {
    checkFlags('evaluate', argv, parsed);
    refuseUnknownOptions('evaluate', parsed, 'mpm-monitor evaluate');
    config = loadConfig({ flags, env });
    hours = hoursToJudge(config);
  } catch (error) {
    log.error((error as Error).message);
    await writeMessage(earlyMessageFile(flags.MPM_MESSAGE_FILE, env.MPM_MESSAGE_FILE), failedMessage((error as Error).message), log);
    return error instanceof MonitorError ? error.exitCode : 1;
  }
  log = createLogger(config.logLevel);
  for (const warning of config.warnings) log.warn(warning);
  if (config.metricTime !== undefined) log.warn({ metric_time: formatContractTime(config.metricTime) }, 'metric_time is not used by evaluate: each hour\'s metrics are stamped with that hour\'s end');
  const counts = { Completed: 0, CompletedWithViolations: 0, Failed: 0 };
  let exitCode = 0;
  let firstFailure: string | undefined;
  // Each hour's run replaces the CloudWatch metrics file; the call's file holds every hour's lines.
  const metricsFile = config.publishCloudWatchMetrics ? new EvaluateMetricsFile(config.paths.cloudwatchDir) : undefined;
  for (const hour of hours) {
    const outcome = await evaluateStoredWindow(hourConfig(config, hour), { log, now: () => new Date() });
    const notCollected = await collectMetrics(metricsFile, outcome.report.publish, log);
    counts[outcome.status]++;
    if (notCollected !== undefined) {
      firstFailure ??= `${formatContractTime(hour)}: ${notCollected}`;
      if (exitCode === 0) exitCode = 4;
    }
    if (outcome.status === 'Failed') firstFailure ??= `the first, ${formatContractTime(hour)}: ${outcome.message.replace(/^Failed: /, '')}`;
    if (outcome.exitCode !== 0 && exitCode === 0) exitCode = outcome.exitCode;
    const judged = outcome.report.evaluation;
    process.stdout.write(`${formatContractTime(hour)} ${outcome.status}${judged?.missing_hours.length ? ' (not in the store)' : ''} ${outcome.report.violations?.length ?? 0} violations -> ${hourOutputPath(config, hour)}\n`);
  }
  if (metricsFile) {
    try {
      const lines = await metricsFile.finish();
      log.debug({ lines }, 'CloudWatch metrics of every hour written');
    } catch (error) {
      // The call's metrics file is an output like a report file: not written, the call fails (exit 4).
      const reason = `cloudwatch: the metrics file of every hour could not be written (${(error as Error).message})`;
      log.error(reason);
      firstFailure ??= `the call's metrics file: ${reason}`;
      if (exitCode === 0) exitCode = 4;
    }
  }
  const summary = `${hours.length} ${hours.length === 1 ? 'hour' : 'hours'} judged from the prediction store: ${counts.Completed} Completed, ${counts.CompletedWithViolations} CompletedWithViolations, ${counts.Failed} Failed`;
  // A failed hour makes the call a failure, and the message file says so first, with the first failed hour's reason.
  const message = firstFailure === undefined ? summary : failedMessage(`${summary}; ${firstFailure}`);
  log.info(counts, message);
  await writeMessage(config.paths.messageFile, message, log);
  return exitCode;
}

/** Adds an hour's CloudWatch lines to the call's file; gives why it could not (the call then fails, exit 4). */
async function collectMetrics(file: EvaluateMetricsFile | undefined, publish: PublishSummary | undefined, log: Logger): Promise<string | undefined> {
  if (!file) return undefined;
  try {
    await file.add(publish);
    return undefined;
  } catch (error) {
    const reason = `cloudwatch: the hour's metrics could not be added to the metrics file (${(error as Error).message})`;
    log.error(reason);
    return reason;
  }
}
