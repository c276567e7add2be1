/**
 * @module The sink's label arrival when the labels are still being read (on their own thread): the predictions read
 * before the partitions come wait, and are counted then, as a sink with the partitions known from the start counts
 * them.
 */
import { describe, expect, it } from 'vitest';
import type { CaptureRecord } from '../ingest/decode-capture-line.ts';
import { hashKey } from '../join/key-hash.ts';
import { LabelStore } from '../join/label-store.ts';
import { PredictionSink } from './prediction-sink.ts';
import { HOUR_MS } from './store-layout.ts';

const H = Date.UTC(2024, 4, 6, 21) / HOUR_MS;

/** 40,000 records of 1-3 predictions: labels tagged with partitions 0-30 hours after their prediction, some unplaced, a third none. */
function inputs(): { records: CaptureRecord[]; partitions: LabelStore } {
  const partitions = new LabelStore(1024, true);
  const records: CaptureRecord[] = [];
  let seed = 5;
  const random = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  for (let r = 0; r < 40_000; r++) {
    const n = 1 + (r % 3);
    const hour = H + (r % 5);
    const record: CaptureRecord = { status: 'ok', id: `id-${r}`, idSource: 'inferenceId', predictions: [] };
    if (r % 97 !== 0) record.inferenceTime = hour * HOUR_MS + 1000;
    for (let i = 0; i < n; i++) {
      record.predictions.push({ index: i, label: '1' });
      const u = random();
      if (u < 0.33) continue;
      partitions.set(hashKey(record.id, i, { lo: 0, hi: 0 }), 1, u < 0.4 ? -1 : hour + Math.floor(random() * 30));
    }
    records.push(record);
  }
  return { records, partitions };
}

describe('PredictionSink with the label partitions still being read', () => {
  it('counts the label arrival of the predictions read before and after the partitions come as a sink that had them', async () => {
    const { records, partitions } = inputs();
    const known = await PredictionSink.open({ partitions: partitions.share() }, 'w0');
    for (const r of records) known.add('f', r);
    const expected = await known.close();

    let give!: (p: LabelStore) => void;
    const later = await PredictionSink.open({ partitionsLater: true }, 'w0', new Promise<LabelStore>((resolve) => (give = resolve)));
    for (const r of records.slice(0, 25_000)) later.add('f', r);
    // 50,000 predictions waiting, in blocks of 8,192 (24 bytes each).
    expect(later.waitingBytes).toBe(Math.ceil(50_000 / 8192) * 8192 * 24);
    give(LabelStore.fromShared(partitions.share()));
    await new Promise((resolve) => setImmediate(resolve));
    expect(later.waitingBytes).toBe(0);
    for (const r of records.slice(25_000)) later.add('f', r);
    const result = await later.close();
    expect(result.lag).toEqual(expected.lag);
    expect(expected.lag).toBeDefined();
  });

  it('counts them at close when the partitions come after the last record', async () => {
    const { records, partitions } = inputs();
    const known = await PredictionSink.open({ partitions: partitions.share() }, 'w0');
    for (const r of records) known.add('f', r);
    let give!: (p: LabelStore) => void;
    const later = await PredictionSink.open({ partitionsLater: true }, 'w0', new Promise<LabelStore>((resolve) => (give = resolve)));
    for (const r of records) later.add('f', r);
    const closing = later.close();
    give(partitions);
    expect((await closing).lag).toEqual((await known.close()).lag);
  });
});
