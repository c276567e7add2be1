/**
 * @module `mpm-monitor` (the monitoring job): argv -> config -> the pipeline -> the message file and the exit code.
 * A stopped job (StopProcessingJob, docker stop) gets SIGTERM, then SIGKILL 30 s later: it says why in the message.
 */
import type { Logger } from 'pino';
import { InvalidConfiguration, loadConfig, type MonitorConfig } from '../config/load-config.ts';
import { failedMessage } from '../report/status-message.ts';
import { writeMessageFile, writeMessageFileSync } from '../report/write-message.ts';
import { clearEarlierResults } from './clear-earlier-results.ts';
import { checkFlags, describeUnknownOption, parseCommandLine, flagsFrom, unknownOptions } from './command-options.ts';
import { createLogger } from './logger.ts';
import { MonitorError } from '../errors.ts';

const USAGE =
  '$0 [options]\n$0 suggest-baseline|evaluate|rollup|history [options]   (see <command> --help)\n$0 --version\n\nJudges the model quality of a SageMaker endpoint whose requests carry many records: streams the data capture, ' +
  'explodes multi-record payloads, joins ground truth on (inferenceId, payload_index), computes metrics, checks constraints and writes ' +
  'statistics.json, constraint_violations.json, monitoring_report.json and /opt/ml/output/message. With --analysis-type DATA_QUALITY it ' +
  'profiles every record of every request instead and checks it against the baseline statistics and constraints (no ground truth).\n\n' +
  'Each option can also be given as the environment variable in brackets, or in /opt/ml/config/processingjobconfig.json "Environment". ' +
  'Precedence: flag, environment, job config, default.';

/** Writes the message file; outside SageMaker its default folder may not be writable, which only warns. */
export async function writeMessage(file: string, message: string, log: Logger): Promise<void> {
  try {
    await writeMessageFile(file, message);
  } catch (error) {
    log.warn({ file, err: (error as Error).message }, 'the message file could not be written (outside SageMaker, redirect it with --message-file)');
  }
}

/**
 * The message file of a run whose configuration was refused (no config to read it from): the flag, else the variable,
 * else SageMaker's path; a blank value is unset, as for every setting.
 */
export function earlyMessageFile(flag: string | undefined, variable: string | undefined): string {
  return [flag, variable].find((v) => v !== undefined && v.trim() !== '') ?? '/opt/ml/output/message';
}

export async function jobCommand(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const parsed = await parseCommandLine(argv, 'job', 'mpm-monitor', USAGE);
  const flags = flagsFrom('job', parsed, argv);
  const bootLog = createLogger(env.MPM_LOG_LEVEL);
  const unknown = unknownOptions('job', parsed);
  if (unknown.length > 0) bootLog.warn({ unknown }, `ignoring unknown options: ${unknown.map((name) => describeUnknownOption('job', name)).join(', ')}`);

  let config: MonitorConfig;
  try {
    checkFlags('job', argv, parsed, true);
    config = loadConfig({ flags, env });
  } catch (error) {
    const err = error as Error;
    bootLog.error(err.message);
    if (error instanceof InvalidConfiguration) await clearEarlierResults(error.output, bootLog);
    await writeMessage(earlyMessageFile(flags.MPM_MESSAGE_FILE, env.MPM_MESSAGE_FILE), failedMessage(err.message), bootLog);
    return error instanceof MonitorError ? error.exitCode : 1;
  }

  const log = createLogger(config.logLevel);
  for (const warning of config.warnings) log.warn(warning);
  const onTerm = (): void => {
    try {
      // Written through a link, device or pipe, never blocking on a pipe nobody reads (issue 14, item 10).
      writeMessageFileSync(config.paths.messageFile, failedMessage('stopped by SIGTERM before the job completed'));
    } catch {
      // Outside SageMaker the message file may not be writable; the exit code still says it.
    }
    process.exit(143);
  };
  process.once('SIGTERM', onTerm);
  try {
    const dataQuality = config.analysisType === 'DATA_QUALITY';
    const what = dataQuality ? { analysisType: config.analysisType } : { problemType: config.problemType };
    log.info({ ...what, datasetSource: config.datasetSource, output: config.outputPath, window: config.window }, 'mpm-monitor starting');
    const deps = { log, now: () => new Date() };
    // The ground truth starts loading on its own thread now, while this thread loads the pipeline's modules (unless
    // root is still to be dropped: then the pipeline starts it once it has been).
    const onThread = dataQuality ? undefined : await import('../pipeline/labels-on-thread.ts');
    const labelsStarted = onThread?.readsLabelsOnThread(config, false) && onThread.readsBeforeDrop(env) ? onThread.startLabels(config, log) : undefined;
    // Each analysis loads only its own modules (start-up is mostly module loading).
    const outcome = dataQuality
      ? await (await import('../pipeline/run-data-quality.ts')).runDataQuality(config, deps)
      : await (await import('../pipeline/run-model-quality.ts')).runModelQuality(config, deps, { labelsStarted });
    await writeMessage(config.paths.messageFile, outcome.message, log);
    if (outcome.exitCode === 0) log.info({ status: outcome.status, violations: outcome.report.violations?.length ?? outcome.report.data_quality?.violations.length ?? 0 }, outcome.message);
    return outcome.exitCode;
  } finally {
    process.off('SIGTERM', onTerm);
  }
}
