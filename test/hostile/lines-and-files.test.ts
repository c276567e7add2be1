/**
 * @module Issue 14, items 1, 3 and 4, through the real CLI: long lines (linear time, a maximum line size), files that
 * cannot be read to the end (weighed by bytes in the error limit, named in the verdict when lost entirely), gzip
 * trailing garbage (kept as gzip -d does), and byte-order marks in every file that is read.
 */
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { runMonitor } from '../helpers/run-monitor.ts';
import { CAPTURE_DIR, HOUR, captureLine, goodTraffic, labelRow, reasonCount, removeFolders, reportOf, runArgs, tempFolder, writeTree } from './inputs.ts';

afterAll(removeFolders);

const BOM = '\uFEFF';

describe('item 1: long lines', () => {
  // gzip hands lines out in 16 KiB chunks: a 10 MB line took 26 s, 20 MB 94 s, 40 MB never ended.
  it('reads a gzip capture with a 24 MB line (two 12 MB CSV records, incompressible) in seconds, and joins it', async () => {
    const root = tempFolder();
    const big = (n: number): string => randomBytes(n).toString('base64');
    const request = `${big(9_000_000)}\n${big(9_000_000)}`;
    const { capture, labels } = goodTraffic(20);
    const line = JSON.stringify({
      captureData: {
        endpointInput: { observedContentType: 'text/csv', mode: 'INPUT', data: request, encoding: 'CSV' },
        endpointOutput: { observedContentType: 'application/json', mode: 'OUTPUT', data: '[{"label":1},{"label":0}]', encoding: 'JSON' },
      },
      eventMetadata: { eventId: 'e-big', inferenceId: 'big', inferenceTime: '2024-05-06T22:30:00Z' },
      eventVersion: '0',
    });
    expect(line.length).toBeGreaterThan(24_000_000);
    writeTree(root, {
      [`capture/${CAPTURE_DIR}/big.jsonl.gz`]: gzipSync(`${capture.slice(0, 10).join('\n')}\n${line}\n${capture.slice(10).join('\n')}\n`, { level: 1 }),
      [`groundtruth/${HOUR}/labels.jsonl`]: [...labels, labelRow('big', 0, 1), labelRow('big', 1, 0)].join('\n'),
    });
    const started = performance.now();
    const run = await runMonitor({ env: runArgs(root), timeoutMs: 60_000 });
    const seconds = (performance.now() - started) / 1000;
    expect(run.timedOut, `timed out after ${seconds} s`).toBe(false);
    expect(run.exitCode, run.stderr.slice(-2000)).toBe(0);
    const report = reportOf(run);
    expect(report.capture?.lines).toBe(21);
    expect(report.join?.joined).toBe(42);
    expect(report.input_errors.total).toBe(0);
  });

  it('skips a line longer than MPM_MAX_LINE_BYTES without reading it and counts it as line_too_long at its line', async () => {
    const root = tempFolder();
    const { capture, labels } = goodTraffic(40);
    const long = captureLine('long', [1, 0], { input: JSON.stringify([{ pad: 'y'.repeat(2_000_000) }, { pad: 'z' }]) });
    writeTree(root, {
      [`capture/${CAPTURE_DIR}/a.jsonl`]: [...capture.slice(0, 5), long, ...capture.slice(5)].join('\n'),
      [`groundtruth/${HOUR}/labels.jsonl`]: [...labels, labelRow('long', 0, 1), labelRow('long', 1, 0)].join('\n'),
    });
    const run = await runMonitor({ env: runArgs(root, 'BinaryClassification', { MPM_MAX_LINE_BYTES: '1048576' }) });
    expect(run.exitCode, run.stderr.slice(-2000)).toBe(0);
    const report = reportOf(run);
    expect(report.capture?.lines).toBe(41);
    expect(report.input_errors.by_reason.line_too_long).toMatchObject({ count: 1, samples: [{ line: 6, detail: `${long.length} bytes, above MPM_MAX_LINE_BYTES 1048576` }] });
    expect(report.join?.joined).toBe(80);
  });

  it('rejects a maximum line size that is not a whole number of bytes in range, naming the variable (exit 2)', async () => {
    const run = await runMonitor({ env: { ...runArgs(tempFolder()), MPM_MAX_LINE_BYTES: '12' } });
    expect(run.exitCode).toBe(2);
    expect(run.message).toContain('config: MPM_MAX_LINE_BYTES "12" is not valid; expected a whole number of bytes between 1024 and');
  });
});

