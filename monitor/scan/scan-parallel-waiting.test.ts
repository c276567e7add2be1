/**
 * @module Worker threads that scan while the labels are still being read: their predictions wait in their parts, the
 * labels are sent to them once read, and the run's part is exactly the one of a scan that had the labels from the
 * start. Reading goes on while little waits (the files are all read before any label comes), and a failed label read
 * ends the scan instead of leaving the workers waiting.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CaptureLineOptions } from '../ingest/decode-capture-line.ts';
import { negativeLabelFor } from '../ingest/explode-response.ts';
import { InputErrorTally } from '../ingest/input-errors.ts';
import { joinPlan, type LabelsLater } from '../join/join-plan.ts';
import { hashKey } from '../join/key-hash.ts';
import { LabelCodec } from '../join/label-codec.ts';
import { LabelStore } from '../join/label-store.ts';
import type { AccumulatorOptions } from '../metrics/types.ts';
import { LocalStorage } from '../storage/local.ts';
import { labelArrival } from '../pipeline/store-predictions.ts';
import { scanCapture } from './scan-capture.ts';
import { startScanWorkers } from './scan-parallel.ts';
import type { StartedWorkers } from './scan-plan.ts';

const H = Date.UTC(2024, 4, 6, 21);
const root = mkdtempSync(path.join(os.tmpdir(), 'mpm-scan-parallel-waiting-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** 8 capture files of 25 requests (1-5 records each, a malformed line in two), and their labels (most records). */
function writeCapture(): Array<[string, number, string]> {
  const hour = path.join(root, 'capture/ep/AllTraffic/2024/05/06/21');
  mkdirSync(hour, { recursive: true });
  let x = 7;
  const next = (): number => (x = (x * 16807) % 2147483647) / 2147483647;
  const labels: Array<[string, number, string]> = [];
  for (let f = 0; f < 8; f++) {
    const lines: string[] = [];
    for (let r = 0; r < 25; r++) {
      const id = `${f}-${r}`;
      const response = Array.from({ length: 1 + ((next() * 5) | 0) }, (_, i) => ({ payload_index: i, label: (next() * 4) | 0, score: Math.round(next() * 100) / 100 }));
      response.forEach((_, i) => next() < 0.9 && labels.push([id, i, String((next() * 4) | 0)]));
      const meta = { eventId: `ev-${id}`, inferenceId: id, inferenceTime: new Date(H + (f * 25 + r) * 1000).toISOString() };
      const line = JSON.stringify({ captureData: { endpointOutput: { observedContentType: 'application/json', mode: 'OUTPUT', data: JSON.stringify(response), encoding: 'JSON' } }, eventMetadata: meta, eventVersion: '0' });
      lines.push(r === 9 && f % 3 === 0 ? line.slice(0, 50) : line);
    }
    writeFileSync(path.join(hour, `${String(f).padStart(2, '0')}-file.jsonl`), `${lines.join('\n')}\n`);
  }
  return labels;
}

const labelRows = writeCapture();
const problemType = 'MulticlassClassification';
const accumulator = { problemType, seed: 3, minRecordsForStd: 2 } as AccumulatorOptions;
const lineOptions: CaptureLineOptions = {
  response: { problemType, positiveLabel: '1', negativeLabel: negativeLabelFor('1') },
  window: { start: H, end: H + 3_600_000 },
  format: { kind: 'sagemakerCaptureJson', captureIndexNames: ['endpointInput', 'endpointOutput'] },
  checkRequestCount: false,
};
const options = { window: lineOptions.window, lineOptions, workers: 2, datasetSource: path.join(root, 'capture'), samplesPerReason: 3 };

/** The labels, tagged with a partition hour each (the label arrival's): 0-2 hours after the capture's. */
function labels(): { store: LabelStore; codec: LabelCodec } {
  const store = new LabelStore(1024, true);
  const codec = new LabelCodec(problemType);
  labelRows.forEach(([id, index, label], i) => store.set(hashKey(id, index, { lo: 0, hi: 0 }), codec.encode(label)!, H / 3_600_000 + (i % 3)));
  return { store, codec };
}

/** Two scan workers, started now; `onRead` is called for each file a worker says it read while its part waits. */
function workersCountingReads(onRead: () => void): StartedWorkers {
  const started = startScanWorkers(2);
  for (const worker of started.workers) worker.on('message', (message: { type?: string }) => void (message.type === 'read' && onRead()));
  return started;
}

