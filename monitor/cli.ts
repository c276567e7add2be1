#!/usr/bin/env node
/**
 * @module The monitor's entry point: argv -> config -> run() -> message file and exit code.
 *
 * Exit codes: 0 Completed or CompletedWithViolations; 2 configuration error; 3 input error (errors beyond
 * MPM_MAX_INPUT_ERROR_RATE, or too few joined records with MPM_ON_INSUFFICIENT_DATA=fail); 4 output error;
 * 1 internal error. The reason is always in the message file and the log.
 */
import { realpathSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import pino, { type Logger } from 'pino';
import { loadConfig, type MonitorConfig } from './config/load-config.ts';
import { SETTINGS, type SettingName } from './config/settings.ts';
import { ConfigError, MonitorError, showValue } from './errors.ts';
import { suggestBaseline } from './baseline/suggest-baseline.ts';
import { run, RunFailure, REPORT_FILES } from './run.ts';
import { failedMessage, writeMessageFile } from './report/status-message.ts';
import { buildRunReport } from './report/build-run-report.ts';
import { writeJson } from './report/json-file.ts';
import { writeReportPage } from './report/html/write-report-page.ts';
import { openStorage } from './storage/open-storage.ts';

const GROUP_TITLES: Record<string, string> = {
  contract: 'SageMaker Model Monitor contract (environment variable in brackets):',
  'ground truth': 'Ground truth:',
  mpm: 'Behaviour:',
  aws: 'AWS outside Model Monitor:',
  paths: '/opt/ml paths (redirect them for local runs):',
};

/** Adds one option per setting, described with its environment name and default. */
export function addSettingOptions<T>(y: Argv<T>): Argv<T> {
  let out = y;
  for (const s of SETTINGS) {
    const def = (s as { default?: string }).default;
    out = out.option(s.flag, {
      type: 'string',
      group: GROUP_TITLES[s.group],
      description: `${s.description} [${s.env}]${def !== undefined ? ` (default: ${def})` : ''}`,
    }) as Argv<T>;
  }
  return out;
}

/** A yargs parser with the settings' options and the common behaviour (help, no version, lenient). */
function commandParser(argv: string[], name: string, usage: string): Argv {
  return addSettingOptions(
    yargs(argv)
      .scriptName(name)
      .usage(usage)
      .strict(false)
      .version(false)
      .help('help')
      .alias('help', 'h')
      .wrap(Math.min(120, process.stdout.columns || 120)),
  );
}

/** Collects the flags given on the command line, keyed by setting name. */
export function flagsFrom(argv: Record<string, unknown>): Partial<Record<SettingName, string>> {
  const flags: Partial<Record<SettingName, string>> = {};
  for (const s of SETTINGS) {
    const v = argv[s.flag];
    if (typeof v === 'string') flags[s.env] = v;
    else if (Array.isArray(v) && v.length > 0) flags[s.env] = String(v[v.length - 1]);
  }
  return flags;
}

function createLogger(level: string): Logger {
  return pino({ name: 'mpm-monitor', level, base: undefined }, pino.destination(2));
}

/** Best-effort message file path when the configuration itself failed. */
function messageFileFallback(flags: Partial<Record<SettingName, string>>, env: NodeJS.ProcessEnv): string {
  return flags.MPM_MESSAGE_FILE ?? env.MPM_MESSAGE_FILE ?? '/opt/ml/output/message';
}

async function writeMessage(file: string, message: string, log: Logger): Promise<void> {
  try {
    await writeMessageFile(file, message);
  } catch (error) {
    log.warn({ file, err: (error as Error).message }, 'the message file could not be written (outside SageMaker, redirect it with --message-file)');
  }
}

/** Runs the monitoring job (or `suggest-baseline`) with the given arguments and environment; resolves with the exit code. */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (argv[0] === 'suggest-baseline') return suggestMain(argv.slice(1), env);
  if (argv[0] === 'history') return (await import('./history/history-main.ts')).historyMain(argv.slice(1), env);
  const parsed = await commandParser(
    argv,
    'mpm-monitor',
    '$0 [options]\n$0 suggest-baseline [options]   (see suggest-baseline --help)\n\nJudges the model quality of a SageMaker endpoint whose requests carry many records: streams the data capture, ' +
          'explodes multi-record payloads, joins ground truth on (inferenceId, payload_index), computes metrics, checks constraints and writes ' +
          'statistics.json, constraint_violations.json, monitoring_report.json and /opt/ml/output/message.\n\n' +
          'Each option can also be given as the environment variable in brackets, or in /opt/ml/config/processingjobconfig.json "Environment". ' +
          'Precedence: flag, environment, job config, default.',
  )
    .option('create-violation-tests', { type: 'boolean', default: false, description: 'Add one clearly marked synthetic violation (to test alerting)' })
    .parserConfiguration({ 'unknown-options-as-args': false })
    .parseAsync();

  const flags = flagsFrom(parsed as Record<string, unknown>);
  const bootLog = createLogger(env.MPM_LOG_LEVEL && ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(env.MPM_LOG_LEVEL) ? env.MPM_LOG_LEVEL : 'info');
  const unknown = Object.keys(parsed).filter((k) => !['_', '$0', 'help', 'h', 'create-violation-tests', 'createViolationTests'].includes(k) && !SETTINGS.some((s) => s.flag === k || camel(s.flag) === k));
  if (unknown.length > 0 || (parsed._ as unknown[]).length > 0) bootLog.warn({ unknown, args: parsed._ }, 'ignoring unknown arguments');

  let config: MonitorConfig;
  try {
    config = loadConfig({ flags, env, createViolationTests: Boolean(parsed['create-violation-tests']) });
  } catch (error) {
    const err = error as Error;
    bootLog.error(err.message);
    await writeMessage(messageFileFallback(flags, env), failedMessage(err.message), bootLog);
    return error instanceof MonitorError ? error.exitCode : 1;
  }

  const log = createLogger(config.logLevel);
  // A stopped job (StopProcessingJob, docker stop) gets SIGTERM, then SIGKILL 30 s later: say why in the message.
  const onTerm = (): void => {
    try {
      writeFileSync(config.paths.messageFile, failedMessage('stopped by SIGTERM before the job completed'));
    } catch {
      // Outside SageMaker the message file may not be writable; the exit code still says it.
    }
    process.exit(143);
  };
  process.once('SIGTERM', onTerm);
  log.info({ problemType: config.problemType, datasetSource: config.datasetSource, output: config.outputPath, window: config.window }, 'mpm-monitor starting');
  try {
    const outcome = await run(config, { log, now: () => new Date() });
    await writeMessage(config.paths.messageFile, outcome.message, log);
    log.info({ status: outcome.status, violations: outcome.report.violations?.length ?? 0 }, outcome.message);
    return outcome.exitCode;
  } catch (error) {
    const failure = error instanceof RunFailure ? error : new RunFailure(error as Error, {});
    const cause = failure.error;
    const known = cause instanceof MonitorError;
    const exitCode = known ? cause.exitCode : 1;
    const message = failedMessage(known ? cause.message : `internal error: ${cause.message}`);
    if (!known) log.error({ err: cause }, 'internal error');
    else log.error(cause.message);
    await writeMessage(config.paths.messageFile, message, log);
    // The run report is still written, so the reason and what was read are kept with the outputs.
    try {
      const output = await openStorage(config.outputPath, { s3EndpointUrl: config.s3EndpointUrl });
      const p = failure.partial;
      const report = buildRunReport({ config, status: 'Failed', message, exitCode, constraints: p.constraints, capture: p.capture, groundTruth: p.groundTruth, tally: p.tally, timings: p.timings ?? {} });
      // The page says why the run failed; writeReportPage never throws.
      report.report_html = await writeReportPage(output, { report }, log);
      await writeJson(output, REPORT_FILES.runReport, report);
    } catch (reportError) {
      log.warn({ err: (reportError as Error).message }, 'the run report of the failed run could not be written');
    }
    return exitCode;
  } finally {
    process.off('SIGTERM', onTerm);
  }
}

