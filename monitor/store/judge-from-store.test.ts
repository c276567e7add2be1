/**
 * @module Judging an hour from the store gives the same join results (metrics, counts, state bit for bit) as the live
 * run that read its capture, through the model-quality join plan, for each problem type and with settings that
 * change how scores read (threshold, binary-score mode).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeCaptureLine, RejectedRecord, type CaptureLineOptions } from '../ingest/decode-capture-line.ts';
import { negativeLabelFor, type ResponseOptions } from '../ingest/explode-response.ts';
import { InputErrorTally } from '../ingest/input-errors.ts';
import { joinPlan } from '../join/join-plan.ts';
import { hashKey } from '../join/key-hash.ts';
import { LabelCodec } from '../join/label-codec.ts';
import { LabelStore } from '../join/label-store.ts';
import type { ProblemType } from '../metrics/types.ts';
import { LocalStorage } from '../storage/local.ts';
import { storeRecordOf } from './prediction-part-writer.ts';
import { openStoredHour, type StoredHour } from './prediction-store-reader.ts';
import { PredictionStoreWriter } from './prediction-store-writer.ts';
import { storedJoinRecords } from './stored-hour-source.ts';
import { StoredJoin } from './stored-join.ts';
import { LabelLagAccumulator } from './label-lag.ts';
import { addLabelLag } from './prediction-sink.ts';
import { JoinResults } from '../join/join-results.ts';
import { JoinStage } from '../join/join-stage.ts';
import type { AccumulatorOptions } from '../metrics/types.ts';
import type { CaptureRecord } from '../ingest/decode-capture-line.ts';

const roots: string[] = [];
afterAll(async () => {
  await Promise.all(roots.map((r) => rm(r, { recursive: true, force: true })));
});

const H = Date.UTC(2024, 4, 6, 21);

/** Capture lines of one hour: seeded responses of the problem type, some ids reused, some keyed by eventId. */
function captureLines(problemType: ProblemType, n: number): Array<{ line: string; id: string; labels: unknown[] }> {
  let x = 11;
  const next = () => ((x = (x * 16807) % 2147483647) / 2147483647);
  const out = [];
  for (let r = 0; r < n; r++) {
    const size = 1 + ((next() * 5) | 0);
    const response = Array.from({ length: size }, (_, i) => {
      if (problemType === 'Regression') return { payload_index: i, prediction: Math.round(next() * 1000) / 10 };
      if (problemType === 'BinaryClassification') return next() < 0.5 ? { payload_index: i, label: next() < 0.5 ? 1 : 0, score: Math.round(next() * 1000) / 1000 } : { payload_index: i, probabilities: [0.3, 0.7].map((p) => (next() < 0.5 ? p : 1 - p)) };
      return { payload_index: i, label: (next() * 4) | 0, score: Math.round(next() * 100) / 100 };
    });
    const labels = response.map(() => (problemType === 'Regression' ? Math.round(next() * 1000) / 10 : (next() * (problemType === 'BinaryClassification' ? 2 : 4)) | 0));
    const id = r % 7 === 3 ? String(r - 1) : String(r).padStart(4, '0');
    const meta = r % 11 === 5 ? { eventId: `ev-${r}`, inferenceTime: new Date(H + r * 1000).toISOString() } : { eventId: `ev-${r}`, inferenceId: id, inferenceTime: new Date(H + r * 1000).toISOString() };
    const line = JSON.stringify({
      captureData: { endpointOutput: { observedContentType: 'application/json', mode: 'OUTPUT', data: JSON.stringify(response), encoding: 'JSON' } },
      eventMetadata: meta,
      eventVersion: '0',
    });
    out.push({ line, id: 'inferenceId' in meta ? id : `ev-${r}`, labels });
  }
  return out;
}