async function scan(plan: ReturnType<typeof joinPlan>, more: { onFile?: () => void; started?: StartedWorkers } = {}) {
  const tally = new InputErrorTally(3);
  const { part, summary } = await scanCapture(new LocalStorage(path.join(root, 'capture')), plan, tally, { ...options, ...more });
  return { results: part.save(), summary, errors: [...tally.byReason.entries()] };
}

describe('worker threads scanning while the labels load', () => {
  it('give the part of a scan with the labels known, with every file read before the labels come', async () => {
    const known = labels();
    const first = await scan(joinPlan(accumulator, known.codec, known.store));
    let give!: (labels: Awaited<LabelsLater>) => void;
    const later: LabelsLater = new Promise((resolve) => (give = resolve));
    let merged = 0;
    // The files the workers say they have read while their parts wait.
    let read = 0;
    const started = workersCountingReads(() => read++);
    const waiting = joinPlan(accumulator, new LabelCodec(problemType), undefined, {}, undefined, later);
    const scanning = scan(waiting, { onFile: () => merged++, started });
    // The workers read on (the waiting work is far below its bound), two files in flight each: all 8 are read.
    await expect.poll(() => read, { timeout: 20_000, interval: 20 }).toBe(8);
    expect(merged).toBe(0);
    give(labels());
    const second = await scanning;
    expect(merged).toBe(8);
    expect(second.summary.predictions).toBeGreaterThan(400);
    expect(second.errors.map(([reason, t]) => [reason, t.count])).toEqual(first.errors.map(([reason, t]) => [reason, t.count]));
    expect(second.errors.length).toBeGreaterThan(0);
    expect(second.summary).toEqual(first.summary);
    expect(second.results).toEqual(first.results);
  });

  it('give the same part when the labels are in before the workers have started (a port keeps messages until listened to)', async () => {
    const known = labels();
    const first = await scan(joinPlan(accumulator, known.codec, known.store));
    // Read already: the plan's labels settle before a worker has even received its first message.
    const waiting = joinPlan(accumulator, new LabelCodec(problemType), undefined, {}, undefined, Promise.resolve(labels()));
    const second = await scan(waiting);
    expect(second.summary).toEqual(first.summary);
    expect(second.results).toEqual(first.results);
  });

  it('count the label arrival in their sinks once the partitions come, as with the partitions known', async () => {
    const storage = new LocalStorage(path.join(root, 'capture'));
    const known = labels();
    const before = await scanCapture(storage, joinPlan(accumulator, known.codec, known.store), new InputErrorTally(3), { ...options, sink: { partitions: known.store.share() } });
    let give!: (labels: Awaited<LabelsLater>) => void;
    const later: LabelsLater = new Promise((resolve) => (give = resolve));
    let read = 0;
    const started = workersCountingReads(() => read++);
    const waiting = joinPlan(accumulator, new LabelCodec(problemType), undefined, {}, undefined, later);
    const scanning = scanCapture(storage, waiting, new InputErrorTally(3), { ...options, started, sink: { partitionsLater: true }, sinkPartitionsLater: later.then((l) => l.store) });
    await expect.poll(() => read, { timeout: 20_000, interval: 20 }).toBe(8);
    give(labels());
    const after = await scanning;
    const arrival = labelArrival(after.sinks)!;
    expect(arrival).toEqual(labelArrival(before.sinks));
    expect(arrival.labelled).toBeGreaterThan(300);
    expect(arrival.lag_hours.map((l) => l.lag)).toEqual([0, 1, 2]);
    expect(after.part.save()).toEqual(before.part.save());
  });

  it('ends with the label read failure instead of waiting for labels that will not come', async () => {
    let fail!: (error: Error) => void;
    const later: LabelsLater = new Promise((_, reject) => (fail = reject));
    let read = 0;
    const started = workersCountingReads(() => read++);
    const scanning = scan(joinPlan(accumulator, new LabelCodec(problemType), undefined, {}, undefined, later), { started });
    scanning.catch(() => undefined);
    // Every file read: the workers have nothing left to do but wait.
    await expect.poll(() => read, { timeout: 20_000, interval: 20 }).toBe(8);
    fail(new Error('ground truth: no such bucket'));
    await expect(scanning).rejects.toThrow(/no such bucket/);
  });
});
