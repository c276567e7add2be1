/**
 * @module `mpm-monitor suggest-baseline` through the real CLI: constraints in SageMaker's schema from JSON Lines and
 * Parquet validation sets, the seed's one-accuracy path, and the monitor accepting what it wrote.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Writes a Parquet file with parquet-wasm in a plain Node process (the test does not import the code under test for it). */
function writeParquet(file: string, columns: Record<string, { type: 'Int32Array' | 'Float64Array'; values: number[] }>): void {
  const script = `
    import { createRequire } from 'node:module';
    import { readFileSync, writeFileSync } from 'node:fs';
    import * as arrow from 'apache-arrow';
    import * as pw from 'parquet-wasm/esm';
    await pw.default({ module_or_path: readFileSync(createRequire(import.meta.url).resolve('parquet-wasm/esm/parquet_wasm_bg.wasm')) });
    const cols = JSON.parse(process.argv[1]);
    const table = arrow.tableFromArrays(Object.fromEntries(Object.entries(cols).map(([k, c]) => [k, globalThis[c.type].from(c.values)])));
    writeFileSync(process.argv[2], pw.writeParquet(pw.Table.fromIPCStream(arrow.tableToIPC(table, 'stream'))));`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(columns), file], { cwd: ROOT, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
}

/** The CLI with `env` (the message file is redirected by the caller: its default is /opt/ml/output/message). */
function cli(args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, ['--import', 'tsx', 'monitor/cli.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', MPM_LOG_LEVEL: 'error', MPM_JOB_CONFIG_FILE: path.join(ROOT, 'package.json'), ...env },
  });
}

