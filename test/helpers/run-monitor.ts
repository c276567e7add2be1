/**
 * @module Runs the real monitor entry point (`node --import tsx monitor/cli.ts`) in a child process with a clean
 * environment and every /opt/ml path redirected into a temporary folder, then collects what it wrote.
 *
 * The child sees only PATH, HOME and the variables the caller gives: never the parent's AWS_* or MPM_* variables,
 * so a developer's shell cannot change a test's outcome.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { settingsOf, type Command } from '../../monitor/config/settings.ts';

/** The repository root (the child's working directory). */
export const REPO_ROOT = realpathSync(fileURLToPath(new URL('../..', import.meta.url)));

/** The report files the monitor may write into output_path. */
export const OUTPUT_FILES = ['statistics.json', 'constraint_violations.json', 'constraints.json', 'monitoring_report.json'] as const;
export type OutputFile = (typeof OUTPUT_FILES)[number];

/** The CloudWatch metrics file the monitor writes into the CloudWatch folder. */
export const CLOUDWATCH_FILE = 'cloudwatch_metrics.jsonl';

/** The factor MPM_TEST_SLOWDOWN gives to child timeouts (1 when unset or not a number >= 1). */
export function slowdown(): number {
  const factor = Number(process.env.MPM_TEST_SLOWDOWN);
  return Number.isFinite(factor) && factor >= 1 ? factor : 1;
}

export interface RunMonitorOptions {
  /**
   * What node runs before the arguments: the sources through tsx by default, or a built CLI
   * (e.g. ['/abs/dist/monitor/cli.js'], the bundle `npm run build` writes).
   */
  entry?: string[];
  /** Command-line arguments after `monitor/cli.ts`. Placeholders ({tmp}, {out}, ...) are substituted. */
  args?: string[];
  /** Environment variables besides PATH and HOME. Placeholders are substituted. */
  env?: Record<string, string>;
  /** Extra placeholders, e.g. { case: '/abs/case/folder' } for "{case}". */
  placeholders?: Record<string, string>;
  /**
   * The processingjobconfig.json to give the monitor (placeholders substituted), as an object or as the text of a
   * file. Default `{}`: a job config without "Environment".
   */
  jobConfig?: unknown;
  /** Kills the child after this many milliseconds (default 30 000). */
  timeoutMs?: number;
  /** A file the child's stderr is opened on instead of a pipe (e.g. /dev/full); `stderr` is then empty. */
  stderrPath?: string;
  /** Keeps the temporary folder (for debugging); default false. */
  keep?: boolean;
  /**
   * Another message file than {tmp}/opt/ml/output/message (placeholders substituted): a link, a FIFO, /proc. It is not
   * read back (MonitorRun.message stays undefined): reading a FIFO could block.
   */
  messageFile?: string;
  /** Another CloudWatch metrics folder than {tmp}/opt/ml/output/metrics/cloudwatch (placeholders substituted). */
  cloudwatchDir?: string;
  /** Called with the placeholders before the monitor starts (to lay out inputs that need {tmp}). */
  prepare?: (placeholders: Record<string, string>) => void | Promise<void>;
}

export interface MonitorRun {
  /** Exit code, or null when the child was killed. */
  exitCode: number | null;
  /** Whether the timeout killed the child. */
  timedOut: boolean;
  stdout: string;
  stderr: string;
  /** Text of the redirected /opt/ml/output/message, when written. */
  message?: string;
  /** Parsed report files found in output_path, by name. */
  outputs: Partial<Record<OutputFile, unknown>>;
  /** Every file name in output_path (to catch unexpected files). */
  outputNames: string[];
  /** Parsed lines of cloudwatch_metrics.jsonl, when written. */
  cloudwatch?: unknown[];
  /** The raw text of cloudwatch_metrics.jsonl, when written. */
  cloudwatchText?: string;
  /** The placeholder values of this run: tmp, out, repo and the caller's. */
  placeholders: Record<string, string>;
}

/** Replaces every "{name}" of `placeholders` in a string. */
export function substitute(text: string, placeholders: Record<string, string>): string {
  return text.replace(/\{([a-z_]+)\}/g, (whole, name: string) => placeholders[name] ?? whole);
}

