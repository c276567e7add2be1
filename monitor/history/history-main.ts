/**
 * @module `mpm-monitor history`: the command line of buildHistory. Reads the reports of many runs (a folder or an
 * S3 prefix in Model Monitor's {endpoint}/{schedule}/yyyy/mm/dd/hh/ layout) and writes history.html and
 * history.parquet. Exit codes as the job's: 2 configuration error, 3 nothing to read, 4 cannot write, 1 internal.
 */
import yargs from 'yargs';
import pino from 'pino';
import { logDestination } from '../runtime/log-destination.ts';
import { readDecimal } from '../runtime/decimal.ts';
import { parseContractTime } from '../config/time.ts';
import { ConfigError, MonitorError, showValue } from '../errors.ts';
import { oneValue } from '../cli/one-value.ts';
import { buildHistory, HISTORY_PAGE_FILE, HISTORY_TABLE_FILE, type HistoryOptions } from './build-history.ts';
import { DEFAULT_FOLDER_WINDOW } from './report-path.ts';

/** Report files larger than this many MB are skipped and listed, unless --max-file-mb says otherwise. */
const MAX_FILE_MB = 64;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** A time flag: YYYY-MM-DDTHH:MM:SSZ (UTC) or a date YYYY-MM-DD (its midnight, UTC). */
function parseTimeFlag(flag: string, given: unknown): number | undefined {
  const value = oneValue(flag, given);
  if (value === undefined) return undefined;
  const text = String(value);
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(text) ? parseContractTime(`${text}T00:00:00Z`) : parseContractTime(text);
  if (ms === undefined) throw new ConfigError(`config: --${flag} ${showValue(value)} is not valid; expected a UTC time YYYY-MM-DDTHH:MM:SSZ or a date YYYY-MM-DD`);
  return ms;
}

/** A number flag (read as text: yargs' numbers would show "abc" as null and read 0x10 as 16), in decimal. */
function parseNumberFlag(flag: string, given: unknown, fallback: number, check: (n: number) => boolean, expected: string): number {
  const value = oneValue(flag, given);
  if (value === undefined) return fallback;
  const n = typeof value === 'string' ? readDecimal(value) : undefined;
  if (n === undefined || !check(n)) throw new ConfigError(`config: --${flag} ${showValue(value)} is not valid; expected ${expected}`);
  return n;
}

function stringFlag(flag: string, given: unknown): string | undefined {
  const value = oneValue(flag, given);
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '') throw new ConfigError(`config: --${flag} ${showValue(value)} is not valid; expected a non-empty text`);
  return value;
}

/** Where the command writes: the summary to `stdout`, the log and errors to `stderr` (default: the process's). */
export interface HistoryIo {
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
}

type Parsed = Record<string, unknown> & { help?: boolean };

/** The command line, parsed strictly (an unknown flag is a ConfigError). */
async function parseArgs(argv: string[]): Promise<Parsed> {
  return (await yargs(argv)
    .scriptName('mpm-monitor history')
    .usage(
      '$0 --source <folder or s3://prefix> --output-path <folder or s3://prefix> [options]\n\n' +
        'Reads the reports of many monitoring runs (Model Monitor\'s {endpoint}/{schedule}/yyyy/mm/dd/hh/ folders, written by mpm or by SageMaker\'s ' +
        `own analyzer) and writes ${HISTORY_PAGE_FILE} (each metric over time with its threshold and standard-deviation band, violations on a timeline, ` +
        `coverage, estimates, data-quality features) and ${HISTORY_TABLE_FILE} (every run's metrics, one row per run, window and metric).`,
    )
    .option('source', { type: 'string', description: 'Folder or s3:// prefix holding the report folders (any depth above the endpoint folders)' })
    .option('output-path', { type: 'string', description: `Folder or s3:// prefix to write ${HISTORY_PAGE_FILE} and ${HISTORY_TABLE_FILE} to` })
    .option('from', { type: 'string', description: 'Only windows starting at or after this UTC time (YYYY-MM-DDTHH:MM:SSZ or YYYY-MM-DD)' })
    .option('to', { type: 'string', description: 'Only windows starting before this UTC time' })
    .option('endpoint', { type: 'string', description: 'Only this endpoint' })
    .option('schedule', { type: 'string', description: 'Only this monitoring schedule' })
    .option('title', { type: 'string', description: 'Title of the page (default "Monitoring history")' })
    .option('max-file-mb', { type: 'string', description: `Report files larger than this are skipped and listed (default: ${MAX_FILE_MB})` })
    .option('folder-window-offset-hours', {
      type: 'string',
      description: `Folders without monitoring_report.json: window start relative to the folder's hour (-1: the hour before, as an hourly schedule judges) (default: ${DEFAULT_FOLDER_WINDOW.offsetHours})`,
    })
    .option('folder-window-hours', { type: 'string', description: `Folders without monitoring_report.json: window length in hours (default: ${DEFAULT_FOLDER_WINDOW.hours})` })
    .option('s3-endpoint-url', { type: 'string', description: 'Endpoint of an S3-compatible server [AWS_ENDPOINT_URL_S3]' })
    .option('log-level', { type: 'string', description: 'pino log level [MPM_LOG_LEVEL] (default: info)' })
    .strict()
    .version(false)
    .help('help')
    .alias('help', 'h')
    .exitProcess(false)
    .fail((message, error) => {
      throw error ?? new ConfigError(`config: ${message}; see mpm-monitor history --help`);
    })
    .wrap(Math.min(120, process.stdout.columns || 120))
    .parseAsync()) as Parsed;
}