describe('suggest-baseline', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mpm-suggest-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // 400 records, 300 right: accuracy 0.75.
  const n = 400;
  const labels = Array.from({ length: n }, (_, i) => i % 3);
  const predictions = labels.map((l, i) => (i % 4 === 0 ? (l + 1) % 3 : l));

  it('writes SageMaker-schema constraints below the baseline value from a JSON Lines validation set', () => {
    mkdirSync(path.join(dir, 'jsonl'));
    writeFileSync(path.join(dir, 'jsonl/validation.jsonl'), labels.map((l, i) => JSON.stringify({ predicted: predictions[i], actual: l })).join('\n'));
    const run = cli([
      'suggest-baseline', '--dataset-source', path.join(dir, 'jsonl'), '--dataset-format', '{"json":{"lines":true}}',
      '--inference-attribute', 'predicted', '--ground-truth-attribute', 'actual', '--problem-type', 'MulticlassClassification',
      '--output-path', path.join(dir, 'out-jsonl'), '--expected-records', '100', '--message-file', path.join(dir, 'out-jsonl-message'),
    ]);
    expect(run.status, run.stderr).toBe(0);
    // A baselining job's ExitMessage, as the monitoring job writes it.
    expect(readFileSync(path.join(dir, 'out-jsonl-message'), 'utf8')).toBe('Completed: Job completed successfully with no violations.');
    const constraints = JSON.parse(readFileSync(path.join(dir, 'out-jsonl/constraints.json'), 'utf8'));
    const accuracy = constraints.multiclass_classification_constraints.accuracy;
    expect(accuracy.comparison_operator).toBe('LessThanThreshold');
    // At least 3 binomial standard deviations of a 100-record run below 0.75.
    expect(accuracy.threshold).toBeLessThanOrEqual(0.75 - 3 * Math.sqrt((0.75 * 0.25) / 100) + 1e-12);
    expect(constraints.multiclass_classification_constraints).not.toHaveProperty('accuracy_best_constant_classifier');
    const statistics = JSON.parse(readFileSync(path.join(dir, 'out-jsonl/statistics.json'), 'utf8'));
    expect(statistics.multiclass_classification_metrics.accuracy.value).toBe(0.75);
    expect(run.stdout).toContain('Baseline over 400 records');
  });

  it('reads a Parquet validation set with probabilities for a binary problem', () => {
    mkdirSync(path.join(dir, 'parquet'));
    const binary = labels.map((l) => (l === 0 ? 1 : 0));
    writeParquet(path.join(dir, 'parquet/validation.parquet'), {
      prediction: { type: 'Int32Array', values: binary.map((l, i) => (i % 4 === 0 ? 1 - l : l)) },
      probability: { type: 'Float64Array', values: binary.map((l, i) => (i % 4 === 0 ? 1 - l : l) * 0.6 + 0.2 + (i % 7) / 100) },
      label: { type: 'Int32Array', values: binary },
    });
    const run = cli([
      'suggest-baseline', '--dataset-source', path.join(dir, 'parquet'), '--dataset-format', '{"parquet":{}}',
      '--ground-truth-attribute', 'label', '--problem-type', 'BinaryClassification', '--output-path', path.join(dir, 'out-parquet'),
      '--message-file', path.join(dir, 'out-parquet-message'),
    ]);
    expect(run.status, run.stderr).toBe(0);
    const constraints = JSON.parse(readFileSync(path.join(dir, 'out-parquet/constraints.json'), 'utf8')).binary_classification_constraints;
    expect(constraints.auc.comparison_operator).toBe('LessThanThreshold');
    expect(constraints.false_positive_rate.comparison_operator).toBe('GreaterThanThreshold');
    expect(constraints.accuracy.threshold).toBeLessThan(0.75);
  });

  it("keeps the seed's path: --from-accuracy writes one accuracy constraint, and the monitor reads it", () => {
    const run = cli(['suggest-baseline', '--from-accuracy', '0.8043', '--problem-type', 'MulticlassClassification', '--output-path', path.join(dir, 'seed')], {
      MPM_MESSAGE_FILE: path.join(dir, 'seed-message'),
    });
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(readFileSync(path.join(dir, 'seed/constraints.json'), 'utf8'))).toEqual({
      version: 0,
      multiclass_classification_constraints: { accuracy: { threshold: 0.8043, comparison_operator: 'LessThanThreshold' } },
    });
    // The JSON Lines set has accuracy 0.75 < 0.8043: one violation.
    const monitor = cli([
      '--dataset-source', path.join(dir, 'jsonl'), '--dataset-format', '{"json":{"lines":true}}', '--inference-attribute', 'predicted',
      '--ground-truth-attribute', 'actual', '--baseline-constraints', path.join(dir, 'seed/constraints.json'),
      '--output-path', path.join(dir, 'judged'), '--message-file', path.join(dir, 'judged/message'),
    ]);
    expect(monitor.status, monitor.stderr).toBe(0);
    expect(readFileSync(path.join(dir, 'judged/message'), 'utf8')).toMatch(/^CompletedWithViolations: Job completed successfully with 1 violations?\.$/);
  });

  it('rejects a bad --k with a message naming it, in the log and the message file', () => {
    const run = cli(['suggest-baseline', '--k', '-1', '--output-path', path.join(dir, 'bad')], { MPM_MESSAGE_FILE: path.join(dir, 'bad-message') });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--k -1 is not valid; expected a number >= 0');
    expect(readFileSync(path.join(dir, 'bad-message'), 'utf8')).toMatch(/^Failed: config: --k -1 is not valid; expected a number >= 0/);
  });

  it('says why in the message file when the baseline cannot be computed (no labelled record)', () => {
    mkdirSync(path.join(dir, 'empty'));
    writeFileSync(path.join(dir, 'empty/validation.jsonl'), '');
    const run = cli(
      ['suggest-baseline', '--dataset-source', path.join(dir, 'empty'), '--dataset-format', '{"json":{"lines":true}}', '--inference-attribute', 'predicted',
        '--ground-truth-attribute', 'actual', '--output-path', path.join(dir, 'out-empty'), '--message-file', path.join(dir, 'empty-message')],
    );
    expect(run.status).not.toBe(0);
    expect(readFileSync(path.join(dir, 'empty-message'), 'utf8')).toMatch(/^Failed: \S/);
  });
});
