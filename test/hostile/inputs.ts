/**
 * @module Inputs for the hostile-input tests (issue 14): well-formed capture lines and ground-truth rows to surround
 * the hostile ones with, folder trees written from a map of files, and the run report's fields the tests read.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { MonitorRun } from '../helpers/run-monitor.ts';

/** The hour every capture record of these tests falls in. */
export const HOUR = '2024/05/06/22';
export const ENDPOINT = 'ep';
export const CAPTURE_DIR = `${ENDPOINT}/AllTraffic/${HOUR}`;
export const TIME = '2024-05-06T22:10:00Z';

export interface CaptureRecordOptions {
  /** The response: JSON text of endpointOutput.data (default the seed's [{payload_index, label, score}]). */
  output?: string;
  /** Extra eventMetadata fields, or replacements. */
  metadata?: Record<string, unknown>;
  /** Replaces endpointOutput's fields. */
  outputFields?: Record<string, unknown>;
  /** Replaces endpointInput's data (default one object per label). */
  input?: string;
}

/** One capture line (JSON text, no newline) of a request with one record per label. */
export function captureLine(id: string, labels: Array<number | string>, o: CaptureRecordOptions = {}): string {
  const input = o.input ?? JSON.stringify(labels.map((_, i) => ({ f0: i, f1: i * 2 })));
  const output = o.output ?? JSON.stringify(labels.map((label, i) => ({ payload_index: i, label, score: 0.9 })));
  return JSON.stringify({
    captureData: {
      endpointInput: { observedContentType: 'application/json', mode: 'INPUT', data: input, encoding: 'JSON' },
      endpointOutput: { observedContentType: 'application/json', mode: 'OUTPUT', data: output, encoding: 'JSON', ...o.outputFields },
    },
    eventMetadata: { eventId: `event-${id}`, inferenceId: id, inferenceTime: TIME, ...o.metadata },
    eventVersion: '0',
  });
}

/** A ground-truth row of the seed's shape. */
export function labelRow(id: string, index: number, label: unknown): string {
  return JSON.stringify({ InferenceId: id, payload_index: index, groundTruthLabel: label });
}

/** `count` good requests of two records (labels [1, 0]) and their labels (both right), as capture and gt lines. */
export function goodTraffic(count: number, prefix = 'r'): { capture: string[]; labels: string[] } {
  const capture: string[] = [];
  const labels: string[] = [];
  for (let i = 0; i < count; i++) {
    const id = `${prefix}-${i}`;
    capture.push(captureLine(id, [1, 0]));
    labels.push(labelRow(id, 0, 1), labelRow(id, 1, 0));
  }
  return { capture, labels };
}

/** A fresh temporary folder, removed by {@link removeFolders}. */
const made: string[] = [];
export function tempFolder(prefix = 'mpm-hostile-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export function removeFolders(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Writes files (relative path -> content) under `root`; returns root. */
export function writeTree(root: string, files: Record<string, string | Buffer>): string {
  for (const [rel, body] of Object.entries(files)) {
    const file = path.join(root, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, body);
  }
  return root;
}

/** The usual arguments: capture and ground truth under `root`, one hour window, the given problem type. */
export function runArgs(root: string, problemType = 'BinaryClassification', extra: Record<string, string> = {}): Record<string, string> {
  return {
    dataset_source: path.join(root, 'capture'),
    ground_truth_source: path.join(root, 'groundtruth'),
    output_path: '{out}',
    problem_type: problemType,
    start_time: '2024-05-06T22:00:00Z',
    end_time: '2024-05-06T23:00:00Z',
    sagemaker_endpoint_name: ENDPOINT,
    ...extra,
  };
}

/** The parts of monitoring_report.json the tests read. */
export interface RunReportView {
  status: string;
  exit_code: number;
  message: string;
  capture?: {
    files: number;
    bytes: number;
    lines: number;
    requests: number;
    predictions: number;
    skipped: Record<string, number>;
    unreadable_files?: { files: number; bytes: number; lost_entirely: number; lost: string[] };
    skipped_files?: Record<string, number>;
  };
  ground_truth?: { files: number; rows: number; labels: number; duplicate_labels: number; unreadable_files?: { files: number; bytes: number; lost_entirely: number; lost: string[] } };
  join?: { predictions: number; joined: number; predictions_without_label: number };
  input_errors: { total: number; by_reason: Record<string, { count: number; samples: Array<{ file: string; line?: number; detail?: string }> }> };
  metrics?: { item_count: number; scalars: Record<string, { value: number }>; not_computed?: Record<string, string> };
  violations?: Array<{ metric_name: string; constraint_check_type: string; description: string; value?: number }>;
}

export function reportOf(run: MonitorRun): RunReportView {
  const report = run.outputs['monitoring_report.json'] as RunReportView | undefined;
  if (report === undefined) throw new Error(`no monitoring_report.json (exit ${run.exitCode}):\n${run.stderr.slice(-2000)}`);
  return report;
}

/** The count of an input-error reason in a run report (0 when absent). */
export function reasonCount(report: RunReportView, reason: string): number {
  return report.input_errors.by_reason[reason]?.count ?? 0;
}
