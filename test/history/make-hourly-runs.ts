/**
 * @module Test helper: 48 hourly runs of the demo, made by the real programs. The demo's XGBoost model (serving's
 * evaluator) scores covertype-shaped requests of 1-50 records; the real `suggest-baseline` sets the constraints from a
 * labelled validation set; labels arrive 5-90 minutes late into the hour partition they arrive in; then the real
 * monitor CLI (`main`, in process) runs once per hour and writes into Model Monitor's output layout
 * `{root}/{endpoint}/{schedule}/yyyy/mm/dd/hh/` (hh = the hour the execution ran, the window is the hour before).
 *
 * The 48 hours hold what a history must show: healthy hours, a drift episode whose hours violate, an hour whose
 * labels mostly never came (low coverage, no standard deviation), a window with no run at all, a failed run (broken
 * capture) and a window evaluated twice (early with few labels, later with all of them). `setClock` is called with the
 * time each run happens, so evaluation times are fixed (the golden files depend on them).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { main } from '../../monitor/cli.ts';
import { FEATURE_NAMES, generateCovertype } from '../../scripts/covertype/generate.ts';
import { createRandom } from '../../scripts/covertype/random.ts';
import { createInvoker } from '../../serving/invoke.ts';
import { loadModel } from '../../serving/model/load-model.ts';
import { REPO_ROOT } from '../helpers/run-monitor.ts';

export const HOURLY_ENDPOINT = 'covertype-demo';
export const HOURLY_SCHEDULE = 'covertype-demo-hourly';
/** The first window's start. */
export const FIRST_HOUR = Date.UTC(2026, 0, 15, 0, 0, 0);
export const HOURS = 48;
const HOUR = 3_600_000;
const REQUESTS_PER_HOUR = 10;

/** What happens in hour h (0-based). */
export const SCENARIO = {
  drift: (h: number): number => (h >= 30 && h <= 35 ? 1 : h >= 27 && h <= 29 ? 0.5 : 0),
  /** Share of labels that never arrive. */
  labelLoss: (h: number): number => (h === 12 ? 0.7 : 0.03),
  /** No run covers this window. */
  skipped: (h: number): boolean => h === 20,
  /** Broken capture lines: the run fails (above the 5% limit). */
  broken: (h: number): boolean => h === 40,
  /** Evaluated twice: at its hour with the labels of the window only, and 4 hours later (a folder no hourly run uses) with the full look-ahead. */
  reevaluated: (h: number): boolean => h === 44,
} as const;