/** Substitutes placeholders in every string of a JSON value. */
export function substituteDeep(value: unknown, placeholders: Record<string, string>): unknown {
  if (typeof value === 'string') return substitute(value, placeholders);
  if (Array.isArray(value)) return value.map((v) => substituteDeep(v, placeholders));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substituteDeep(v, placeholders)]));
  }
  return value;
}

function readIfExists(file: string): string | undefined {
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

/**
 * Spawns the monitor and waits for it. The temporary layout mirrors /opt/ml:
 * {tmp}/opt/ml/output/message, {tmp}/opt/ml/output/metrics/cloudwatch/, {tmp}/opt/ml/config/processingjobconfig.json,
 * and {out} = {tmp}/output for output_path (the caller passes it; it is not set here).
 */
export async function runMonitor(options: RunMonitorOptions = {}): Promise<MonitorRun> {
  const tmp = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'mpm-run-')));
  const placeholders: Record<string, string> = { ...options.placeholders, tmp, out: path.join(tmp, 'output'), repo: REPO_ROOT };
  const messageFile = options.messageFile !== undefined ? substitute(options.messageFile, placeholders) : path.join(tmp, 'opt/ml/output/message');
  const cloudwatchDir = options.cloudwatchDir !== undefined ? substitute(options.cloudwatchDir, placeholders) : path.join(tmp, 'opt/ml/output/metrics/cloudwatch');
  const jobConfigFile = path.join(tmp, 'opt/ml/config/processingjobconfig.json');
  mkdirSync(path.dirname(jobConfigFile), { recursive: true });
  const jobConfig = options.jobConfig ?? {};
  writeFileSync(
    jobConfigFile,
    typeof jobConfig === 'string' ? substitute(jobConfig, placeholders) : JSON.stringify(substituteDeep(jobConfig, placeholders), null, 2),
  );

  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? tmp };
  for (const [k, v] of Object.entries(options.env ?? {})) env[k] = substitute(v, placeholders);
  // The /opt/ml paths as flags: they win over anything a case sets, so a test never writes to /opt/ml. Only the flags
  // the command declares (an option it does not know is refused by suggest-baseline, evaluate and rollup).
  const first = options.args?.[0];
  const command: Command = first === 'suggest-baseline' || first === 'evaluate' ? first : 'job';
  const declared = new Set(settingsOf(command).map((s) => s.flag));
  const redirects = (
    [
      ['message-file', messageFile],
      ['cloudwatch-metrics-dir', cloudwatchDir],
      ['job-config-file', jobConfigFile],
    ] as const
  ).flatMap(([flag, value]) => (declared.has(flag) ? [`--${flag}`, value] : []));
  const args = [...(options.entry ?? ['--import', 'tsx', 'monitor/cli.ts']), ...(options.args ?? []).map((a) => substitute(a, placeholders)), ...redirects];

  await options.prepare?.(placeholders);
  // MPM_TEST_SLOWDOWN multiplies every child timeout on a machine shared with other work (default 1).
  const timeoutMs = (options.timeoutMs ?? 30_000) * slowdown();
  const stderrFd = options.stderrPath !== undefined ? openSync(options.stderrPath, 'w') : undefined;
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', stderrFd ?? 'pipe'] });
  if (stderrFd !== undefined) closeSync(stderrFd);
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code));
  }).finally(() => clearTimeout(timer));

  const out = placeholders.out!;
  const outputNames = existsSync(out) ? readdirSync(out).sort() : [];
  const outputs: MonitorRun['outputs'] = {};
  for (const name of OUTPUT_FILES) {
    const text = readIfExists(path.join(out, name));
    if (text !== undefined) outputs[name] = JSON.parse(text);
  }
  const cloudwatchText = options.cloudwatchDir !== undefined ? undefined : readIfExists(path.join(cloudwatchDir, CLOUDWATCH_FILE));
  const run: MonitorRun = {
    exitCode,
    timedOut,
    stdout,
    stderr,
    message: options.messageFile !== undefined ? undefined : readIfExists(messageFile),
    outputs,
    outputNames,
    cloudwatchText,
    cloudwatch: cloudwatchText?.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as unknown),
    placeholders,
  };
  if (!options.keep) rmSync(tmp, { recursive: true, force: true });
  return run;
}
