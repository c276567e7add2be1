/**
 * @module `npm run demo`: the whole loop on this machine, with no AWS account and no Docker.
 *
 * 1. Starts the serving app (the real fastify app and XGBoost evaluator) on a free loopback port with SageMaker-style
 *    data capture on, its clock set to a simulated day so that traffic spans several hours.
 * 2. Suggests a baseline from a labelled validation set (the real `mpm-monitor suggest-baseline`).
 * 3. Sends multi-record requests with inference ids: two healthy hours, then two hours of drifted data.
 * 4. Writes the ground truth the way an application learns it: late (5 to 90 minutes after the request, into the hour
 *    partition it arrives in), and not for every record.
 * 5. Runs the real monitor CLI once per hour, as an hourly schedule would, and prints a short summary. Each hour is
 *    also run at its end, before any of its labels has arrived: the label-free estimate (CBPE, docs/estimation.md)
 *    already falls in the drifted hours.
 * 6. Data quality per hour, then the late-labels story with the prediction store (scripts/demo-late-labels.ts): each
 *    hour judged at minute 0 of the next hour with the labels come so far, and 2 hours later from the store.
 *
 * Everything is written under .demo/ in the repository (git-ignored); nothing else on the machine is touched.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../serving/app.ts';
import { CaptureWriter } from '../serving/capture/write-capture.ts';
import { createInvoker } from '../serving/invoke.ts';
import { loadModel } from '../serving/model/load-model.ts';
import { FEATURE_NAMES, generateCovertype } from './covertype/generate.ts';
import { createRandom } from './covertype/random.ts';
import { lateLabelsDemo } from './demo-late-labels.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Where the demo writes (MPM_DEMO_DIR for tests; .demo/ in the repository by default, git-ignored). */
const WORK = path.resolve(process.env.MPM_DEMO_DIR ?? path.join(ROOT, '.demo'));
const ENDPOINT = 'covertype-demo';
const SCHEDULE = 'covertype-demo-hourly';
/** The simulated day: traffic starts here (UTC). */
const DAY_START = Date.UTC(2026, 0, 15, 8, 0, 0);
const HOUR = 3_600_000;
/** Drift per simulated hour: 0 = the training distribution. */
const HOURS = [
  { drift: 0, label: 'healthy' },
  { drift: 0, label: 'healthy' },
  { drift: 0.8, label: 'drifted' },
  { drift: 1, label: 'drifted' },
];
const REQUESTS_PER_HOUR = 40;
const LABEL_LOSS = 0.03;

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const pad = (n: number): string => String(n).padStart(2, '0');
const hourFolder = (ms: number): string => {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/${pad(d.getUTCHours())}`;
};

function toRecords(rows: number[][]): Array<Record<string, number>> {
  return rows.map((row) => Object.fromEntries(FEATURE_NAMES.map((name, i) => [name, row[i]!])));
}

/** Runs the real monitor CLI; resolves with its exit code and output. */
function runMonitor(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'monitor/cli.ts'), ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', MPM_LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

async function main(): Promise<void> {
  const started = Date.now();
  await rm(WORK, { recursive: true, force: true });
  const dirs = {
    capture: path.join(WORK, 'capture'),
    groundTruth: path.join(WORK, 'groundtruth'),
    baseline: path.join(WORK, 'baseline'),
    runs: path.join(WORK, 'runs'),
    /** Ground truth as it stands at the end of an hour whose labels have not arrived yet: none. */
    noLabels: path.join(WORK, 'groundtruth-none-yet'),
  };
  for (const d of Object.values(dirs)) await mkdir(d, { recursive: true });

  // --- 1. Serving, with capture on a simulated clock -------------------------------------------------------------
  const loaded = await loadModel(path.join(ROOT, 'demo/model'));
  let simulatedNow = DAY_START;
  const capture = new CaptureWriter({ root: dirs.capture, endpointName: ENDPOINT, variantName: 'AllTraffic', clock: () => new Date(simulatedNow), flushIntervalMs: 0 });
  const app = buildApp({ model: { current: loaded }, capture });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  let serving = true;
  const stopServing = async (): Promise<void> => {
    if (!serving) return;
    serving = false;
    await app.close();
    await capture.close();
  };
  try {
    await demo();
  } finally {
    await stopServing();
  }

  async function demo(): Promise<void> {
  console.log(`serving: ${address} (model ${path.relative(ROOT, loaded.path)}, capture into ${path.relative(ROOT, dirs.capture)}/)`);

  // --- 2. Baseline from a labelled validation set ----------------------------------------------------------------
  const validation = generateCovertype({ n: 5000, seed: 2, drift: 0 });
  const invoke = createInvoker(loaded);
  const scored = JSON.parse(
    invoke({ body: Buffer.from(JSON.stringify(toRecords(validation.rows))), contentType: 'application/json', accept: 'application/json' }).body,
  ) as Array<{ label: number; score: number }>;
  const csv = ['prediction,probability,label', ...scored.map((p, i) => `${p.label},${p.score},${validation.labels[i]}`)].join('\n');
  await writeFile(path.join(dirs.baseline, 'validation.csv'), `${csv}\n`);
  // The data-quality baseline's validation set: each record with the model's answer first, as capture rows are laid out.
  const dqValidation = path.join(dirs.baseline, 'data-quality-validation');
  await mkdir(dqValidation, { recursive: true });
  const records = toRecords(validation.rows);
  await writeFile(path.join(dqValidation, 'validation.jsonl'), `${scored.map((p, i) => JSON.stringify({ label: p.label, score: p.score, ...records[i] })).join('\n')}\n`);
  const baseline = await runMonitor(
    [
      'suggest-baseline',
      '--dataset-source', dirs.baseline,
      '--dataset-format', '{"csv":{"header":true}}',
      '--ground-truth-attribute', 'label',
      '--problem-type', 'MulticlassClassification',
      '--output-path', path.join(dirs.baseline, 'result'),
      '--expected-records', String(REQUESTS_PER_HOUR * 25),
      '--message-file', path.join(dirs.baseline, 'result', 'message'),
    ],
    {},
  );
  if (baseline.code !== 0) throw new Error(`suggest-baseline failed (exit ${baseline.code}):\n${baseline.stderr}`);
  const constraintsFile = path.join(dirs.baseline, 'result', 'constraints.json');
  const constraints = JSON.parse(await readFile(constraintsFile, 'utf8')) as { multiclass_classification_constraints: Record<string, { threshold: number }> };
  const accuracyThreshold = constraints.multiclass_classification_constraints.accuracy?.threshold;
  console.log(`baseline: validation accuracy and thresholds from 5000 labelled records -> ${path.relative(ROOT, constraintsFile)} (accuracy threshold ${accuracyThreshold?.toFixed(4)})`);

  // --- 3 and 4. Traffic, and labels that arrive late ------------------------------------------------------------
  const rng = createRandom(7);
  const random = (): number => rng.next();
  const labelsByHour = new Map<string, string[]>();
  let sent = 0;
  let requestNumber = 0;
  for (const [h, hour] of HOURS.entries()) {
    for (let r = 0; r < REQUESTS_PER_HOUR; r++) {
      simulatedNow = DAY_START + h * HOUR + Math.floor(((r + random()) / REQUESTS_PER_HOUR) * HOUR);
      const size = 1 + Math.floor(random() * 50);
      const data = generateCovertype({ n: size, seed: 1000 + requestNumber, drift: hour.drift });
      const inferenceId = `req-${String(requestNumber).padStart(5, '0')}`;
      requestNumber++;
      const response = await fetch(`${address}/invocations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', 'x-amzn-sagemaker-inference-id': inferenceId },
        body: JSON.stringify(toRecords(data.rows)),
      });
      if (!response.ok) throw new Error(`POST /invocations answered ${response.status}: ${await response.text()}`);
      const predictions = (await response.json()) as Array<{ payload_index: number }>;
      if (predictions.length !== size) throw new Error(`the server answered ${predictions.length} predictions for ${size} records`);
      sent += size;
      for (let i = 0; i < size; i++) {
        if (random() < LABEL_LOSS) continue; // some labels never arrive
        const arrives = simulatedNow + Math.floor((5 + random() * 85) * 60_000);
        const key = hourFolder(arrives);
        const row = JSON.stringify({ InferenceId: inferenceId, payload_index: i, groundTruthLabel: data.labels[i] });
        (labelsByHour.get(key) ?? labelsByHour.set(key, []).get(key)!).push(row);
      }
    }
  }
  await stopServing();
  for (const [hour, rows] of labelsByHour) {
    const dir = path.join(dirs.groundTruth, hour);
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'labels.jsonl'), `${rows.join('\n')}\n`);
  }
  console.log(`traffic: ${requestNumber} requests, ${sent} records over ${HOURS.length} hours; labels written late into ${labelsByHour.size} hourly partitions`);

  // --- 5. The monitor, once per hour ------------------------------------------------------------------------------
  console.log('\nhour (UTC)            data      records  estimated, no label yet  joined  accuracy          verdict');
  const results: Array<{ hour: string; code: number; message: string; out: string; estimate?: number }> = [];
  /** The environment of the hour starting at `start`, with ground truth from `groundTruth`, writing into `out`. */
  const hourEnv = (start: number, groundTruth: string, out: string): Record<string, string> => ({
      dataset_format: '{"sagemakerCaptureJson":{"captureIndexNames":["endpointInput","endpointOutput"]}}',
      dataset_source: dirs.capture,
      ground_truth_source: groundTruth,
      output_path: out,
      baseline_constraints: constraintsFile,
      // The baseline's own metrics, shown beside each hour's in report.html (they judge nothing).
      baseline_statistics: path.join(dirs.baseline, 'result', 'statistics.json'),
      problem_type: 'MulticlassClassification',
      analysis_type: 'MODEL_QUALITY',
      sagemaker_endpoint_name: ENDPOINT,
      sagemaker_monitoring_schedule_name: SCHEDULE,
      start_time: iso(start),
      end_time: iso(start + HOUR),
      metric_time: iso(start),
      publish_cloudwatch_metrics: 'Enabled',
      MPM_MESSAGE_FILE: path.join(out, 'message'),
      CLOUDWATCH_METRICS_DIRECTORY: path.join(out, 'cloudwatch'),
      MPM_JOB_CONFIG_FILE: path.join(out, 'no-processingjobconfig.json'),
  });
  for (const [h, hour] of HOURS.entries()) {
    const start = DAY_START + h * HOUR;
    const out = path.join(dirs.runs, hourFolder(start).replaceAll('/', '-'));
    // At the end of the hour no label of its records has arrived yet: the estimate alone speaks.
    const early = await estimateBeforeLabels(hourEnv(start, dirs.noLabels, `${out}-at-hour-end`));
    const env = hourEnv(start, dirs.groundTruth, out);
    await mkdir(out, { recursive: true });
    await writeFile(env.MPM_JOB_CONFIG_FILE!, '{}\n');
    const run = await runMonitor([], env);
    const message = existsSync(env.MPM_MESSAGE_FILE!) ? (await readFile(env.MPM_MESSAGE_FILE!, 'utf8')).trim() : `(no message; exit ${run.code})`;
    results.push({ hour: iso(start), code: run.code, message, out, estimate: early?.value });
    const reportFile = path.join(out, 'monitoring_report.json');
    if (!existsSync(reportFile)) {
      console.log(`${iso(start)}  ${hour.label.padEnd(8)}  monitor failed (exit ${run.code}): ${message}\n${run.stderr}`);
      continue;
    }
    const report = JSON.parse(await readFile(reportFile, 'utf8')) as {
      join?: { predictions: number; joined: number };
      metrics?: { scalars: Record<string, { value: number; standard_deviation: number | string }> };
      violations?: Array<{ metric_name: string }>;
    };
    const acc = report.metrics?.scalars.accuracy;
    const accText = acc ? `${acc.value.toFixed(4)} ± ${typeof acc.standard_deviation === 'number' ? acc.standard_deviation.toFixed(4) : 'NaN'}` : 'n/a';
    const verdict = message.startsWith('CompletedWithViolations') ? `VIOLATIONS (${report.violations?.map((v) => v.metric_name).join(', ')})` : message.split(':')[0];
    console.log(
      `${iso(start)}  ${hour.label.padEnd(8)}  ${String(report.join?.predictions ?? 0).padStart(7)}  ${(early?.text ?? 'n/a').padEnd(23)}  ${String(report.join?.joined ?? 0).padStart(6)}  ${accText.padEnd(16)}  ${verdict}`,
    );
  }
  const estimates = (drift: boolean): number[] => results.filter((_, i) => (HOURS[i]!.drift > 0) === drift).map((r) => r.estimate ?? NaN);
  const fell = Math.max(...estimates(true)) < Math.min(...estimates(false));
  console.log(
    `\nestimated accuracy before any label: ${fell ? 'lower in every drifted hour than in any healthy hour' : 'UNEXPECTED: not lower in the drifted hours'} ` +
      '(CBPE from the calibrated scores; the estimated_accuracy constraint is checked the same way)',
  );

  const drifted = results.filter((_, i) => HOURS[i]!.drift > 0);
  const healthy = results.filter((_, i) => HOURS[i]!.drift === 0);
  const last = results[results.length - 1]!;
  console.log(`\nfiles of the last hour: ${path.relative(ROOT, last.out)}/`);
  for (const f of ['statistics.json', 'constraint_violations.json', 'monitoring_report.json', 'report.html', 'message', 'cloudwatch/cloudwatch_metrics.jsonl']) {
    if (existsSync(path.join(last.out, f))) console.log(`  ${path.relative(ROOT, path.join(last.out, f))}`);
  }
  if (existsSync(path.join(last.out, 'report.html'))) console.log(`open the page: file://${path.join(last.out, 'report.html')}`);
  const modelOk = fell && healthy.every((r) => r.message.startsWith('Completed:')) && drifted.every((r) => r.message.startsWith('CompletedWithViolations'));
  const dataOk = await dataQualityDemo(dirs, dqValidation);
  await historyDemo(dirs.runs);
  const lateOk = await lateLabelsDemo({
    // One healthy and one drifted hour: two monitor runs each keep the demo short.
    hours: [1, 3].map((h) => ({ start: DAY_START + h * HOUR, label: HOURS[h]!.label })),
    groundTruth: dirs.groundTruth,
    work: WORK,
    delayHours: 2,
    hourEnv,
    runMonitor,
  });
  const ok = modelOk && dataOk && lateOk;
  console.log(
    `\nverdict: ${ok ? 'as expected, the healthy hours pass and the drifted hours violate their constraints (model and data quality), and each hour judged later from the prediction store had its labels' : 'UNEXPECTED: see the messages above'} (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
  if (results.some((r) => r.code !== 0) || !ok) process.exitCode = 1;
  }
}

/**
 * Data quality of every record: a baseline suggested from the validation set (the records with the model's answers),
 * then one data-quality run per hour of capture. Needs no labels. True when the healthy hours pass and the drifted
 * hours flag drifted features.
 */
async function dataQualityDemo(dirs: { capture: string; baseline: string; runs: string }, validation: string): Promise<boolean> {
  const baselineDir = path.join(dirs.baseline, 'data-quality');
  const suggest = await runMonitor(
    ['suggest-baseline', '--analysis-type', 'DATA_QUALITY', '--dataset-source', validation, '--dataset-format', '{"json":{"lines":true}}', '--output-path', baselineDir,
      '--message-file', path.join(baselineDir, 'message')],
    {},
  );
  if (suggest.code !== 0) throw new Error(`suggest-baseline --analysis-type DATA_QUALITY failed (exit ${suggest.code}):\n${suggest.stderr}`);
  console.log(`\ndata quality: baseline of 5000 records (features, label, score) -> ${path.relative(ROOT, baselineDir)}/statistics.json, constraints.json`);
  console.log('hour (UTC)            data      records  verdict');
  let ok = true;
  for (const [h, hour] of HOURS.entries()) {
    const start = DAY_START + h * HOUR;
    const out = path.join(dirs.runs, `data-quality-${hourFolder(start).replaceAll('/', '-')}`);
    await mkdir(out, { recursive: true });
    const env = {
      analysis_type: 'DATA_QUALITY',
      dataset_source: dirs.capture,
      output_path: out,
      baseline_statistics: path.join(baselineDir, 'statistics.json'),
      baseline_constraints: path.join(baselineDir, 'constraints.json'),
      sagemaker_endpoint_name: ENDPOINT,
      sagemaker_monitoring_schedule_name: `${SCHEDULE}-data`,
      start_time: iso(start),
      end_time: iso(start + HOUR),
      publish_cloudwatch_metrics: 'Enabled',
      MPM_MESSAGE_FILE: path.join(out, 'message'),
      CLOUDWATCH_METRICS_DIRECTORY: path.join(out, 'cloudwatch'),
      MPM_JOB_CONFIG_FILE: path.join(out, 'no-processingjobconfig.json'),
    };
    await writeFile(env.MPM_JOB_CONFIG_FILE, '{}\n');
    const run = await runMonitor([], env);
    const message = existsSync(env.MPM_MESSAGE_FILE) ? (await readFile(env.MPM_MESSAGE_FILE, 'utf8')).trim() : `(no message; exit ${run.code})`;
    const reportFile = path.join(out, 'monitoring_report.json');
    const report = existsSync(reportFile)
      ? (JSON.parse(await readFile(reportFile, 'utf8')) as { data_quality?: { item_count: number; violations: Array<{ feature_name: string; constraint_check_type: string }> } })
      : {};
    const violations = report.data_quality?.violations ?? [];
    const drifted = [...new Set(violations.map((v) => v.feature_name))];
    const verdict = violations.length > 0 ? `VIOLATIONS (${violations.length}: ${drifted.slice(0, 6).join(', ')}${drifted.length > 6 ? ', ...' : ''})` : message.split(':')[0];
    console.log(`${iso(start)}  ${hour.label.padEnd(8)}  ${String(report.data_quality?.item_count ?? 0).padStart(7)}  ${verdict}`);
    if (run.code !== 0 || (hour.drift > 0 ? violations.length === 0 : violations.length > 0)) ok = false;
    if (h === HOURS.length - 1 && existsSync(path.join(out, 'report.html'))) console.log(`open the data-quality page: file://${path.join(out, 'report.html')}`);
  }
  return ok;
}