describe('item 3: files that cannot be read to the end', () => {
  it('weighs a .gz file that is not gzip by its bytes: a third of the capture lost fails the run (exit 3), saying so', async () => {
    const root = tempFolder();
    const a = goodTraffic(30, 'a');
    const b = goodTraffic(30, 'b');
    const lost = goodTraffic(30, 'lost');
    writeTree(root, {
      [`capture/${CAPTURE_DIR}/1.jsonl`]: a.capture.join('\n'),
      [`capture/${CAPTURE_DIR}/2.jsonl.gz`]: lost.capture.join('\n'), // not gzip
      [`capture/${CAPTURE_DIR}/3.jsonl`]: b.capture.join('\n'),
      [`groundtruth/${HOUR}/labels.jsonl`]: [...a.labels, ...b.labels, ...lost.labels].join('\n'),
    });
    const run = await runMonitor({ env: runArgs(root) });
    expect(run.exitCode, run.stderr.slice(-2000)).toBe(3);
    expect(run.message).toMatch(
      /^Failed: input: 1 of 3 capture files could not be read to the end: \d+ of \d+ bytes \(33\.\d\d%\) are unreadable, above MPM_MAX_INPUT_ERROR_RATE 0\.05; first: .*2\.jsonl\.gz \(it is not valid gzip \(no gzip header\)\)$/,
    );
    const report = reportOf(run);
    expect(report.capture?.unreadable_files).toMatchObject({ files: 1, lost_entirely: 1 });
    expect(report.capture?.unreadable_files?.lost[0]).toMatch(/2\.jsonl\.gz$/);
  });

  it('reads a gzip file that is not named .gz (and its ground truth alike) by its bytes: every line joined', async () => {
    const root = tempFolder();
    const plain = goodTraffic(40, 'p');
    const packed = goodTraffic(40, 'z');
    writeTree(root, {
      [`capture/${CAPTURE_DIR}/1.jsonl`]: plain.capture.join('\n'),
      [`capture/${CAPTURE_DIR}/2.jsonl`]: gzipSync(packed.capture.join('\n')),
      [`groundtruth/${HOUR}/labels.jsonl`]: gzipSync([...plain.labels, ...packed.labels].join('\n')),
    });
    const run = await runMonitor({ env: runArgs(root) });
    expect(run.exitCode, run.stderr.slice(-2000)).toBe(0);
    const report = reportOf(run);
    expect(report.capture?.requests).toBe(80);
    expect(report.input_errors?.total ?? 0).toBe(0);
    expect(report.join?.joined).toBe(report.capture?.predictions);
  });

  it('names a file lost entirely in a violation even when its bytes are within the limit: never "Completed ... no violations"', async () => {
    const root = tempFolder();
    const good = goodTraffic(200, 'g');
    writeTree(root, {
      [`capture/${CAPTURE_DIR}/1.jsonl`]: good.capture.join('\n'),
      [`capture/${CAPTURE_DIR}/9.jsonl.gz`]: 'not gzip at all\n',
      [`groundtruth/${HOUR}/labels.jsonl`]: good.labels.join('\n'),
    });
    const run = await runMonitor({ env: runArgs(root) });
    expect(run.exitCode, run.stderr.slice(-2000)).toBe(0);
    expect(run.message).toBe('CompletedWithViolations: Job completed successfully with 1 violations.');
    const violation = reportOf(run).violations?.[0];
    expect(violation).toMatchObject({ metric_name: 'unreadable_input_files', constraint_check_type: 'UnreadableFileCheck', value: 1 });
    expect(violation?.description).toMatch(/^An input file could not be read at all: 1 capture files \(.*9\.jsonl\.gz\)\./);
  });

  it('keeps the lines before the cut of a truncated gzip and counts the cut bytes, not the whole file', async () => {
    const root = tempFolder();
    const good = goodTraffic(400, 't');
    const gz = gzipSync(good.capture.join('\n'));
    writeTree(root, {
      [`capture/${CAPTURE_DIR}/1.jsonl.gz`]: gz.subarray(0, Math.floor(gz.length * 0.98)),
      [`groundtruth/${HOUR}/labels.jsonl`]: good.labels.join('\n'),
    });
    const run = await runMonitor({ env: runArgs(root) });
    const report = reportOf(run);
    expect(report.capture?.unreadable_files).toMatchObject({ files: 1, lost_entirely: 0 });
    expect(report.capture!.unreadable_files!.bytes).toBeLessThan(gz.length * 0.05);
    expect(report.capture!.lines).toBeGreaterThan(350);
    expect(report.input_errors.by_reason.unreadable_file?.samples[0]?.detail).toBe('the gzip stream is cut short (unexpected end of file)');
    expect(run.exitCode).toBe(0);
  });

  // gzip -d: "decompression OK, trailing garbage ignored". zlib's stream error used to drop the last chunk of lines.
  it('keeps every line of a gzip file followed by trailing garbage, as gzip -d does, and notes the garbage', async () => {
    const root = tempFolder();
    const good = goodTraffic(300, 'z');
    writeTree(root, {
      [`capture/${CAPTURE_DIR}/1.jsonl.gz`]: Buffer.concat([gzipSync(good.capture.join('\n') + '\n'), Buffer.from('this is not gzip\n')]),
      [`groundtruth/${HOUR}/labels.jsonl`]: good.labels.join('\n'),
    });
    const run = await runMonitor({ env: runArgs(root) });
    expect(run.exitCode, run.stderr.slice(-2000)).toBe(0);
    const report = reportOf(run);
    expect(report.capture?.lines).toBe(300);
    expect(report.join?.joined).toBe(600);
    expect(reasonCount(report, 'gzip_trailing_garbage')).toBe(1);
    expect(report.capture?.unreadable_files).toBeUndefined();
  });
});

