/**
 * @module Test helper: writes a small seeded capture (5 records per request) and its ground truth for one problem
 * type into a temporary folder, then runs the real monitor CLI (main) on it. Class labels include hostile HTML, and
 * a few lines are broken on purpose, so the page has input errors and unjoined records to show.
 */
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { main } from '../../monitor/cli.ts';
import { mulberry32 } from '../helpers/mulberry32.ts';

/** A class name that would run script if it reached the page as markup. */
export const HOSTILE_LABEL = '<img src=x onerror=alert(1)>';
/** Another one aimed at the SVG and attribute contexts. */
export const HOSTILE_LABEL_2 = '"></text></svg><script>alert(2)</script>&amp;';

export type Problem = 'MulticlassClassification' | 'BinaryClassification' | 'Regression';

export interface RunCase {
  problem: Problem;
  requests?: number;
  /** Multiclass: number of classes (the first two are the hostile labels). Default 7. */
  classes?: number;
  /** Write no ground truth: an insufficient-data run. */
  noGroundTruth?: boolean;
  /** Share of broken capture lines; above the 5% limit the run fails. Default: 2 lines. */
  brokenShare?: number;
  constraints?: Record<string, { threshold: number; comparison_operator?: string }>;
  createViolationTests?: boolean;
  window?: { start: string; end: string };
  /**
   * The prediction store: a first run stores hour 03 (03:00-04:00), then the run whose page is tested, at 04:00-05:00
   * with this evaluation delay, stores hour 04 (no traffic) and judges hour 03 from the store. A share of the labels
   * arrives 1 and 2 hours late, so the label arrival has several lags.
   */
  delayHours?: number;
}

export interface RunDone {
  dir: string;
  out: string;
  exitCode: number;
}

function classNames(count: number): string[] {
  return [HOSTILE_LABEL, HOSTILE_LABEL_2, ...Array.from({ length: Math.max(0, count - 2) }, (_, i) => `class-${String(i + 1).padStart(3, '0')}`)];
}

