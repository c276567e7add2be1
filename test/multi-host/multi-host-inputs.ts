/**
 * @module Inputs of the multi-host tests: a window of capture in nine files (multi-record requests, scores, malformed
 * lines in several files, an inference id reused across files) and its ground truth (labels for most predictions,
 * labels no prediction joins, a malformed label line), written deterministically; and the sharding SageMaker's
 * ShardedByS3Key does (whole files dealt to hosts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The window the inputs fill. */
export const WINDOW = { start: '2026-01-15T08:00:00Z', end: '2026-01-15T09:00:00Z' };

function captureFiles(hour: string): string[] {
  return Array.from({ length: 9 }, (_, i) => `mh-ep/AllTraffic/2026/01/15/${hour}/${hour}-${String(i * 6).padStart(2, '0')}-00-000-file${i}.jsonl`);
}

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function captureLine(hour: string, id: string, minute: number, second: number, records: { label: number; score: number }[]): string {
  const time = `2026-01-15T${hour}:${String(minute).padStart(2, '0')}:${String(second).padStart(2, '0')}Z`;
  return JSON.stringify({
    captureData: {
      endpointInput: { observedContentType: 'application/json', mode: 'INPUT', data: JSON.stringify(records.map((_, i) => ({ x: i }))), encoding: 'JSON' },
      endpointOutput: { observedContentType: 'application/json', mode: 'OUTPUT', data: JSON.stringify(records.map((r, i) => ({ payload_index: i, label: r.label, score: r.score }))), encoding: 'JSON' },
    },
    eventMetadata: { eventId: `ev-${id}`, inferenceId: id, inferenceTime: time },
    eventVersion: '0',
  });
}

/** The file contents of one whole window: capture file path -> text, and the labels file text. */
export function windowInputs(seed = 7, hour = '08'): { capture: Map<string, string>; labels: string } {
  const next = random(seed);
  const capture = new Map<string, string>();
  const labelLines: string[] = [];
  captureFiles(hour).forEach((file, f) => {
    const lines: string[] = [];
    for (let r = 0; r < 25; r++) {
      // File 6 reuses file 1's first inference id: one label, two predictions (a duplicate across shards).
      const id = f === 6 && r === 0 ? `req-${hour}-1-0` : `req-${hour}-${f}-${r}`;
      const records = Array.from({ length: 1 + Math.floor(next() * 4) }, () => {
        const score = Math.round(next() * 1000) / 1000;
        return { label: score >= 0.5 ? 1 : 0, score };
      });
      lines.push(captureLine(hour, id, f * 6 + Math.floor(r / 10), (r * 7) % 60, records));
      if (f === 6 && r === 0) continue;
      records.forEach((rec, i) => {
        if (next() < 0.9) labelLines.push(JSON.stringify({ InferenceId: id, payload_index: i, groundTruthLabel: next() < 0.8 ? rec.label : 1 - rec.label }));
      });
      if (f % 3 !== 0 && r % 9 === 4) lines.push(`{"captureData": broken line ${f}-${r}`);
    }
    capture.set(file, `${lines.join('\n')}\n`);
  });
  labelLines.push(JSON.stringify({ InferenceId: `never-predicted-${hour}-1`, payload_index: 0, groundTruthLabel: 1 }));
  labelLines.push(JSON.stringify({ InferenceId: `never-predicted-${hour}-2`, payload_index: 0, groundTruthLabel: 0 }));
  labelLines.push('{"InferenceId": not json');
  return { capture, labels: `${labelLines.join('\n')}\n` };
}

/** Writes the capture files whose index `keep` accepts under `folder` (a host's shard, or all of them). */
export function writeCapture(folder: string, capture: Map<string, string>, keep: (index: number) => boolean = () => true): void {
  mkdirSync(folder, { recursive: true });
  [...capture.entries()].forEach(([file, text], i) => {
    if (!keep(i)) return;
    mkdirSync(path.dirname(path.join(folder, file)), { recursive: true });
    writeFileSync(path.join(folder, file), text);
  });
}

/** Writes the ground truth of the window's hour under `folder`. */
export function writeLabels(folder: string, labels: string, hour = '08'): void {
  const dir = path.join(folder, `2026/01/15/${hour}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'labels.jsonl'), labels);
}
