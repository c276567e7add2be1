/**
 * @module `mpm-monitor rollup --from --to`: the job's settings (problem type, positive label, constraints, output
 * path, MPM_STATE_URI …) plus the span, and the roll-up of the stored run states of that span. Exit codes as the
 * job's: 2 configuration error, 3 no state or states that cannot be merged, 4 cannot write, 1 internal. The message
 * file says it as the job's does (Completed, CompletedWithViolations or Failed: …), for a roll-up run as a processing job.
 */
import { loadConfig, type MonitorConfig } from '../config/load-config.ts';
import { earlyMessageFile, writeMessage } from '../cli/job-command.ts';
import { completedMessage } from '../report/status-message.ts';
import { failed } from '../pipeline/outcome.ts';
import { checkFlags, parseCommandLine, flagsFrom, refuseUnknownOptions } from '../cli/command-options.ts';
import { createLogger } from '../cli/logger.ts';
import { ConfigError, showValue } from '../errors.ts';
import { parseContractTime } from '../config/time.ts';
import { rollUp } from './roll-up.ts';
import { HOUR_MS, MAX_STORE_HOURS } from '../store/store-layout.ts';

const USAGE =
  '$0 --from <time or date> --to <time or date> --state-uri <folder or s3://> --output-path <folder or s3://> [job options]\n\n' +
  'Merges the run states that model-quality runs (or, with --analysis-type DATA_QUALITY, data-quality runs) wrote to MPM_STATE_URI for the windows inside [from, to) (the latest state of each hour) into ' +
  'statistics.json, constraint_violations.json and rollup_report.json (hours merged, hours missing), without reading capture. ' +
  'Takes the job\'s options (problem type, positive label, baseline constraints ...): the settings behind the states\' fingerprint that the roll-up reads or that are given must equal the states\'; ' +
  '--from and --to are UTC times YYYY-MM-DDTHH:MM:SSZ or dates YYYY-MM-DD.';

/** --from/--to as the job's --start-time/--end-time (a date is its midnight, UTC). */
function spanFlags(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const match = /^--(from|to)(?:=(.*))?$/.exec(argv[i]!);
    if (!match) {
      out.push(argv[i]!);
      continue;
    }
    const value = match[2] ?? argv[++i] ?? '';
    out.push(match[1] === 'from' ? '--start-time' : '--end-time', /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  }
  return out;
}

/**
 * The span's own checks, named as the user typed them (the job's checks would name start_time and end_time, and warn
 * of a window open on one side).
 */
function checkSpan(flags: ReturnType<typeof flagsFrom>): void {
  const from = flags.start_time;
  const to = flags.end_time;
  const blank = (v: string | undefined): boolean => v === undefined || v.trim() === '';
  if (blank(from) || blank(to)) throw new ConfigError('config: a roll-up needs --from and --to; expected UTC times YYYY-MM-DDTHH:MM:SSZ or dates YYYY-MM-DD');
  const [start, end] = [parseContractTime(from!), parseContractTime(to!)];
  for (const [flag, text, time] of [['--from', from!, start], ['--to', to!, end]] as const) {
    if (time === undefined) throw new ConfigError(`config: ${flag} ${showValue(text)} is not valid; expected a UTC time YYYY-MM-DDTHH:MM:SSZ or a date YYYY-MM-DD`);
  }
  if (!(start! < end!)) {
    throw new ConfigError(`config: --to ${showValue(to!)} is not after --from ${showValue(from!)}; expected a span from --from up to --to`);
  }
  // The states are listed hour by hour: from 1970 to 9999 would be 70 million listings (hours, or S3 calls).
  const hours = Math.ceil((end! - start!) / HOUR_MS);
  if (hours > MAX_STORE_HOURS) {
    throw new ConfigError(`config: --to ${showValue(to!)} is ${hours} hours after --from ${showValue(from!)}; expected at most ${MAX_STORE_HOURS} hours (a year and a day) per roll-up`);
  }
}

export async function rollupCommand(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const args = spanFlags(argv);
  const parsed = await parseCommandLine(args, 'job', 'mpm-monitor rollup', USAGE);
  let log = createLogger(env.MPM_LOG_LEVEL);
  const flags = flagsFrom('job', parsed, args);
  let config: MonitorConfig | undefined;
  try {
    checkFlags('job', args, parsed);
    refuseUnknownOptions('job', parsed, 'mpm-monitor rollup');
    checkSpan(flags);
    config = loadConfig({ flags, env });
    log = createLogger(config.logLevel);
    for (const warning of config.warnings) log.warn(warning);
    const summary = await rollUp(config, { log, now: () => new Date() });
    process.stdout.write(
      `Roll-up of ${rolledHours(summary.hours)} (${summary.window.start_time} to ${summary.window.end_time}), ${summary.missing_hours.length} missing, ` +
        `${summary.violations} violations: ${Object.values(summary.outputs).join(', ')}\n`,
    );
    await writeMessage(config.paths.messageFile, completedMessage(summary.violations), log);
    return 0;
  } catch (error) {
    // How a run ends when it fails (pipeline/outcome.ts): the reason, an internal error said so, its exit code.
    const end = failed(error);
    log.error(end.known ? (error as Error).message : end.message);
    await writeMessage(config?.paths.messageFile ?? earlyMessageFile(flags.MPM_MESSAGE_FILE, env.MPM_MESSAGE_FILE), end.message, log);
    return end.exitCode;
  }
}

/** "2 hours", or "1 hour in 2 states" when runs over parts of an hour were merged. */
function rolledHours(hours: ReadonlyArray<{ hour: string }>): string {
  const distinct = new Set(hours.map((h) => h.hour)).size;
  const text = `${distinct} hour${distinct === 1 ? '' : 's'}`;
  return distinct === hours.length ? text : `${text} in ${hours.length} states`;
}
