/**
 * @module The demo's late-labels story (issue 17): an hourly schedule runs at minute 0 of the next hour, when only the
 * labels that arrived during the hour are there; with the prediction store, a run MPM_EVALUATION_DELAY_HOURS later
 * judges the same hour from the store (no capture parse) with nearly all its labels. Both verdicts are printed side by
 * side, with the label arrival the delayed run measured.
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

const HOUR = 3_600_000;

/** What the story needs from the demo around it. */
export interface LateLabelsInput {
  /** The hours told (start, ms) and how the demo labels them (healthy, drifted); each costs two monitor runs. */
  hours: Array<{ start: number; label: string }>;
  /** Every label the demo wrote, in yyyy/mm/dd/hh partitions by arrival hour. */
  groundTruth: string;
  /** Folder for the labels as they stood at each run time, the store and the runs' outputs. */
  work: string;
  /** The delay of the matured run, in hours. */
  delayHours: number;
  /** The environment of a model-quality run of the hour starting at `start`, labels from `groundTruth`, into `out`. */
  hourEnv(start: number, groundTruth: string, out: string): Record<string, string>;
  runMonitor(args: string[], env: Record<string, string>): Promise<{ code: number; stderr: string }>;
}

/** One run's verdict as the table shows it. */
interface Verdict {
  predictions: number;
  joined: number;
  accuracy?: number;
  verdict: string;
  message: string;
  report?: RunReportFields;
}

interface RunReportFields {
  join?: { predictions: number; joined: number };
  metrics?: { scalars: Record<string, { value: number }> };
  violations?: Array<{ metric_name: string }>;
  evaluation?: { judged_window: { start_time?: string }; stored_hours: string[] };
  label_arrival?: { delay_for_share: Record<string, number | null> };
}

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The hour a partition folder yyyy/mm/dd/hh names (ms), or undefined. */
function partitionHour(relative: string): number | undefined {
  const m = /^(\d{4})\/(\d{2})\/(\d{2})\/(\d{2})$/.exec(relative.split(path.sep).join('/'));
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4])) : undefined;
}

/** A copy of the ground truth as it stood at `time`: the partitions of the hours that had ended by then. */
async function labelsAsOf(groundTruth: string, work: string, time: number): Promise<string> {
  const dir = path.join(work, 'groundtruth-as-of', iso(time).replaceAll(':', ''));
  await mkdir(dir, { recursive: true });
  for (const entry of await readdir(groundTruth, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const folder = path.relative(groundTruth, entry.parentPath);
    const hour = partitionHour(folder);
    if (hour === undefined || hour + HOUR > time) continue;
    await mkdir(path.join(dir, folder), { recursive: true });
    await copyFile(path.join(entry.parentPath, entry.name), path.join(dir, folder, entry.name));
  }
  return dir;
}

async function runOnce(input: LateLabelsInput, env: Record<string, string>): Promise<Verdict> {
  await mkdir(env.output_path!, { recursive: true });
  await writeFile(env.MPM_JOB_CONFIG_FILE!, '{}\n');
  const run = await input.runMonitor([], env);
  const message = existsSync(env.MPM_MESSAGE_FILE!) ? (await readFile(env.MPM_MESSAGE_FILE!, 'utf8')).trim() : `(no message; exit ${run.code}) ${run.stderr.slice(-500)}`;
  const file = path.join(env.output_path!, 'monitoring_report.json');
  const report = existsSync(file) ? (JSON.parse(await readFile(file, 'utf8')) as RunReportFields) : undefined;
  const names = report?.violations?.map((v) => v.metric_name) ?? [];
  const verdict = message.startsWith('CompletedWithViolations') ? `VIOLATIONS (${names[0] ?? '?'}${names.length > 1 ? ` +${names.length - 1}` : ''})` : message.split(':')[0]!;
  return { predictions: report?.join?.predictions ?? 0, joined: report?.join?.joined ?? 0, accuracy: report?.metrics?.scalars.accuracy?.value, verdict, message, report };
}

function cells(v: Verdict): string {
  const coverage = v.predictions > 0 ? `${((100 * v.joined) / v.predictions).toFixed(1)}%` : 'n/a';
  return `${coverage.padStart(6)}  ${(v.accuracy === undefined ? 'n/a' : v.accuracy.toFixed(4)).padEnd(8)}  ${v.verdict}`;
}

/**
 * Runs the story and prints it; true when every delayed run judged its hour from the store with at least 90% of the
 * predictions labelled, more than the run at minute 0, and its verdict matches the hour (healthy passes, drifted
 * violates).
 */
export async function lateLabelsDemo(input: LateLabelsInput): Promise<boolean> {
  const store = path.join(input.work, 'prediction-store');
  const d = input.delayHours;
  console.log(`\nlate labels: prediction store ${path.basename(store)}/, MPM_EVALUATION_DELAY_HOURS=${d}`);
  console.log(`hour (UTC)            data      at minute 0 of the next hour               ${d} hours later, judged from the store`);
  console.log('                                labels  accuracy  verdict                  labels  accuracy  verdict');
  let ok = true;
  let slowest: number | null = 0;
  for (const hour of input.hours) {
    const stamp = iso(hour.start).replaceAll(':', '');
    // At minute 0 of the next hour: the hour's capture is stored and judged with the labels that have come so far.
    const earlyEnv = { ...input.hourEnv(hour.start, await labelsAsOf(input.groundTruth, input.work, hour.start + HOUR), path.join(input.work, 'late-labels', `${stamp}-at-minute-0`)), MPM_PREDICTION_STORE: store };
    const early = await runOnce(input, earlyEnv);
    // d hours later: that run stores its own fresh hour and judges this one from the store, with the labels present then.
    const runStart = hour.start + d * HOUR;
    const { metric_time: _stamp, ...delayedBase } = input.hourEnv(runStart, await labelsAsOf(input.groundTruth, input.work, runStart + HOUR), path.join(input.work, 'late-labels', `${stamp}-judged-${d}h-later`));
    const delayed = await runOnce(input, { ...delayedBase, MPM_PREDICTION_STORE: store, MPM_EVALUATION_DELAY_HOURS: String(d) });
    console.log(`${iso(hour.start)}  ${hour.label.padEnd(8)}  ${cells(early).padEnd(41)}  ${cells(delayed)}`);
    const judgedHere = delayed.report?.evaluation?.judged_window.start_time === iso(hour.start) && (delayed.report?.evaluation?.stored_hours.length ?? 0) > 0;
    const expected = hour.label === 'healthy' ? delayed.message.startsWith('Completed:') : delayed.message.startsWith('CompletedWithViolations');
    const covered = delayed.predictions > 0 && delayed.joined / delayed.predictions >= 0.9 && delayed.joined > early.joined;
    if (!(judgedHere && expected && covered)) ok = false;
    const p99 = delayed.report?.label_arrival?.delay_for_share['0.99'] ?? null;
    slowest = slowest === null || p99 === null ? null : Math.max(slowest, p99);
  }
  console.log(
    `${ok ? 'as expected' : 'UNEXPECTED'}: judged ${d} hours later from the store (no capture read again), each hour had ${ok ? 'at least 90% of its labels' : 'the labels above'}; ` +
      `99% of the labels had come within ${slowest === null ? 'n/a' : `${slowest} h`} of their prediction's hour (label_arrival)`,
  );
  return ok;
}
