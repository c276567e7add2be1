/**
 * @module Issue 14's fuzz test (fast-check): capture lines and ground-truth rows built from random bytes, random JSON
 * and the hostile shapes of the issue (deep nesting, huge and overflowing numbers, labels named like Object's own
 * properties, byte-order marks, out-of-range payload indexes, broken gzip), in plain and gzip files. Every run must end
 * in bounded time as Completed or with an input or output error (exit 0, 3 or 4, never an internal error), and the
 * counts must add up: every capture line read is a request, a skipped line or one input error; every ground-truth row
 * is a label stored (or a duplicate) or one input error; every prediction joined or lacks a label.
 *
 * Most runs call run() in this process (fast enough for a hundred inputs); a few spawn the real CLI, so a crash that
 * only a process shows (a stack overflow, an unhandled rejection, a hang) is caught too.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../monitor/config/load-config.ts';
import type { InputErrorTally } from '../../monitor/ingest/input-errors.ts';
import type { CaptureSummary } from '../../monitor/scan/capture-summary.ts';
import type { GroundTruthSummary } from '../../monitor/ground-truth/read-ground-truth.ts';
import { runModelQuality } from '../../monitor/pipeline/run-model-quality.ts';
import { runMonitor } from '../helpers/run-monitor.ts';
import { CAPTURE_DIR, HOUR, removeFolders, reportOf, runArgs, tempFolder } from './inputs.ts';

afterAll(removeFolders);

// More runs when looking for trouble: MPM_FUZZ_RUNS=2000 MPM_FUZZ_CLI_RUNS=50 npx vitest run test/hostile/fuzz.test.ts

/** Reasons that concern a file, not a line or row (they are not counted against lines). */
const FILE_LEVEL = new Set(['unreadable_file', 'gzip_trailing_garbage', 'gt_gzip_trailing_garbage']);

const IDS = ['a', 'b', 'c', '__proto__', 'constructor', '007', '7'];
const deep = (depth: number, inner = '1'): string => `${'['.repeat(depth)}${inner}${']'.repeat(depth)}`;

/** Raw JSON number texts JSON.stringify cannot write. */
const rawNumber = fc.constantFrom('1e400', '-1e400', '1e308', '-1e308', '5e-324', '1e20', '4294967296', '-0', '0.5', '2', '1', '0');

/** A label value, JSON text. */
const labelText = fc.oneof(
  rawNumber,
  fc.constantFrom('"1"', '"0"', '"__proto__"', '"constructor"', '"toString"', '"cat"', '""', 'null', 'true', '[1]', '{"a":1}'),
  fc.integer({ min: 1000, max: 20_000 }).map((d) => deep(d)),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? 'null'),
);

/** A payload_index, JSON text. */
const indexText = fc.oneof(fc.integer({ min: -2, max: 6 }).map(String), rawNumber, fc.constantFrom('"1"', '" 0 "', 'null', '[0]'), fc.integer({ min: 1000, max: 20_000 }).map((d) => deep(d, '0')));

/** A response payload (endpointOutput.data), as the string it holds. */
const responseData = fc.oneof(
  fc.array(fc.tuple(indexText, labelText, fc.oneof(rawNumber, fc.constant('0.7'))), { minLength: 0, maxLength: 4 }).map(
    (items) => `[${items.map(([i, l, s]) => `{"payload_index":${i},"label":${l},"score":${s}}`).join(',')}]`,
  ),
  fc.array(labelText, { maxLength: 4 }).map((labels) => `[${labels.join(',')}]`),
  fc.array(labelText, { maxLength: 4 }).map((labels) => `{"predictions":[${labels.join(',')}]}`),
  fc.array(fc.double({ noNaN: true }), { maxLength: 4 }).map((v) => v.join('\n')),
  fc.string({ maxLength: 40 }),
  fc.integer({ min: 1000, max: 20_000 }).map((d) => deep(d)),
);

