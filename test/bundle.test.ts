/**
 * @module The bundle `npm run build` writes (scripts/bundle-monitor.mjs), which the image and the mpm-monitor command
 * run, against the sources the other tests run: golden cases through the bundle give their expected files; the
 * worker threads start from the bundle (the label thread with one worker, the scan workers with two); data quality,
 * suggest-baseline, the prediction store and evaluate (Parquet, loaded later in chunks) work from it.
 */
import { mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDist } from '../scripts/bench/build-dist.ts';
import { REPO_ROOT, runMonitor, slowdown } from './helpers/run-monitor.ts';
import { loadCase, normalizeRun, readExpected, runCase } from './monitor/golden-cases.ts';

let built = '';
let entry: string[] = [];

beforeAll(() => {
  built = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'mpm-bundle-')));
  buildDist(REPO_ROOT, built);
  // The bundle keeps npm packages outside: they resolve from the repository's node_modules, as in the image.
  symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(built, 'node_modules'));
  writeFileSync(path.join(built, 'package.json'), JSON.stringify({ type: 'module' }));
  entry = [path.join(built, 'monitor/cli.js')];
}, 240_000 * slowdown());

afterAll(() => rmSync(built, { recursive: true, force: true }));

/** A case through the bundle gives exactly its expected files. */
async function expectGolden(name: string, env: Record<string, string> = {}, only?: string[]): Promise<void> {
  const c = loadCase(name);
  const run = await runCase(c, entry, env);
  expect(run.exitCode, run.stderr.slice(-2000)).toBe(c.spec.exit_code);
  const got = normalizeRun(run);
  const want = readExpected(c);
  for (const [file, text] of want) if (only === undefined || only.includes(file)) expect(got.get(file), `${name}: ${file}`).toBe(text);
}

describe('the bundled monitor', () => {
  it('is one entry with its chunks and the worker entries beside it', () => {
    for (const file of ['cli.js', 'label-worker.js', 'scan-worker.js', 'parquet-encode-worker.js']) expect(readFileSync(path.join(built, 'monitor', file), 'utf8').length, file).toBeGreaterThan(0);
  });

  it('judges model quality as the sources do: one worker (labels on their own thread) and two (scan workers)', async () => {
    await expectGolden('blog-example');
    await expectGolden('late-labels', { MPM_WORKERS: '2' }, ['statistics.json', 'constraint_violations.json', 'message']);
    await expectGolden('capture-gzip');
  }, 120_000 * slowdown());

  it('runs data quality and suggest-baseline as the sources do', async () => {
    await expectGolden('dq-json-records', { MPM_WORKERS: '2' }, ['statistics.json', 'constraint_violations.json', 'message']);
    await expectGolden('dq-suggest-csv');
  }, 120_000 * slowdown());

  it('writes the prediction store and judges the hour again from it with evaluate, as the sources do', async () => {
    await expectGolden('prediction-store-window');
    const c = loadCase('prediction-store-window');
    const statistics: string[] = [];
    for (const how of [entry, undefined]) {
      const run = await runMonitor({
        ...(how && { entry: how }),
        keep: true,
        env: { ...c.spec.env, dataset_source: '{case}/capture', ground_truth_source: '{case}/groundtruth', output_path: '{out}', MPM_PREDICTION_STORE: '{tmp}/store' },
        placeholders: { case: c.dir },
      });
      expect(run.exitCode, run.stderr.slice(-2000)).toBe(0);
      const tmp = run.placeholders.tmp!;
      const judged = await runMonitor({
        ...(how && { entry: how }),
        keep: true,
        args: ['evaluate', '--from', '2024-05-06T22:00:00Z', '--to', '2024-05-06T23:00:00Z'],
        env: { ...c.spec.env, ground_truth_source: `${c.dir}/groundtruth`, output_path: '{out}', MPM_PREDICTION_STORE: `${tmp}/store` },
      });
      expect(judged.exitCode, judged.stderr.slice(-2000)).toBe(0);
      const hour = path.join(judged.placeholders.out!, 'covertype-ep', c.spec.env!.sagemaker_monitoring_schedule_name!, '2024', '05', '06', '22');
      statistics.push(readFileSync(path.join(hour, 'statistics.json'), 'utf8'));
      rmSync(tmp, { recursive: true, force: true });
      rmSync(judged.placeholders.tmp!, { recursive: true, force: true });
    }
    // Equal but for the clock.
    const [bundled, sources] = statistics.map((text) => text.replace(/"evaluation_time": "[^"]+"/g, '"evaluation_time": "{clock}"'));
    expect(bundled).toBe(sources);
    expect(statistics[0]).toContain('multiclass_classification_metrics');
  }, 120_000 * slowdown());
});

