/**
 * @module The golden cases of the monitor: each folder of test/fixtures/monitor/ with a case.json is one end-to-end
 * run of the real CLI on its input tree, compared with the normalized files in its expected/ folder. Shared by
 * test/monitor/golden.test.ts (which checks) and scripts/update-golden.ts (which rewrites expected/).
 *
 * Normalization replaces only what varies between runs: the clock (evaluation_time and the metric timestamp taken
 * from it), the stage timings (and the size of report.html, which shows them), the prediction store's run id, and the absolute paths of the case
 * folder, the temporary folder and the repository, which become "{case}", "{out}", "{tmp}" and "{repo}".
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SETTINGS } from '../../monitor/config/settings.ts';
import { CLOUDWATCH_FILE, OUTPUT_FILES, REPO_ROOT, runMonitor, type MonitorRun } from '../helpers/run-monitor.ts';

export const CASES_DIR = path.join(REPO_ROOT, 'test/fixtures/monitor');

/** A hand-checked fact about one output: the reasoning behind a number, independent of the golden files. */
export interface CaseCheck {
  /** "message", "cloudwatch_metrics.jsonl" or a report file name. */
  file: string;
  /** Dotted path into the parsed JSON ("join.joined", "violations.0.metric_name"); empty for the whole file. */
  path?: string;
  equals?: unknown;
  /** Numbers: equal to within 1e-12 (relative). */
  close_to?: number;
  /** Strings: contains this text. */
  contains?: string;
  /** Why the value is what it is (for the reader; not checked). */
  why: string;
}

export interface CaseSpec {
  /** The behaviour the case proves, as a test title ("joins labels that arrive within the lookahead"). */
  title: string;
  /** What the case holds, and why its expected result is correct. */
  description: string;
  /** The row of the seed script's failure table (docs/seed-script-notes.md) this case is a regression test for. */
  seed_failure?: string;
  /** Environment variables for the run (placeholders {case}, {out}, {tmp} allowed). */
  env?: Record<string, string>;
  /** CLI arguments (placeholders allowed). */
  args?: string[];
  /** The exit code the run must end with. */
  exit_code: number;
  checks?: CaseCheck[];
}

export interface GoldenCase {
  name: string;
  dir: string;
  spec: CaseSpec;
}

/** Names of every case folder (those with a case.json), sorted. */
export function listCases(): string[] {
  return readdirSync(CASES_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(CASES_DIR, d.name, 'case.json')))
    .map((d) => d.name)
    .sort();
}

export function loadCase(name: string): GoldenCase {
  const dir = path.join(CASES_DIR, name);
  const spec = JSON.parse(readFileSync(path.join(dir, 'case.json'), 'utf8')) as CaseSpec;
  if (typeof spec.title !== 'string' || typeof spec.description !== 'string' || typeof spec.exit_code !== 'number') {
    throw new Error(`${name}/case.json needs "title" and "description" (strings) and "exit_code" (number)`);
  }
  return { name, dir, spec };
}

/**
 * Inputs every case gets unless it sets them itself (in env, args or its job config): the case's folders laid out
 * like /opt/ml/processing, and the temporary output folder. They keep a case from ever reading /opt/ml defaults.
 */
function defaultEnv(c: GoldenCase, jobEnv: Record<string, unknown>): Record<string, string> {
  const defaults: Record<string, string> = {
    dataset_source: '{case}/capture',
    ground_truth_source: '{case}/groundtruth',
    output_path: '{out}',
  };
  if (existsSync(path.join(c.dir, 'baseline/constraints.json'))) defaults.baseline_constraints = '{case}/baseline/constraints.json';
  const args = c.spec.args ?? [];
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(defaults)) {
    const flag = `--${SETTINGS.find((s) => s.env === name)!.flag}`;
    const inArgs = args.some((a) => a === flag || a.startsWith(`${flag}=`));
    if (c.spec.env?.[name] === undefined && jobEnv[name] === undefined && !inArgs) out[name] = value;
  }
  return out;
}