/** A capture line of the capture record's shape, with hostile parts. */
const captureRecord = fc
  .record({
    id: fc.oneof(fc.constantFrom(...IDS).map((s) => JSON.stringify(s)), rawNumber, fc.constantFrom('null', '{"x":1}')),
    time: fc.oneof(
      fc.constantFrom('"2024-05-06T22:10:00Z"', '"2024-05-06T21:59:59Z"', '"2024-05-06T23:00:00Z"', '"yesterday"', 'null', '17'),
      fc.integer({ min: 1000, max: 20_000 }).map((d) => deep(d, '"2024-05-06T22:10:00Z"')),
    ),
    output: responseData,
    encoding: fc.oneof(fc.constantFrom('"JSON"', '"CSV"', '"BASE64"', '"UTF-16"', '7', 'null'), fc.integer({ min: 1000, max: 20_000 }).map((d) => deep(d, '"JSON"'))),
    contentType: fc.constantFrom('"application/json"', '"text/csv"', '"application/jsonlines"', '"image/png"', '5'),
    input: fc.oneof(fc.constant('"[{\\"f\\":1},{\\"f\\":2}]"'), fc.constant(JSON.stringify(`${'{"instances":'.repeat(5000)}[1,2]${'}'.repeat(5000)}`)), fc.constant('7')),
    shadow: fc.boolean(),
  })
  .map(
    (r) =>
      `{"captureData":{"endpointInput":{"observedContentType":"application/json","mode":"INPUT","data":${r.input},"encoding":"JSON"},` +
      `"endpointOutput":{"observedContentType":${r.contentType},"mode":"OUTPUT","data":${JSON.stringify(r.output)},"encoding":${r.encoding}}},` +
      `"eventMetadata":{"eventId":"e","inferenceId":${r.id},"inferenceTime":${r.time}${r.shadow ? ',"invocationSource":"ShadowExperiment"' : ''}},"eventVersion":"0"}`,
  );

/** Any capture line: random bytes, random JSON, or a capture-shaped record. */
const captureText = fc.oneof(
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 60 }).map((b) => Buffer.from(b).toString('latin1')) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v) ?? 'null') },
  { weight: 4, arbitrary: captureRecord },
);

/** Any ground-truth line: random bytes, random JSON, the seed's row or SageMaker's groundTruthData, with hostile parts. */
const groundTruthText = fc.oneof(
  fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b).toString('latin1')),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? 'null'),
  fc
    .tuple(fc.oneof(fc.constantFrom(...IDS).map((s) => JSON.stringify(s)), fc.constantFrom('null', '5')), indexText, labelText)
    .map(([id, index, label]) => `{"InferenceId":${id},"payload_index":${index},"groundTruthLabel":${label}}`),
  fc
    .tuple(fc.constantFrom(...IDS), labelText, fc.constantFrom('"CSV"', '"JSON"', '"BASE64"', '3'))
    .map(([id, data, encoding]) => `{"groundTruthData":{"data":${data},"encoding":${encoding}},"eventMetadata":{"eventId":${JSON.stringify(id)}}}`),
);

/** How a file's bytes are written: plain, with a BOM and CRLF, gzip, gzip cut short, gzip with garbage after it. */
const fileShape = fc.constantFrom('plain', 'bom-crlf', 'gzip', 'gzip-cut', 'gzip-garbage', 'not-gzip');

function fileBytes(lines: string[], shape: string): { name: string; body: Buffer } {
  const eol = shape === 'bom-crlf' ? '\r\n' : '\n';
  const text = Buffer.from((shape === 'bom-crlf' ? '\uFEFF' : '') + lines.join(eol) + eol, 'utf8');
  if (shape === 'plain' || shape === 'bom-crlf') return { name: 'x.jsonl', body: text };
  if (shape === 'not-gzip') return { name: 'x.jsonl.gz', body: text };
  const gz = gzipSync(text);
  if (shape === 'gzip-cut') return { name: 'x.jsonl.gz', body: gz.subarray(0, Math.max(1, Math.floor(gz.length * 0.7))) };
  if (shape === 'gzip-garbage') return { name: 'x.jsonl.gz', body: Buffer.concat([gz, Buffer.from('trailing garbage')]) };
  return { name: 'x.jsonl.gz', body: gz };
}

const inputs = fc.record({
  problemType: fc.constantFrom('BinaryClassification', 'MulticlassClassification', 'Regression'),
  capture: fc.array(fc.tuple(fc.array(captureText, { minLength: 1, maxLength: 12 }), fileShape), { minLength: 1, maxLength: 3 }),
  groundTruth: fc.array(fc.tuple(fc.array(groundTruthText, { minLength: 1, maxLength: 12 }), fileShape), { minLength: 0, maxLength: 2 }),
  limit: fc.constantFrom('0.05', '1'),
});

type Inputs = typeof inputs extends fc.Arbitrary<infer T> ? T : never;