describe('judging an hour from the store', () => {
  for (const [problemType, settings] of [
    ['MulticlassClassification', {}],
    ['BinaryClassification', {}],
    ['BinaryClassification', { threshold: 0.65 }],
    ['BinaryClassification', { binaryScore: 'predicted' as const }],
    ['Regression', {}],
  ] as const) {
    it(`gives the live run's join results: ${problemType} ${JSON.stringify(settings)}`, async () => {
      const root = await mkdtemp(path.join(tmpdir(), 'mpm-judge-'));
      roots.push(root);
      const storage = new LocalStorage(root);
      const response: ResponseOptions = { problemType, positiveLabel: '1', negativeLabel: negativeLabelFor('1'), ...settings };
      const lineOptions: CaptureLineOptions = { response, window: { start: H, end: H + 3_600_000 }, format: { kind: 'sagemakerCaptureJson', captureIndexNames: ['endpointInput', 'endpointOutput'] }, checkRequestCount: false, keepRaw: true };
      const lines = captureLines(problemType, 400);
      const codec = new LabelCodec(problemType);
      const labels = new LabelStore();
      const key = { lo: 0, hi: 0 };
      for (const l of lines) l.labels.forEach((label, i) => (i % 5 !== 4 ? labels.set(hashKey(l.id, i, key), codec.encode(label)!) : undefined));
      const accumulator = { problemType, positiveLabel: '1', seed: 1, minRecordsForStd: 2 };

      // The live run: capture decoded and joined; the same records stored.
      const live = joinPlan(accumulator, codec, labels);
      const livePart = live.startPart();
      const writer = PredictionStoreWriter.open(storage, { endpoint: 'ep', window: lineOptions.window, extraction: { problem_type: problemType, inference_attribute: null, probability_attribute: null }, rowGroupRows: 64 });
      for (const { line } of lines) {
        const decoded = decodeCaptureLine(line, lineOptions, () => undefined);
        if (decoded.status !== 'ok') throw new Error('unexpected skip');
        live.add(livePart, decoded);
        writer.add(storeRecordOf(decoded)!);
      }
      await writer.finish();

      // The judgement from the store, with a fresh label store of the same labels.
      const labels2 = new LabelStore();
      for (const l of lines) l.labels.forEach((label, i) => (i % 5 !== 4 ? labels2.set(hashKey(l.id, i, key), codec.encode(label)!) : undefined));
      const judged = joinPlan(accumulator, codec, labels2);
      const judgedPart = judged.startPart();
      const hour = (await openStoredHour(storage, { endpoint: 'ep', hour: H }))!;
      const tally = new InputErrorTally(5);
      for await (const record of storedJoinRecords(hour, response, tally)) judged.add(judgedPart, record);
      expect(tally.total()).toBe(0);
      expect(judgedPart.summary).toEqual(livePart.summary);
      expect(judgedPart.summary.joined).toBeGreaterThan(100);
      expect(judgedPart.save()).toEqual(livePart.save());
      expect(labels2.unused()).toEqual(labels.unused());

      // Straight from the columns (what the run does): the same results, and the label arrival read from the slot.
      const { part: columnPart, arrival, labelStore } = await judgeColumns(problemType, lines, hour, response, accumulator, codec);
      expect(columnPart.save()).toEqual(livePart.save());
      expect(labelStore.unused()).toEqual(labels.unused());
      const expectedArrival = recordArrival(lines, await recordsOf(hour, response), codec).summary();
      expect(arrival.summary()).toEqual(expectedArrival);
      expect(expectedArrival.lag_hours.length).toBeGreaterThan(2);
      expect(expectedArrival.unplaced_labels).toBeGreaterThan(0);
      // Partitions in a table of another size (not slot for slot with the labels): found by their keys.
      const unaligned = await judgeColumns(problemType, lines, hour, response, accumulator, codec, 1 << 16);
      expect(unaligned.arrival.summary()).toEqual(expectedArrival);
      expect(unaligned.part.save()).toEqual(livePart.save());
      // Labels looked up a few predictions at a time: the same.
      const rounds = await judgeColumns(problemType, lines, hour, response, accumulator, codec, undefined, 7);
      expect(rounds.arrival.summary()).toEqual(expectedArrival);
      expect(rounds.part.save()).toEqual(livePart.save());
      expect(rounds.labelStore.unused()).toEqual(labels.unused());
    });
  }

  it('straight from the columns, a record the settings cannot interpret is one input error, as record by record', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'mpm-judge-'));
    roots.push(root);
    const storage = new LocalStorage(root);
    const stored: ResponseOptions = { problemType: 'BinaryClassification', positiveLabel: '1', negativeLabel: negativeLabelFor('1') };
    const lineOptions: CaptureLineOptions = { response: stored, window: { start: H, end: H + 3_600_000 }, format: { kind: 'sagemakerCaptureJson', captureIndexNames: ['endpointInput', 'endpointOutput'] }, checkRequestCount: false, keepRaw: true };
    const lines = captureLines('BinaryClassification', 300);
    const writer = PredictionStoreWriter.open(storage, { endpoint: 'ep', window: lineOptions.window, extraction: { problem_type: 'BinaryClassification', inference_attribute: null, probability_attribute: null }, rowGroupRows: 64 });
    for (const { line } of lines) {
      const decoded = decodeCaptureLine(line, lineOptions, () => undefined);
      if (decoded.status === 'ok') writer.add(storeRecordOf(decoded)!);
    }
    await writer.finish();
    // Judged with other classes: labels 0/1 are not binary any more, probability vectors still read.
    const response: ResponseOptions = { problemType: 'BinaryClassification', positiveLabel: 'yes', negativeLabel: 'no', binaryStrict: true };
    const accumulator = { problemType: 'BinaryClassification' as const, positiveLabel: 'yes', seed: 1, minRecordsForStd: 2 };
    const codec = new LabelCodec('BinaryClassification');
    const hour = (await openStoredHour(storage, { endpoint: 'ep', hour: H }))!;
    const byRecord = joinPlan(accumulator, codec, new LabelStore());
    const recordPart = byRecord.startPart();
    const recordTally = new InputErrorTally(5);
    for await (const record of storedJoinRecords(hour, response, recordTally)) byRecord.add(recordPart, record);
    const { part, tally } = await judgeColumns('BinaryClassification', [], hour, response, accumulator, codec);
    expect(recordTally.byReason.get('prediction_not_binary')!.count).toBeGreaterThan(10);
    expect(recordPart.summary.predictions).toBeGreaterThan(10);
    expect([...tally.byReason]).toEqual([...recordTally.byReason]);
    expect(part.save()).toEqual(recordPart.save());
  });
  it('two requests with the same ids and time (a line written twice) stay two: an input error of one keeps the other', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'mpm-judge-'));
    roots.push(root);
    const storage = new LocalStorage(root);
    // Classes known (as a run learns them from the labels): a third class is an input error.
    const response: ResponseOptions = { problemType: 'BinaryClassification', positiveLabel: '1', negativeLabel: '0', binaryStrict: true };
    const lineOptions: CaptureLineOptions = { response, window: { start: H, end: H + 3_600_000 }, format: { kind: 'sagemakerCaptureJson', captureIndexNames: ['endpointInput', 'endpointOutput'] }, checkRequestCount: false, keepRaw: true };
    const meta = { eventId: 'ev-1', inferenceId: 'req-1', inferenceTime: new Date(H + 5000).toISOString() };
    const line = (predictions: unknown[]) => JSON.stringify({ captureData: { endpointOutput: { observedContentType: 'application/json', mode: 'OUTPUT', data: JSON.stringify(predictions), encoding: 'JSON' } }, eventMetadata: meta, eventVersion: '0' });
    // The same ids and time three times: a good request, one predicting a third class (an input error), then the
    // first again with its indexes in another order.
    const lines = [
      line([{ payload_index: 0, label: 1, score: 0.9 }, { payload_index: 1, label: 0, score: 0.2 }]),
      line([{ payload_index: 0, label: 2, score: 0.9 }, { payload_index: 1, label: 1, score: 0.8 }]),
      line([{ payload_index: 1, label: 0, score: 0.2 }, { payload_index: 0, label: 1, score: 0.9 }]),
    ];
    const accumulator = { problemType: 'BinaryClassification' as const, positiveLabel: '1', seed: 1, minRecordsForStd: 2 };
    const codec = new LabelCodec('BinaryClassification');
    const labelled = [{ id: 'req-1', labels: [1, 0] }];
    const live = JoinResults.create(accumulator);
    const liveLabels = labelTables(labelled, codec).labels;
    const liveStage = new JoinStage('BinaryClassification', live, liveLabels, codec);
    const liveTally = new InputErrorTally(5);
    const writer = PredictionStoreWriter.open(storage, { endpoint: 'ep', window: lineOptions.window, extraction: { problem_type: 'BinaryClassification', inference_attribute: null, probability_attribute: null }, rowGroupRows: 64 });
    for (const [n, l] of lines.entries()) {
      try {
        const decoded = decodeCaptureLine(l, lineOptions, () => undefined);
        if (decoded.status !== 'ok') throw new Error('unexpected skip');
        liveStage.add(decoded);
        writer.add(storeRecordOf(decoded)!);
      } catch (error) {
        if (!(error instanceof RejectedRecord)) throw error;
        liveTally.add(error.reason, { file: 'capture', line: n + 1 });
        writer.add(storeRecordOf(error.record)!);
      }
    }
    await writer.finish();
    const hour = (await openStoredHour(storage, { endpoint: 'ep', hour: H }))!;
    const recordTally = new InputErrorTally(5);
    expect((await recordsOf(hour, response, recordTally)).map((r) => r.predictions.length)).toEqual([2, 2]);
    expect(recordTally.byReason.get('prediction_not_binary')!.count).toBe(1);
    const { part, tally } = await judgeColumns('BinaryClassification', labelled, hour, response, accumulator, codec);
    expect(tally.byReason.get('prediction_not_binary')!.count).toBe(1);
    expect(liveTally.byReason.get('prediction_not_binary')!.count).toBe(1);
    expect(part.save()).toEqual(live.save());
    expect(live.save()).not.toEqual(JoinResults.create(accumulator).save());
  });
});

