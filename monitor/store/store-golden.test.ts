/**
 * @module Golden store files: a stored hour of schema version 1, committed under test/fixtures/store/v1, must read
 * back to the committed records (every column; labels compared in their stored form, which keeps -0, the JSON type
 * and absent values). It guards the on-disk format: a change that cannot read an older hour fails here. Regenerate
 * only for a deliberate format change (with a new schema version): MPM_UPDATE_STORE_GOLDEN=1 npx vitest run <this>.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalStorage } from '../storage/local.ts';
import { storeLabel } from './prediction-schema.ts';
import type { StoreRecord } from './prediction-part-writer.ts';
import { openStoredHour, type StoredRecord } from './prediction-store-reader.ts';
import { PredictionStoreWriter } from './prediction-store-writer.ts';

const ROOT = path.resolve(import.meta.dirname, '../../test/fixtures/store/v1');
const STORE = path.join(ROOT, 'predictions');
const EXPECTED = path.join(ROOT, 'expected-records.json');
const H = Date.UTC(2024, 4, 6, 21);

/** Every column and label type: ids that look numeric, an event-id-only record, vectors, nulls, a large index. */
const RECORDS: StoreRecord[] = [
  { inferenceId: '007', eventId: 'e-1', inferenceTime: H + 1_234, predictions: [{ index: 0, label: '1', score: 0.75 }, { index: 1, label: ' 0 ', score: 0.125 }] },
  { inferenceId: '7', eventId: 'e-2', inferenceTime: H + 1_234, predictions: [{ index: 0, label: 1 }, { index: 1, label: -0 }, { index: 2, label: 0.5 }] },
  { eventId: 'only-event-id', inferenceTime: H + 60_000, predictions: [{ index: 3, label: true, score: 1 }, { index: 2 ** 40 + 3, label: false }] },
  { inferenceId: 'vec', inferenceTime: H + 61_001, predictions: [{ index: 0, label: undefined, vector: [0.2, 0.8] }, { index: 1, label: null, score: 0.4, vector: [0.6, 0.4] }] },
  { inferenceId: 'ünïcode ✓', eventId: '', inferenceTime: H + 3_599_999, predictions: [{ index: 0, label: 'Yes', score: 5e-324 }, { index: 1, label: 'x'.repeat(40), score: -0 }] },
];

/** A record in a JSON-safe form: labels as stored ({text, type}), -0 scores as "-0". */
function comparable(r: Omit<StoredRecord, 'file' | 'row'> | StoreRecord): unknown {
  return {
    inferenceId: r.inferenceId ?? null,
    eventId: r.eventId ?? null,
    inferenceTime: new Date(r.inferenceTime).toISOString(),
    predictions: r.predictions.map((p) => ({
      index: p.index,
      // A label that is no label (null, an object) reads back as null: compared by its type only.
      label: storeLabel(p.label).type === 'other' ? { text: null, type: 'other' } : storeLabel(p.label),
      score: p.score === undefined ? null : Object.is(p.score, -0) ? '-0' : p.score,
      vector: p.vector ?? null,
    })),
  };
}

describe('golden stored hour (schema version 1)', () => {
  it('reads back the committed records exactly', async () => {
    if (process.env.MPM_UPDATE_STORE_GOLDEN === '1') {
      await rm(STORE, { recursive: true, force: true });
      const writer = PredictionStoreWriter.open(new LocalStorage(STORE), {
        endpoint: 'churn-ep',
        window: { start: H, end: H + 3_600_000 },
        extraction: { problem_type: 'BinaryClassification', inference_attribute: null, probability_attribute: null },
        runId: 'golden',
        rowGroupRows: 4,
        now: () => new Date(Date.UTC(2024, 4, 6, 22, 0, 5)),
      });
      RECORDS.forEach((r) => writer.add(r));
      await writer.finish();
      await writeFile(EXPECTED, `${JSON.stringify(RECORDS.map(comparable), null, 2)}\n`);
    }
    const hour = await openStoredHour(new LocalStorage(STORE), { endpoint: 'churn-ep', hour: H });
    expect(hour).toBeDefined();
    expect(hour!.manifests[0]).toMatchObject({ schema_version: 1, run_id: 'golden', records: 11, requests: 5 });
    expect(hour!.manifests[0]!.parts[0]).toMatchObject({ file: 'part-w0-golden.parquet', row_groups: 3 });
    const back = [];
    for await (const { file: _f, row: _r, ...rest } of hour!.read()) back.push(comparable(rest));
    expect(back).toEqual(JSON.parse(await readFile(EXPECTED, 'utf8')));
    expect(back).toEqual(RECORDS.map(comparable));
  });
});