function layOut(root: string, i: Inputs): void {
  i.capture.forEach(([lines, shape], n) => {
    const { name, body } = fileBytes(lines, shape);
    const dir = path.join(root, 'capture', CAPTURE_DIR);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `${n}-${name}`), body);
  });
  const gtDir = path.join(root, 'groundtruth', HOUR);
  mkdirSync(gtDir, { recursive: true });
  i.groundTruth.forEach(([lines, shape], n) => {
    const { name, body } = fileBytes(lines, shape);
    writeFileSync(path.join(gtDir, `${n}-${name}`), body);
  });
}

/** The counts of a run add up. */
function checkCounts(capture: CaptureSummary | undefined, groundTruth: GroundTruthSummary | undefined, tally: InputErrorTally | undefined, join?: { predictions: number; joined: number; predictions_without_label: number }): void {
  const byReason = [...(tally?.byReason.entries() ?? [])];
  if (capture !== undefined) {
    const lineErrors = byReason.filter(([r]) => !r.startsWith('gt_') && !FILE_LEVEL.has(r)).reduce((n, [, e]) => n + e.count, 0);
    expect(capture.lines, 'capture lines = requests + skipped + line errors').toBe(capture.requests + capture.skipped.outside_window + capture.skipped.shadow_traffic + lineErrors);
    expect(byReason.find(([r]) => r === 'unreadable_file')?.[1].count ?? 0).toBe(capture.unreadable_files?.files ?? 0);
  }
  if (groundTruth !== undefined) {
    const rowErrors = byReason.filter(([r]) => r.startsWith('gt_') && !FILE_LEVEL.has(r)).reduce((n, [, e]) => n + e.count, 0) - (groundTruth.unreadable_files?.files ?? 0);
    expect(groundTruth.rows, 'ground-truth rows = labels stored (and duplicates) + row errors').toBe(groundTruth.labels + groundTruth.duplicate_labels + rowErrors);
  }
  if (join !== undefined && capture !== undefined) {
    expect(join.predictions).toBe(capture.predictions);
    expect(join.predictions).toBe(join.joined + join.predictions_without_label);
  }
}

const silent = pino({ level: 'silent' });

describe('fuzz: hostile capture and ground truth', () => {
  it('ends every run Completed or with an input or output error, in bounded time, with counts that add up (in process)', async () => {
    await fc.assert(
      fc.asyncProperty(inputs, async (i) => {
        const root = tempFolder('mpm-fuzz-');
        layOut(root, i);
        const env = runArgs(root, i.problemType, { output_path: path.join(root, 'out'), MPM_MAX_INPUT_ERROR_RATE: i.limit, MPM_JOB_CONFIG_FILE: path.join(root, 'none.json') });
        writeFileSync(path.join(root, 'none.json'), '{}');
        const config = loadConfig({ flags: {}, env });
        const started = performance.now();
        const outcome = await runModelQuality(config, { log: silent, now: () => new Date(0) });
        // An internal error would be exit 1: only the monitor's own errors may end a run.
        expect([0, 3, 4], outcome.message).toContain(outcome.exitCode);
        const r = outcome.report;
        // The tally as the report holds it.
        const tally = { byReason: new Map(Object.entries(r.input_errors.by_reason)) } as unknown as InputErrorTally;
        checkCounts(r.capture, r.ground_truth, tally, outcome.exitCode === 0 ? r.join : undefined);
        expect((performance.now() - started) / 1000).toBeLessThan(20);
      }),
      { numRuns: Number(process.env.MPM_FUZZ_RUNS ?? 150), endOnFailure: true },
    );
  }, 600_000);

  it('ends every run of the real CLI with exit 0, 3 or 4 within 60 s, never 1, with counts that add up', async () => {
    await fc.assert(
      fc.asyncProperty(inputs, async (i) => {
        const root = tempFolder('mpm-fuzz-cli-');
        layOut(root, i);
        const result = await runMonitor({ env: runArgs(root, i.problemType, { MPM_MAX_INPUT_ERROR_RATE: i.limit }), timeoutMs: 60_000 });
        expect(result.timedOut).toBe(false);
        expect([0, 3, 4], result.stderr.slice(-3000)).toContain(result.exitCode);
        expect(result.message ?? '').not.toContain('internal error');
        const report = reportOf(result);
        const tally = { byReason: new Map(Object.entries(report.input_errors.by_reason)) } as unknown as InputErrorTally;
        checkCounts(report.capture as CaptureSummary | undefined, report.ground_truth as GroundTruthSummary | undefined, tally, report.join);
      }),
      { numRuns: Number(process.env.MPM_FUZZ_CLI_RUNS ?? 8), endOnFailure: true },
    );
  }, 900_000);
});