/** A label's partition hour in the tests: some in no dated folder (-1), the rest 0 to 3 hours after H. */
const partitionOf = (id: string, i: number): number => ((id.length + i) % 7 === 0 ? -1 : H / 3_600_000 + ((id.charCodeAt(id.length - 1) + i) % 4));

/**
 * The labels of `lines`, tagged with their partitions (as a run with the store reads them). With `partitionSlots`, the
 * partitions come from a table of their own, of another size, which the join can only probe by key.
 */
function labelTables(lines: Array<{ id: string; labels: unknown[] }>, codec: LabelCodec, partitionSlots?: number): { labels: LabelStore; partitions: LabelStore } {
  const labels = new LabelStore(1024, true);
  const partitions = partitionSlots === undefined ? labels : new LabelStore(partitionSlots, true);
  const key = { lo: 0, hi: 0 };
  for (const l of lines) {
    l.labels.forEach((label, i) => {
      if (i % 5 === 4) return;
      labels.set(hashKey(l.id, i, key), codec.encode(label)!, partitionOf(l.id, i));
      if (partitions !== labels) partitions.set(key, 0, partitionOf(l.id, i));
    });
  }
  return { labels, partitions };
}

/** Judges `hour` batch by batch through StoredJoin, with the labels of `lines` and their partitions. */
async function judgeColumns(problemType: ProblemType, lines: Array<{ id: string; labels: unknown[] }>, hour: StoredHour, response: ResponseOptions, accumulator: AccumulatorOptions, codec: LabelCodec, partitionSlots?: number, queue?: number) {
  const { labels, partitions } = labelTables(lines, codec, partitionSlots);
  const part = JoinResults.create(accumulator);
  const arrival = new LabelLagAccumulator();
  const tally = new InputErrorTally(5);
  const join = new StoredJoin(new JoinStage(problemType, part, labels, codec), labels, response, tally, { lag: arrival, partitions }, queue);
  for await (const batch of hour.batches()) join.addBatch(batch);
  join.flush();
  return { part, arrival, tally, labelStore: labels };
}

async function recordsOf(hour: StoredHour, response: ResponseOptions, tally = new InputErrorTally(5)): Promise<CaptureRecord[]> {
  const out: CaptureRecord[] = [];
  for await (const record of storedJoinRecords(hour, response, tally)) out.push(record);
  return out;
}

/** The label arrival of `records` as the capture scan counts it (a second lookup per prediction). */
function recordArrival(lines: Array<{ id: string; labels: unknown[] }>, records: CaptureRecord[], codec: LabelCodec): LabelLagAccumulator {
  const { partitions } = labelTables(lines, codec);
  const lag = new LabelLagAccumulator();
  for (const record of records) addLabelLag(lag, partitions, record, { lo: 0, hi: 0 });
  return lag;
}
