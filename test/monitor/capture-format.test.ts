/**
 * @module The monitor reads exactly what the server captures: the shared capture fixture
 * (test/fixtures/capture-format/, written by serving/ and pinned by test/serving/capture-golden.test.ts), with its
 * JSON, CSV and BASE64 JSON Lines payloads, an hour rotation and a record without inferenceId.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const FIXTURE = path.join(ROOT, 'test/fixtures/capture-format');

interface Line {
  captureData: { endpointOutput: { data: string; encoding: string; observedContentType: string } };
  eventMetadata: { eventId: string; inferenceId?: string };
}

/** The predicted labels of one response, read independently of the monitor's code (the fixture's known shapes). */
function predictedLabels(line: Line): number[] {
  const out = line.captureData.endpointOutput;
  const text = out.encoding === 'BASE64' ? Buffer.from(out.data, 'base64').toString('utf8') : out.data;
  if (out.observedContentType.startsWith('text/csv')) return text.trim().split('\n').map((l) => Number(l.split(',')[0]));
  if (out.observedContentType.includes('jsonlines')) return text.trim().split('\n').map((l) => JSON.parse(l).label as number);
  return (JSON.parse(text) as Array<{ payload_index: number; label: number }>).sort((a, b) => a.payload_index - b.payload_index).map((p) => p.label);
}

describe('the shared capture fixture', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mpm-capture-format-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('joins every captured record with its label and computes the accuracy the responses imply', () => {
    cpSync(path.join(FIXTURE, 'capture'), path.join(dir, 'capture'), { recursive: true });
    const lines: Line[] = [];
    const walk = (d: string): void => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else for (const l of readFileSync(p, 'utf8').split('\n')) if (l.trim()) lines.push(JSON.parse(l) as Line);
      }
    };
    walk(path.join(dir, 'capture'));
    const labels = JSON.parse(readFileSync(path.join(FIXTURE, 'labels.json'), 'utf8')) as Array<{ inferenceId: string | null; payload_index: number; label: number }>;
    // The record captured without an inferenceId is keyed by its eventId, as SageMaker does.
    const noId = lines.find((l) => l.eventMetadata.inferenceId === undefined)!;
    const rows = labels.map((l) => ({ InferenceId: l.inferenceId ?? noId.eventMetadata.eventId, payload_index: l.payload_index, groundTruthLabel: l.label }));
    mkdirSync(path.join(dir, 'groundtruth/2026/01/15/12'), { recursive: true });
    writeFileSync(path.join(dir, 'groundtruth/2026/01/15/12/labels.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    writeFileSync(path.join(dir, 'job.json'), '{}');

    let correct = 0;
    for (const line of lines) {
      const id = line.eventMetadata.inferenceId ?? line.eventMetadata.eventId;
      predictedLabels(line).forEach((p, i) => {
        if (rows.find((r) => r.InferenceId === id && r.payload_index === i)!.groundTruthLabel === p) correct++;
      });
    }

    const run = spawnSync(process.execPath, ['--import', 'tsx', 'monitor/cli.ts'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH ?? '',
        dataset_source: path.join(dir, 'capture'),
        ground_truth_source: path.join(dir, 'groundtruth'),
        output_path: path.join(dir, 'out'),
        start_time: '2026-01-15T10:00:00Z',
        end_time: '2026-01-15T12:00:00Z',
        sagemaker_endpoint_name: 'local-endpoint',
        problem_type: 'MulticlassClassification',
        MPM_MESSAGE_FILE: path.join(dir, 'message'),
        MPM_JOB_CONFIG_FILE: path.join(dir, 'job.json'),
        MPM_LOG_LEVEL: 'warn',
      },
    });
    expect(run.status, run.stderr).toBe(0);
    const report = JSON.parse(readFileSync(path.join(dir, 'out/monitoring_report.json'), 'utf8'));
    expect(report.input_errors.total).toBe(0);
    expect(report.capture).toMatchObject({ files: 2, requests: 6, predictions: labels.length, keyed_by_event_id: 1 });
    expect(report.join).toMatchObject({ joined: labels.length, predictions_without_label: 0, labels_without_prediction: 0 });
    const statistics = JSON.parse(readFileSync(path.join(dir, 'out/statistics.json'), 'utf8'));
    expect(statistics.dataset.item_count).toBe(labels.length);
    expect(statistics.multiclass_classification_metrics.accuracy.value).toBeCloseTo(correct / labels.length, 15);
  }, 60_000);
});