/**
 * The history of the demo's hourly runs (`mpm-monitor history`, issue 19): the hours' report folders (model and data
 * quality; not the runs at hour end, made before any label) are laid out as Model Monitor writes them,
 * {endpoint}/{schedule}/yyyy/mm/dd/hh/ of the hour each run executes, then the page and the Parquet table are written.
 */
async function historyDemo(runs: string): Promise<void> {
  const source = path.join(WORK, 'history-source');
  const out = path.join(WORK, 'history');
  for (const name of (await readdir(runs)).sort()) {
    const hourly = /^(data-quality-)?(\d{4})-(\d{2})-(\d{2})-(\d{2})$/.exec(name);
    if (hourly === null) continue;
    const executed = Date.UTC(Number(hourly[2]), Number(hourly[3]) - 1, Number(hourly[4]), Number(hourly[5])) + HOUR;
    const folder = path.join(source, ENDPOINT, hourly[1] ? `${SCHEDULE}-data` : SCHEDULE, hourFolder(executed));
    await cp(path.join(runs, name), folder, { recursive: true, filter: (f) => !f.includes(`${path.sep}cloudwatch`) });
  }
  const history = await runMonitor(['history', '--source', source, '--output-path', out, '--title', `${ENDPOINT}: the demo's hours`], {});
  if (history.code !== 0) throw new Error(`mpm-monitor history failed (exit ${history.code}):\n${history.stderr}`);
  console.log(`\n${history.stdout.trim()}`);
  console.log(`open the history page: file://${path.join(out, 'history.html')}`);
}