/** `mpm-monitor suggest-baseline`: statistics.json and constraints.json from a labelled validation set. */
async function suggestMain(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const parsed = await commandParser(
    argv,
    'mpm-monitor suggest-baseline',
    '$0 [options]\n\nComputes the metrics of a labelled validation set and writes statistics.json and constraints.json (SageMaker model-quality ' +
          'schema) into output_path, with thresholds that allow for sampling noise: baseline value -/+ k * noise (see the README). The dataset is a ' +
          'csv / JSON Lines / parquet file or folder (dataset_format, with inference_attribute, probability_attribute, ground_truth_attribute), or ' +
          'capture and ground-truth folders.',
  )
    .option('k', { type: 'number', default: 3, description: 'Noise units between the baseline value and the threshold' })
    .option('expected-records', { type: 'number', description: 'Records expected in one monitoring run (default: as many as the baseline)' })
    .option('from-accuracy', { type: 'number', description: "The seed's path: write one accuracy constraint with this threshold, read no data" })
    .parseAsync();
  const flags = flagsFrom(parsed as Record<string, unknown>);
  let log = createLogger('info');
  try {
    const config = loadConfig({ flags, env });
    log = createLogger(config.logLevel);
    const k = Number(parsed.k);
    const expected = parsed['expected-records'] as number | undefined;
    const fromAccuracy = parsed['from-accuracy'] as number | undefined;
    if (!Number.isFinite(k) || k < 0) throw new ConfigError(`config: --k ${showValue(parsed.k)} is not valid; expected a number >= 0, e.g. 3`);
    if (expected !== undefined && !(Number.isInteger(expected) && expected > 0)) throw new ConfigError(`config: --expected-records ${showValue(expected)} is not valid; expected a whole number > 0`);
    if (fromAccuracy !== undefined && !(fromAccuracy >= 0 && fromAccuracy <= 1)) throw new ConfigError(`config: --from-accuracy ${showValue(fromAccuracy)} is not valid; expected a number between 0 and 1`);
    const outcome = await suggestBaseline(config, { k, expectedRecords: expected, fromAccuracy }, { log, now: () => new Date() });
    process.stdout.write(
      `Baseline over ${outcome.records} records written to ${outcome.constraintsFile}${outcome.statisticsFile ? ` and ${outcome.statisticsFile}` : ''}\n` +
        outcome.constraints.map((c) => `  ${c.metric} ${c.comparison_operator} ${c.threshold} (baseline ${c.baseline_value})`).join('\n') +
        '\n',
    );
    return 0;
  } catch (error) {
    const err = error as Error;
    log.error(err.message);
    return error instanceof MonitorError ? error.exitCode : 1;
  }
}

function camel(flag: string): string {
  return flag.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

// Run when executed directly (node dist/monitor/cli.js, tsx monitor/cli.ts); bin/mpm-monitor.js calls main() itself.
const invoked = process.argv[1];
if (invoked && realpathSync(invoked) === realpathSync(fileURLToPath(import.meta.url))) {
  main(hideBin(process.argv)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