describe('item 4: byte-order marks', () => {
  it('reads ground truth as a JSON array, JSON Lines and CSV, capture plain and gzipped, constraints and the job config, each starting with a BOM', async () => {
    const root = tempFolder();
    const a = goodTraffic(10, 'a');
    const b = goodTraffic(10, 'b');
    const c = goodTraffic(10, 'c');
    const d = goodTraffic(10, 'd');
    const rows = (lines: string[]): string => `[${lines.join(',')}]`;
    const csv = (lines: string[]): string =>
      ['InferenceId,payload_index,groundTruthLabel', ...lines.map((l) => JSON.parse(l) as { InferenceId: string; payload_index: number; groundTruthLabel: number }).map((r) => `${r.InferenceId},${r.payload_index},${r.groundTruthLabel}`)].join('\n');
    writeTree(root, {
      [`capture/${CAPTURE_DIR}/1.jsonl`]: BOM + [...a.capture, ...b.capture, ...c.capture].join('\n'),
      [`capture/${CAPTURE_DIR}/2.jsonl.gz`]: gzipSync(BOM + d.capture.join('\n')),
      [`groundtruth/${HOUR}/a.json`]: BOM + rows(a.labels),
      [`groundtruth/${HOUR}/b.jsonl`]: BOM + b.labels.join('\n'),
      [`groundtruth/${HOUR}/c.csv`]: BOM + csv(c.labels),
      [`groundtruth/${HOUR}/d.jsonl`]: d.labels.join('\n'),
      'constraints.json': `${BOM}{"version": 0.0, "binary_classification_constraints": {"accuracy": {"threshold": 0.5, "comparison_operator": "LessThanThreshold"}}}`,
    });
    // The job config holds the problem type: a BOM there must not lose it (nor fail the run).
    const { problem_type: problemType, ...env } = runArgs(root, 'BinaryClassification', { baseline_constraints: `${root}/constraints.json` });
    const jobConfig = `${BOM}${JSON.stringify({ Environment: { problem_type: problemType } })}`;
    const run = await runMonitor({ env, jobConfig });
    expect(run.exitCode, run.stderr.slice(-2000)).toBe(0);
    const report = reportOf(run);
    expect(report.input_errors.total).toBe(0);
    expect(report.capture?.requests).toBe(40);
    expect(report.ground_truth?.labels).toBe(80);
    expect(report.join?.joined).toBe(80);
    expect(run.message).toBe('Completed: Job completed successfully with no violations.');
  });

  it('says how much of the ground truth an invalid JSON-array file held, not "1 of 0 ground-truth rows"', async () => {
    const root = tempFolder();
    const a = goodTraffic(10, 'a');
    writeTree(root, {
      [`capture/${CAPTURE_DIR}/1.jsonl`]: a.capture.join('\n'),
      [`groundtruth/${HOUR}/a.json`]: `[${a.labels.join(',')}`,
    });
    const run = await runMonitor({ env: runArgs(root) });
    expect(run.exitCode).toBe(3);
    expect(run.message).toMatch(/^Failed: input: 1 of 1 ground-truth files could not be read to the end: (\d+) of \1 bytes \(100\.00%\) are unreadable, above MPM_MAX_INPUT_ERROR_RATE 0\.05; first: .*a\.json \(the JSON array is not valid JSON \(.*\)\)$/);
  });
});