/** Runs one case through the real CLI (the sources, or `entry`: see RunMonitorOptions.entry), with `env` added. */
export async function runCase(c: GoldenCase, entry?: string[], env: Record<string, string> = {}): Promise<MonitorRun> {
  const jobConfigFile = path.join(c.dir, 'config/processingjobconfig.json');
  const jobConfigText = existsSync(jobConfigFile) ? readFileSync(jobConfigFile, 'utf8') : undefined;
  const jobEnv = ((jobConfigText ? (JSON.parse(jobConfigText) as { Environment?: Record<string, unknown> }) : {}).Environment ?? {}) as Record<string, unknown>;
  return runMonitor({
    ...(entry && { entry }),
    args: c.spec.args,
    env: { ...defaultEnv(c, jobEnv), ...c.spec.env, ...env },
    placeholders: { case: c.dir },
    jobConfig: jobConfigText,
  });
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;

/** Replaces what varies between runs; everything else is kept as written. */
function normalizeValue(value: unknown, ctx: { paths: Array<[string, string]>; clock: Set<string> }, key?: string): unknown {
  if (key === 'evaluation_time' && typeof value === 'string' && ISO_TIME.test(value)) return '{evaluation_time}';
  // The prediction store names each write by its time and a random part.
  if (key === 'run_id' && typeof value === 'string') return '{run_id}';
  if (key === 'timings_ms' && value !== null && typeof value === 'object') return '{timings_ms}';
  // report.html shows the timings too, so its size varies from run to run (its content is not a golden file).
  if (key === 'report_html' && value !== null && typeof value === 'object' && typeof (value as { bytes?: unknown }).bytes === 'number') {
    return normalizeValue({ ...value, bytes: '{bytes}' }, ctx);
  }
  if (typeof value === 'string') {
    if (ctx.clock.has(value)) return '{evaluation_time}';
    return normalizeText(value, ctx.paths);
  }
  if (Array.isArray(value)) return value.map((v) => normalizeValue(v, ctx));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalizeValue(v, ctx, k)]));
  }
  return value;
}

function normalizeText(text: string, paths: Array<[string, string]>): string {
  let out = text;
  for (const [abs, name] of paths) out = out.split(abs).join(`{${name}}`);
  return out;
}

const toJson = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

/**
 * The normalized output files of a run, by the name they have in expected/: the report files, "message" and
 * "cloudwatch_metrics.jsonl" (when written).
 */
export function normalizeRun(run: MonitorRun): Map<string, string> {
  const paths = Object.entries(run.placeholders)
    .map(([name, abs]): [string, string] => [abs, name])
    .sort((a, b) => b[0].length - a[0].length);
  // The clock: the evaluation time as written (with milliseconds) and as the metric timestamp (whole seconds).
  const clock = new Set<string>();
  const report = run.outputs['monitoring_report.json'] as { evaluation_time?: string } | undefined;
  const stats = run.outputs['statistics.json'] as { dataset?: { evaluation_time?: string } } | undefined;
  const evaluation = report?.evaluation_time ?? stats?.dataset?.evaluation_time;
  if (evaluation && ISO_TIME.test(evaluation)) {
    clock.add(evaluation);
    clock.add(evaluation.replace(/\.\d{3}Z$/, 'Z'));
  }
  const ctx = { paths, clock };
  const files = new Map<string, string>();
  if (run.message !== undefined) files.set('message', normalizeText(run.message, paths));
  for (const name of OUTPUT_FILES) {
    if (run.outputs[name] !== undefined) files.set(name, toJson(normalizeValue(run.outputs[name], ctx)));
  }
  if (run.cloudwatch !== undefined) {
    files.set(CLOUDWATCH_FILE, run.cloudwatch.map((line) => `${JSON.stringify(normalizeValue(line, ctx))}\n`).join(''));
  }
  return files;
}

/** The expected files of a case, by name. */
export function readExpected(c: GoldenCase): Map<string, string> {
  const dir = path.join(c.dir, 'expected');
  const files = new Map<string, string>();
  if (!existsSync(dir)) return files;
  for (const name of readdirSync(dir).sort()) files.set(name, readFileSync(path.join(dir, name), 'utf8'));
  return files;
}

/** Replaces a case's expected/ folder with these files. */
export function writeExpected(c: GoldenCase, files: Map<string, string>): void {
  const dir = path.join(c.dir, 'expected');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of files) writeFileSync(path.join(dir, name), text);
}

/** Reads a dotted path ("join.joined", "violations.0.metric_name") in a parsed value. */
export function pick(value: unknown, dotted: string | undefined): unknown {
  if (!dotted) return value;
  let cur = value;
  for (const part of dotted.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** The parsed value a check looks at: JSON files parsed, the message as text, CloudWatch lines as an array. */
export function checkedValue(files: Map<string, string>, check: CaseCheck): unknown {
  const text = files.get(check.file);
  if (text === undefined) return undefined;
  if (check.file === 'message') return pick(text, check.path);
  if (check.file === CLOUDWATCH_FILE) return pick(text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as unknown), check.path);
  return pick(JSON.parse(text), check.path);
}