export interface HourlyRun {
  hour: number;
  start: number;
  end: number;
  /** The report folder, relative to `reports`. */
  folder: string;
  exitCode: number;
}

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const pad = (n: number): string => String(n).padStart(2, '0');
const hourPath = (ms: number): string => {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/${pad(d.getUTCHours())}`;
};

/** Writes the inputs under `dir`, runs the monitor per hour and resolves with the runs; reports go to `${dir}/reports`. */
export async function makeHourlyRuns(dir: string, setClock: (ms: number) => void): Promise<{ reports: string; runs: HourlyRun[] }> {
  const work = { capture: path.join(dir, 'capture'), groundTruth: path.join(dir, 'groundtruth'), baseline: path.join(dir, 'baseline') };
  const reports = path.join(dir, 'reports');
  const loaded = await loadModel(path.join(REPO_ROOT, 'demo/model'));
  const invoke = createInvoker(loaded);
  const score = (rows: number[][]): string =>
    invoke({ body: Buffer.from(JSON.stringify(rows.map((r) => Object.fromEntries(FEATURE_NAMES.map((n, i) => [n, r[i]!]))))), contentType: 'application/json', accept: 'application/json' }).body;
  const silent = { PATH: process.env.PATH };

  // The baseline: the real suggest-baseline on 2,000 labelled validation records, for runs of about 250 records.
  await mkdir(work.baseline, { recursive: true });
  const validation = generateCovertype({ n: 2000, seed: 2, drift: 0 });
  const scored = JSON.parse(score(validation.rows)) as Array<{ label: number; score: number }>;
  await writeFile(path.join(work.baseline, 'validation.csv'), `${['prediction,probability,label', ...scored.map((p, i) => `${p.label},${p.score},${validation.labels[i]}`)].join('\n')}\n`);
  setClock(FIRST_HOUR - HOUR);
  const baselineExit = await main(
    ['suggest-baseline', '--dataset-source', work.baseline, '--dataset-format', '{"csv":{"header":true}}', '--ground-truth-attribute', 'label', '--problem-type', 'MulticlassClassification',
      '--output-path', path.join(work.baseline, 'result'), '--expected-records', '250', '--log-level', 'silent', '--message-file', path.join(work.baseline, 'message')],
    silent,
  );
  if (baselineExit !== 0) throw new Error(`suggest-baseline failed with exit ${baselineExit}`);
  const constraints = path.join(work.baseline, 'result/constraints.json');

  // Traffic and late labels.
  const random = createRandom(19);
  const labels = new Map<string, string[]>();
  let request = 0;
  for (let h = 0; h < HOURS; h++) {
    const start = FIRST_HOUR + h * HOUR;
    const lines: string[] = [];
    for (let r = 0; r < REQUESTS_PER_HOUR; r++) {
      const at = start + Math.floor(((r + random.next()) / REQUESTS_PER_HOUR) * HOUR);
      const size = 1 + Math.floor(random.next() * 50);
      const data = generateCovertype({ n: size, seed: 1000 + request, drift: SCENARIO.drift(h) });
      const id = `req-${String(request).padStart(5, '0')}`;
      request++;
      const input = JSON.stringify(data.rows.map((row) => Object.fromEntries(FEATURE_NAMES.map((n, i) => [n, row[i]!]))));
      lines.push(
        JSON.stringify({
          captureData: {
            endpointInput: { observedContentType: 'application/json', mode: 'INPUT', data: input, encoding: 'JSON' },
            endpointOutput: { observedContentType: 'application/json', mode: 'OUTPUT', data: score(data.rows), encoding: 'JSON' },
          },
          eventMetadata: { eventId: `e-${id}`, inferenceId: id, inferenceTime: iso(at) },
          eventVersion: '0',
        }),
      );
      for (let i = 0; i < size; i++) {
        if (random.next() < SCENARIO.labelLoss(h)) continue;
        const arrives = at + Math.floor((5 + random.next() * 85) * 60_000);
        const key = hourPath(arrives);
        (labels.get(key) ?? labels.set(key, []).get(key)!).push(JSON.stringify({ InferenceId: id, payload_index: i, groundTruthLabel: data.labels[i] }));
      }
    }
    if (SCENARIO.broken(h)) lines.push(...lines.map(() => '{"captureData": broken'));
    const folder = path.join(work.capture, HOURLY_ENDPOINT, 'AllTraffic', hourPath(start));
    await mkdir(folder, { recursive: true });
    await writeFile(path.join(folder, '30-00-000-capture.jsonl'), `${lines.join('\n')}\n`);
  }
  for (const [key, rows] of labels) {
    await mkdir(path.join(work.groundTruth, key), { recursive: true });
    await writeFile(path.join(work.groundTruth, key, 'labels.jsonl'), `${rows.join('\n')}\n`);
  }

  // The monitor, once per hour (and a re-evaluation).
  const runs: HourlyRun[] = [];
  const runHour = async (h: number, ranAt: number, extra: string[]): Promise<void> => {
    const start = FIRST_HOUR + h * HOUR;
    const folder = `${HOURLY_ENDPOINT}/${HOURLY_SCHEDULE}/${hourPath(Math.floor(ranAt / HOUR) * HOUR)}`;
    setClock(ranAt);
    const exitCode = await main(
      [
        '--dataset-source', work.capture,
        '--ground-truth-source', work.groundTruth,
        '--output-path', path.join(reports, folder),
        '--baseline-constraints', constraints,
        '--problem-type', 'MulticlassClassification',
        '--sagemaker-endpoint-name', HOURLY_ENDPOINT,
        '--sagemaker-monitoring-schedule-name', HOURLY_SCHEDULE,
        '--start-time', iso(start),
        '--end-time', iso(start + HOUR),
        '--message-file', path.join(dir, 'message'),
        '--log-level', 'silent',
        ...extra,
      ],
      silent,
    );
    runs.push({ hour: h, start, end: start + HOUR, folder, exitCode });
  };
  for (let h = 0; h < HOURS; h++) {
    if (SCENARIO.skipped(h)) continue;
    const end = FIRST_HOUR + (h + 1) * HOUR;
    // Runs start a few minutes after the hour, as Model Monitor's do.
    await runHour(h, end + 7 * 60_000, SCENARIO.reevaluated(h) ? ['--ground-truth-lookahead-hours', '0'] : []);
    if (SCENARIO.reevaluated(h)) await runHour(h, end + 4 * HOUR + 9 * 60_000, []);
  }
  return { reports, runs };
}