/** Writes the inputs of `c` and runs the monitor; resolves with the output folder and the exit code. */
export async function makeRun(c: RunCase, seed = 1): Promise<RunDone> {
  const rnd = mulberry32(seed);
  const dir = await mkdtemp(path.join(tmpdir(), 'mpm-report-html-'));
  const hour = path.join(dir, 'capture/ep/AllTraffic/2024/01/02/03');
  await mkdir(hour, { recursive: true });
  await mkdir(path.join(dir, 'gt/2024/01/02/03'), { recursive: true });
  const labels = classNames(c.classes ?? 7);
  const lines: string[] = [];
  const gt: string[] = [];
  const late: [string[], string[]] = [[], []];
  const requests = c.requests ?? 300;
  for (let r = 0; r < requests; r++) {
    const id = `req-${r}`;
    const input: number[][] = [];
    const output: Array<Record<string, unknown>> = [];
    for (let i = 0; i < 5; i++) {
      input.push([rnd(), rnd()]);
      let actual: string | number;
      if (c.problem === 'MulticlassClassification') {
        // Skewed class frequencies, so capping keeps the frequent ones.
        actual = labels[Math.floor(rnd() ** 2 * labels.length)]!;
        output.push({ payload_index: i, label: rnd() < 0.7 ? actual : labels[Math.floor(rnd() * labels.length)]!, score: 0.5 + rnd() / 2 });
      } else if (c.problem === 'BinaryClassification') {
        actual = rnd() < 0.4 ? '1' : '0';
        const score = Math.min(1, Math.max(0, (actual === '1' ? 0.65 : 0.35) + (rnd() - 0.5) * 0.8));
        output.push({ payload_index: i, label: score >= 0.5 ? '1' : '0', score });
      } else {
        actual = 10 + rnd() * 50;
        output.push({ payload_index: i, value: actual + (rnd() - 0.5) * 8 + (rnd() < 0.05 ? 20 : 0) });
      }
      // Some predictions never get a label; with the store, some come late.
      const row = JSON.stringify({ InferenceId: id, payload_index: i, groundTruthLabel: actual });
      if (r % 17 === 0 && i === 2) continue;
      if (c.delayHours !== undefined && r % 5 === 1) late[r % 10 === 1 ? 0 : 1].push(row);
      else gt.push(row);
    }
    const payload = (data: unknown, mode: string): Record<string, unknown> => ({ observedContentType: 'application/json', mode, data: JSON.stringify(data), encoding: 'JSON' });
    lines.push(
      JSON.stringify({
        captureData: { endpointInput: payload(input, 'INPUT'), endpointOutput: payload(output, 'OUTPUT') },
        eventMetadata: { eventId: `e-${r}`, inferenceId: id, inferenceTime: '2024-01-02T03:10:00Z' },
        eventVersion: '0',
      }),
    );
  }
  const broken = c.brokenShare === undefined ? 2 : Math.ceil((c.brokenShare * requests) / (1 - c.brokenShare));
  for (let b = 0; b < broken; b++) lines.push(b % 2 === 0 ? '{not json' : '{"captureData": 1}');
  await writeFile(path.join(hour, 'capture.jsonl'), `${lines.join('\n')}\n`);
  gt.push(JSON.stringify({ InferenceId: 'no-such-request', payload_index: 0, groundTruthLabel: c.problem === 'Regression' ? 3 : '1' }));
  if (!c.noGroundTruth) await writeFile(path.join(dir, 'gt/2024/01/02/03/labels.jsonl'), `${gt.join('\n')}\n`);
  for (const [k, rows] of late.entries()) {
    if (rows.length === 0) continue;
    await mkdir(path.join(dir, `gt/2024/01/02/0${4 + k}`), { recursive: true });
    await writeFile(path.join(dir, `gt/2024/01/02/0${4 + k}/labels.jsonl`), `${rows.join('\n')}\n`);
  }

  const out = path.join(dir, 'out');
  const argv = [
    '--problem-type', c.problem,
    '--dataset-source', path.join(dir, 'capture'),
    '--ground-truth-source', path.join(dir, 'gt'),
    '--output-path', out,
    '--message-file', path.join(dir, 'message'),
    '--sagemaker-endpoint-name', 'demo-endpoint',
    '--sagemaker-monitoring-schedule-name', 'hourly-quality',
    '--log-level', 'silent',
  ];
  if (c.window) argv.push('--start-time', c.window.start, '--end-time', c.window.end);
  if (c.constraints) {
    await writeFile(path.join(dir, 'constraints.json'), JSON.stringify(c.constraints));
    argv.push('--baseline-constraints', path.join(dir, 'constraints.json'));
  }
  if (c.createViolationTests) argv.push('--create-violation-tests');
  if (c.delayHours !== undefined) return storeAndJudge(c.delayHours, dir, argv);
  // A minimal environment: nothing from the machine's environment leaks into the run.
  const exitCode = await main(argv, { PATH: process.env.PATH });
  return { dir, out, exitCode };
}

/** The store case: hour 03 stored by a first run, then judged `delayHours` later by the run whose page is tested. */
async function storeAndJudge(delayHours: number, dir: string, argv: string[]): Promise<RunDone> {
  const out = path.join(dir, 'out');
  // The fresh hour's traffic: the same requests under new ids an hour later (its labels have not come yet).
  const fresh = path.join(dir, `capture/ep/AllTraffic/2024/01/02/0${3 + delayHours}`);
  await mkdir(fresh, { recursive: true });
  const lines = await readFile(path.join(dir, 'capture/ep/AllTraffic/2024/01/02/03/capture.jsonl'), 'utf8');
  await writeFile(path.join(fresh, 'capture.jsonl'), lines.replaceAll('"req-', '"fresh-req-').replaceAll('2024-01-02T03:10:00Z', `2024-01-02T0${3 + delayHours}:10:00Z`));
  const store = ['--prediction-store', path.join(dir, 'store')];
  const at = (hour: number): string[] => ['--start-time', `2024-01-02T0${hour}:00:00Z`, '--end-time', `2024-01-02T0${hour + 1}:00:00Z`];
  const first = await main([...argv.map((a) => (a === out ? path.join(dir, 'out-first') : a)), ...store, ...at(3)], { PATH: process.env.PATH });
  if (first !== 0) throw new Error(`the storing run failed with exit code ${first}`);
  const exitCode = await main([...argv, ...store, ...at(3 + delayHours), '--evaluation-delay-hours', String(delayHours)], { PATH: process.env.PATH });
  return { dir, out, exitCode };
}