/**
 * Runs the monitor on an hour before its labels have come; returns the estimated accuracy as a number and as the
 * summary shows it ("0.8123 ± 0.0110", and "!" when an estimated_accuracy constraint is violated).
 */
async function estimateBeforeLabels(env: Record<string, string>): Promise<{ value: number; text: string } | undefined> {
  await mkdir(env.ground_truth_source!, { recursive: true });
  await mkdir(env.output_path!, { recursive: true });
  await writeFile(env.MPM_JOB_CONFIG_FILE!, '{}\n');
  await runMonitor([], { ...env, publish_cloudwatch_metrics: 'Disabled' });
  const file = path.join(env.output_path!, 'statistics.json');
  if (!existsSync(file)) return undefined;
  const statistics = JSON.parse(await readFile(file, 'utf8')) as { mpm_estimated_metrics?: { metrics?: Record<string, { value: number; standard_error: number }> } };
  const accuracy = statistics.mpm_estimated_metrics?.metrics?.accuracy;
  if (accuracy === undefined) return undefined;
  const violations = JSON.parse(await readFile(path.join(env.output_path!, 'constraint_violations.json'), 'utf8')) as { violations: Array<{ metric_name: string }> };
  const flagged = violations.violations.some((v) => v.metric_name === 'estimated_accuracy') ? ' !' : '';
  return { value: accuracy.value, text: `${accuracy.value.toFixed(4)} ± ${accuracy.standard_error.toFixed(4)}${flagged}` };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
