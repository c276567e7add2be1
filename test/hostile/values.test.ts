/**
 * @module Issue 14, items 2, 7, 8 and 11, through the real CLI: values nested thousands deep, labels named like
 * Object's own properties, a constraints file that would amplify its error message, and the smaller ones (payload
 * indexes out of range, a third binary label, a ±1e308 prediction, a 1e400 label, non-string job config values).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { runMonitor } from '../helpers/run-monitor.ts';
import { CAPTURE_DIR, HOUR, captureLine, goodTraffic, labelRow, removeFolders, reportOf, runArgs, tempFolder, writeTree } from './inputs.ts';

afterAll(removeFolders);

const deepArray = (depth: number, inner = '1'): string => `${'['.repeat(depth)}${inner}${']'.repeat(depth)}`;

describe('item 2: values nested thousands of levels deep', () => {
  it('counts and describes (briefly) a deep payload_index, inferenceTime, encoding and ground-truth label; the run goes on', async () => {
    const root = tempFolder();
    const { capture, labels } = goodTraffic(200);
    const deepIndex = captureLine('deep-index', [1, 0], { output: `[{"payload_index":${deepArray(20_000)},"label":1},{"payload_index":1,"label":0}]` });
    // JSON.stringify cannot write these lines: they are spliced as text.
    const deepTime = captureLine('deep-time', [1, 0]).replace(`"inferenceTime":"2024-05-06T22:10:00Z"`, `"inferenceTime":${deepArray(20_000)}`);
    const deepEncoding = captureLine('deep-encoding', [1, 0]).replace(`"encoding":"JSON"}},"eventMetadata"`, `"encoding":${deepArray(20_000, '"JSON"')}}},"eventMetadata"`);
    const deepRequest = captureLine('deep-request', [1, 0], { input: `${'{"instances":'.repeat(20_000)}[1,2]${'}'.repeat(20_000)}` });
    expect(deepTime).not.toBe(captureLine('deep-time', [1, 0]));
    expect(deepEncoding).not.toBe(captureLine('deep-encoding', [1, 0]));
    writeTree(root, {
      [`capture/${CAPTURE_DIR}/a.jsonl`]: [...capture, deepIndex, deepTime, deepEncoding, deepRequest].join('\n'),
      [`groundtruth/${HOUR}/labels.jsonl`]: [
        ...labels,
        `{"InferenceId":"deep-label","payload_index":0,"groundTruthLabel":${deepArray(5_000)}}`,
        `{"groundTruthData":{"data":${deepArray(5_000, '"1"')},"encoding":"JSON"},"eventMetadata":{"eventId":"deep-sm"}}`,
      ].join('\n'),
    });
    const run = await runMonitor({ env: runArgs(root) });
    expect(run.exitCode, run.stderr.slice(-3000)).toBe(0);
    const report = reportOf(run);
    expect(report.input_errors.by_reason.invalid_payload_index?.samples[0]?.detail).toBe('payload_index [[[…]]] at position 0');
    expect(report.input_errors.by_reason.invalid_inference_time?.samples[0]?.detail).toBe('inferenceTime [[[…]]]');
    expect(report.input_errors.by_reason.undecodable_payload?.samples[0]?.detail).toBe('endpointOutput.encoding [[[…]]] is not JSON, CSV or BASE64');
    expect(report.input_errors.by_reason.gt_invalid_label?.samples.map((s) => s.detail)).toEqual([
      'label [[[…]]]: an array or object is not a label',
      'label [[[…]]]: an array or object is not a label',
    ]);
    // The deep request is one record of two numbers (or two records): its response of two predictions matches.
    expect(report.capture?.requests).toBe(201);
    expect(report.join?.joined).toBe(400);
    expect(JSON.stringify(report).length).toBeLessThan(20_000);
  });
});

describe('item 7: labels named like properties of Object', () => {
  it('keeps a class named __proto__ (and constructor, toString) in the confusion matrix and the per-class metrics', async () => {
    const root = tempFolder();
    const classes = ['__proto__', 'constructor', 'toString', 'a'];
    const capture: string[] = [];
    const labels: string[] = [];
    for (let i = 0; i < 100; i++) {
      const id = `p-${i}`;
      const predicted = [classes[i % 4]!, classes[(i + 1) % 4]!];
      capture.push(captureLine(id, predicted));
      labels.push(labelRow(id, 0, classes[i % 4]), labelRow(id, 1, classes[i % 4]));
    }
    writeTree(root, { [`capture/${CAPTURE_DIR}/a.jsonl`]: capture.join('\n'), [`groundtruth/${HOUR}/labels.jsonl`]: labels.join('\n') });
    const run = await runMonitor({ env: runArgs(root, 'MulticlassClassification') });
    expect(run.exitCode, run.stderr.slice(-2000)).toBe(0);
    const stats = run.outputs['statistics.json'] as {
      multiclass_classification_metrics: { confusion_matrix: Record<string, Record<string, number>>; accuracy: { value: number } };
      mpm_extra_metrics: { per_class: Record<string, { support: number }> };
    };
    const matrix = stats.multiclass_classification_metrics.confusion_matrix;
    expect(Object.keys(matrix)).toEqual(['__proto__', 'a', 'constructor', 'toString']);
    let total = 0;
    for (const row of Object.values(matrix)) for (const n of Object.values(row)) total += n;
    expect(total).toBe(200);
    // An object literal's __proto__ would set the prototype: the expected row is parsed, as the report is.
    expect(matrix.__proto__).toEqual(JSON.parse('{"__proto__":25,"a":0,"constructor":25,"toString":0}'));
    expect(Object.getOwnPropertyNames(stats.mpm_extra_metrics.per_class)).toEqual(['__proto__', 'a', 'constructor', 'toString']);
    expect(stats.mpm_extra_metrics.per_class.__proto__?.support).toBe(50);
    expect(stats.multiclass_classification_metrics.accuracy.value).toBe(0.5);
  });
});

describe('item 8: amplification', () => {
  it('rejects a constraints file of 100,000 unknown metric names with a message that lists ten of them and the valid names once', async () => {
    const root = tempFolder();
    const { capture, labels } = goodTraffic(5);
    const names: Record<string, unknown> = {};
    for (let i = 0; i < 100_000; i++) names[`no_such_metric_${i}`] = { threshold: 0.5, comparison_operator: 'LessThanThreshold' };
    writeTree(root, {
      [`capture/${CAPTURE_DIR}/a.jsonl`]: capture.join('\n'),
      [`groundtruth/${HOUR}/labels.jsonl`]: labels.join('\n'),
      'constraints.json': JSON.stringify({ version: 0.0, binary_classification_constraints: names }),
    });
    const run = await runMonitor({ env: runArgs(root, 'BinaryClassification', { baseline_constraints: `${root}/constraints.json` }) });
    expect(run.exitCode).toBe(2);
    const report = reportOf(run);
    expect(report.message).toMatch(
      /^Failed: config: baseline_constraints ".*constraints\.json" is not valid: - constraints on "no_such_metric_0", .*"no_such_metric_9" and 99990 more \(100000 in all\): no such BinaryClassification metric; valid names are recall, precision, /,
    );
    expect(report.message.length).toBeLessThan(2_000);
    expect(JSON.stringify(run.outputs['monitoring_report.json']).length).toBeLessThan(20_000);
  });
});

describe('item 11: the smaller ones', () => {
  it('counts a payload_index past the records of its response (5 of 2, 1e20) as payload_index_out_of_range and joins nothing with it', async () => {
    const root = tempFolder();
    const { capture, labels } = goodTraffic(100);
    writeTree(root, {
      [`capture/${CAPTURE_DIR}/a.jsonl`]: [
        ...capture,
        captureLine('five', [1, 0], { output: '[{"payload_index":0,"label":1},{"payload_index":5,"label":0}]' }),
        captureLine('huge', [1, 0], { output: '[{"payload_index":0,"label":1},{"payload_index":1e20,"label":0}]' }),
      ].join('\n'),
      [`groundtruth/${HOUR}/labels.jsonl`]: [...labels, labelRow('five', 0, 1), labelRow('five', 5, 0), labelRow('huge', 0, 1), labelRow('huge', 1e20, 0)].join('\n'),
    });
    const run = await runMonitor({ env: runArgs(root) });
    expect(run.exitCode, run.stderr.slice(-2000)).toBe(0);
    const report = reportOf(run);
    expect(report.input_errors.by_reason.payload_index_out_of_range?.samples.map((s) => s.detail)).toEqual([
      'payload_index 5 in a response of 2 records (expected 0..1)',
      'payload_index 100000000000000000000 in a response of 2 records (expected 0..1)',
    ]);
    expect(report.input_errors.by_reason.gt_invalid_payload_index?.samples[0]?.detail).toBe('payload_index 100000000000000000000 is above 2147483647');
    expect(report.join?.joined).toBe(200);
  });

  it('counts a numeric ground-truth id JSON cannot carry exactly as gt_invalid_id instead of joining another record', async () => {
    const root = tempFolder();
    const { capture, labels } = goodTraffic(100);
    writeTree(root, {
      [`capture/${CAPTURE_DIR}/a.jsonl`]: [...capture, captureLine('9007199254740992', [0, 0]), captureLine('9007199254740993', [1, 1]), captureLine('12', [1, 0])].join('\n'),
      // 9007199254740993 parses as ...992: its labels (1, 1) would join the ...992 record, whose predictions are 0.
      [`groundtruth/${HOUR}/labels.jsonl`]: [
        ...labels,
        '{"InferenceId":9007199254740993,"payload_index":0,"groundTruthLabel":1}',
        '{"InferenceId":9007199254740993,"payload_index":1,"groundTruthLabel":1}',
        '{"InferenceId":12,"payload_index":0,"groundTruthLabel":1}',
        '{"InferenceId":12,"payload_index":1,"groundTruthLabel":0}',
      ].join('\n'),
    });
    const run = await runMonitor({ env: runArgs(root) });
    expect(run.exitCode, run.stderr.slice(-2000)).toBe(0);
    const report = reportOf(run);
    expect(report.input_errors.by_reason.gt_invalid_id?.count).toBe(2);
    expect(report.input_errors.by_reason.gt_invalid_id?.samples[0]?.detail).toBe('inference id 9007199254740992 is a number that is not a whole number below 2^53 in size; write ids as strings');
    // A safe whole number id is read as its digits and joins (12); nothing joins the ...992 record.
    expect(report.join?.joined).toBe(202);
  });

  it('counts capture and ground-truth ids that are not valid Unicode (lone surrogates) as input errors: no UTF-8 store can keep them apart', async () => {
    const root = tempFolder();
    const { capture, labels } = goodTraffic(100);
    writeTree(root, {
      [`capture/${CAPTURE_DIR}/a.jsonl`]: [...capture, captureLine('\ud800', [1, 0]), captureLine('\udc00', [0, 1])].join('\n'),
      [`groundtruth/${HOUR}/labels.jsonl`]: [...labels, labelRow('\ud800', 0, 1), labelRow('\ud800', 1, 0), labelRow('\udc00', 0, 0), labelRow('\udc00', 1, 1)].join('\n'),
    });
    const run = await runMonitor({ env: runArgs(root) });
    expect(run.exitCode, run.stderr.slice(-2000)).toBe(0);
    const report = reportOf(run);
    expect(report.input_errors.by_reason.invalid_inference_id).toMatchObject({ count: 2, samples: [{ line: 101, detail: 'inferenceId holds a lone surrogate \\ud800 at character 0: not valid Unicode' }, { line: 102 }] });
    expect(report.input_errors.by_reason.gt_invalid_id?.count).toBe(4);
    expect(report.join?.joined).toBe(200);
  });

  it('counts a third BinaryClassification label as gt_label_not_binary and keeps a 2x2 matrix', async () => {
    const root = tempFolder();
    const { capture, labels } = goodTraffic(100);
    writeTree(root, {
      [`capture/${CAPTURE_DIR}/a.jsonl`]: [...capture, captureLine('two', [1, 0])].join('\n'),
      [`groundtruth/${HOUR}/labels.jsonl`]: [...labels, labelRow('two', 0, 2), labelRow('two', 1, 0)].join('\n'),
    });
    const run = await runMonitor({ env: runArgs(root) });
    expect(run.exitCode, run.stderr.slice(-2000)).toBe(0);
    const report = reportOf(run);
    expect(report.input_errors.by_reason.gt_label_not_binary).toMatchObject({ count: 1, samples: [{ line: 201, detail: 'label "2" is neither positive_label "1" nor the negative class "0"' }] });
    const stats = run.outputs['statistics.json'] as { binary_classification_metrics: { confusion_matrix: Record<string, Record<string, number>> } };
    expect(stats.binary_classification_metrics.confusion_matrix).toEqual({ '0': { '0': 101, '1': 0 }, '1': { '0': 0, '1': 100 } });
  });

  it('keeps mae and rmse of a window with one prediction of 1e308 (exact sums), and says why mse and r2 cannot be written', async () => {
    const root = tempFolder();
    const capture: string[] = [];
    const labels: string[] = [];
    for (let i = 0; i < 100; i++) {
      capture.push(captureLine(`g-${i}`, [2, 4]));
      labels.push(labelRow(`g-${i}`, 0, 1), labelRow(`g-${i}`, 1, 5));
    }
    capture.push(captureLine('huge', [1e308, 3]));
    labels.push(labelRow('huge', 0, 1), labelRow('huge', 1, 3));
    writeTree(root, { [`capture/${CAPTURE_DIR}/a.jsonl`]: capture.join('\n'), [`groundtruth/${HOUR}/labels.jsonl`]: labels.join('\n') });
    const run = await runMonitor({ env: runArgs(root, 'Regression') });
    expect(run.exitCode, run.stderr.slice(-2000)).toBe(0);
    const report = reportOf(run);
    const n = 202;
    // Σ|e| = 200 · 1 + (1e308 − 1) + 0; Σe² = 200 + (1e308 − 1)²: mse = Σe²/n is beyond double precision, rmse is not.
    expect(report.metrics?.scalars.mae?.value).toBe((1e308 + 199) / n);
    expect(report.metrics?.scalars.rmse?.value).toBeCloseTo(1e308 / Math.sqrt(n), -300);
    expect(report.metrics?.not_computed?.mse).toMatch(/overflow/);
    expect(report.metrics?.not_computed?.r2).toMatch(/overflow/);
  });

  it('says a ground-truth label of 1e400 is not a finite number, not "label null"', async () => {
    const root = tempFolder();
    const capture: string[] = [];
    const labels: string[] = [];
    for (let i = 0; i < 50; i++) {
      capture.push(captureLine(`g-${i}`, [2, 4]));
      labels.push(labelRow(`g-${i}`, 0, 2), labelRow(`g-${i}`, 1, 4));
    }
    labels.push('{"InferenceId":"g-0","payload_index":0,"groundTruthLabel":1e400}');
    writeTree(root, { [`capture/${CAPTURE_DIR}/a.jsonl`]: capture.join('\n'), [`groundtruth/${HOUR}/labels.jsonl`]: labels.join('\n') });
    const run = await runMonitor({ env: runArgs(root, 'Regression') });
    expect(run.exitCode, run.stderr.slice(-2000)).toBe(0);
    expect(reportOf(run).input_errors.by_reason.gt_invalid_label?.samples[0]?.detail).toBe('label Infinity: not a finite number (beyond double precision)');
  });

  it('rejects a non-string value of a setting in processingjobconfig.json "Environment", naming it (exit 2)', async () => {
    const root = tempFolder();
    const run = await runMonitor({ env: { dataset_source: root, output_path: '{out}' }, jobConfig: { Environment: { problem_type: 5, MPM_SEED: { a: 1 }, SOMETHING_ELSE: 7 } } });
    expect(run.exitCode).toBe(2);
    expect(run.message).toContain('"Environment" has problem_type a number; expected a string');
    expect(run.message).toContain('"Environment" has MPM_SEED an object; expected a string');
    expect(run.message).not.toContain('SOMETHING_ELSE');
  });
});

describe('settings that may not mean what they say', () => {
  // Each used to pass without a word: the default ran instead of the misspelled value, and a file of no constraint
  // gave "no violations" with nothing checked.
  it('warns of a misspelled variable and of a constraints file that holds no constraint; the run goes on', async () => {
    const root = tempFolder();
    const good = goodTraffic(20);
    writeTree(root, { [`capture/${CAPTURE_DIR}/a.jsonl`]: good.capture.join('\n'), [`groundtruth/${HOUR}/labels.jsonl`]: good.labels.join('\n'), 'constraints.json': '{}' });
    const run = await runMonitor({ env: { ...runArgs(root), baseline_constraints: `${root}/constraints.json`, MPM_MAX_INPUT_ERROR_RTE: '0.5' } });
    expect(run.exitCode, run.stderr.slice(-2000)).toBe(0);
    const warnings = run.stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { level: number; msg: string })
      .filter((l) => l.level === 40)
      .map((l) => l.msg);
    expect(warnings).toContain('MPM_MAX_INPUT_ERROR_RTE (environment) is not a setting and is ignored; did you mean MPM_MAX_INPUT_ERROR_RATE?');
    expect(warnings).toContain('the constraints file holds no constraint: nothing is checked');
  });
});