/** The options of buildHistory from the parsed flags; every bad value is a ConfigError naming the flag. */
function optionsFrom(parsed: Parsed, env: NodeJS.ProcessEnv): HistoryOptions {
  const source = stringFlag('source', parsed.source);
  const outputPath = stringFlag('output-path', parsed['output-path']);
  if (source === undefined) throw new ConfigError('config: --source is required; expected the folder or s3:// prefix holding the report folders');
  if (outputPath === undefined) throw new ConfigError(`config: --output-path is required; expected a folder or s3:// prefix for ${HISTORY_PAGE_FILE} and ${HISTORY_TABLE_FILE}`);
  const options: HistoryOptions = {
    source,
    outputPath,
    from: parseTimeFlag('from', parsed.from),
    to: parseTimeFlag('to', parsed.to),
    endpoint: stringFlag('endpoint', parsed.endpoint),
    schedule: stringFlag('schedule', parsed.schedule),
    title: stringFlag('title', parsed.title),
    s3EndpointUrl: stringFlag('s3-endpoint-url', parsed['s3-endpoint-url']) ?? env.AWS_ENDPOINT_URL_S3,
    maxFileBytes: parseNumberFlag('max-file-mb', parsed['max-file-mb'], MAX_FILE_MB, (n) => n > 0 && n <= 4096, 'a size in MB between 0 and 4096') * 1024 * 1024,
    folderWindow: {
      offsetHours: parseNumberFlag('folder-window-offset-hours', parsed['folder-window-offset-hours'], DEFAULT_FOLDER_WINDOW.offsetHours, (n) => Number.isInteger(n) && Math.abs(n) <= 24 * 366, 'a whole number of hours, e.g. -1'),
      hours: parseNumberFlag('folder-window-hours', parsed['folder-window-hours'], DEFAULT_FOLDER_WINDOW.hours, (n) => Number.isInteger(n) && n >= 1 && n <= 24 * 366, 'a whole number of hours >= 1'),
    },
  };
  if (options.from !== undefined && options.to !== undefined && options.from >= options.to) {
    throw new ConfigError(`config: --from ${showValue(parsed.from)} is not before --to ${showValue(parsed.to)}; expected an earlier --from`);
  }
  return options;
}

/** Runs `mpm-monitor history` with the arguments after "history"; resolves with the exit code. */
export async function historyMain(argv: string[], env: NodeJS.ProcessEnv = process.env, io: HistoryIo = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  let parsed: Parsed;
  try {
    parsed = await parseArgs(argv);
  } catch (error) {
    // yargs reports a bad command line by throwing, synchronously or not.
    (io.stderr ?? process.stderr).write(`${(error as Error).message}\n`);
    return error instanceof MonitorError ? error.exitCode : 2;
  }
  if (parsed.help) return 0;
  // The flag, else MPM_LOG_LEVEL (blank is unset); any case, spaces around it ignored, as the job reads it. A bad
  // one is refused once the log exists to say so.
  const flagLevel = Array.isArray(parsed['log-level']) ? parsed['log-level'][0] : parsed['log-level'];
  const [levelSource, levelGiven] = flagLevel !== undefined ? ['--log-level', String(flagLevel)] : env.MPM_LOG_LEVEL?.trim() ? ['MPM_LOG_LEVEL', env.MPM_LOG_LEVEL] : ['', 'info'];
  const levelText = levelGiven.trim().toLowerCase();
  const log = pino({ name: 'mpm-monitor history', level: LOG_LEVELS.includes(levelText) ? levelText : 'info', base: undefined }, io.stderr ?? logDestination(2));
  try {
    oneValue('log-level', parsed['log-level']);
    if (!LOG_LEVELS.includes(levelText)) throw new ConfigError(`config: ${levelSource} ${showValue(levelGiven)} is not valid; expected one of ${LOG_LEVELS.join(', ')}`);
    const result = await buildHistory(optionsFrom(parsed, env), log);
    stdout.write(
      `history: ${result.runs} runs in ${result.series} series from ${result.folders} report folders` +
        `${result.filtered ? ` (${result.filtered} left out by the filters)` : ''}${result.problems ? `, ${result.problems} problems (listed on the page)` : ''}\n` +
        `  ${result.page.location} (${result.page.bytes} bytes)\n  ${result.table.location} (${result.rows} rows, ${result.table.bytes} bytes)\n`,
    );
    return 0;
  } catch (error) {
    const known = error instanceof MonitorError;
    if (known) log.error(error.message);
    else log.error({ err: error }, 'internal error');
    return known ? error.exitCode : 1;
  }
}
