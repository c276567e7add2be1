/**
 * @module The ground truth read on its own thread gives what a read on the main thread gives: the same labels in
 * the same slots (the table comes over as shared memory), the same codes, summary, listed bytes and input errors;
 * and a read that fails raises its error again on the main thread with its class.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { tempTrees } from '../../test/helpers/temp-trees.ts';
import { InputError } from '../errors.ts';
import { InputErrorTally } from '../ingest/input-errors.ts';
import { LabelCodec } from '../join/label-codec.ts';
import { LocalStorage } from '../storage/local.ts';
import { readGroundTruth, type GroundTruthOptions } from './read-ground-truth.ts';
import { hashKey } from '../join/key-hash.ts';
import { readLabelsOnThread } from './read-labels-on-thread.ts';

const trees = tempTrees('mpm-gt-thread-');
afterEach(trees.removeAll);
const tree = trees.tree;

const OPTIONS: Omit<GroundTruthOptions, 'binary'> = { format: 'auto', idField: 'InferenceId', indexField: 'payload_index', labelField: 'groundTruthLabel', range: {} };

describe('readLabelsOnThread', () => {
  it('gives the labels, codes, summary, bytes and input errors of a read on the main thread', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 3000; i++) lines.push(JSON.stringify({ InferenceId: `id-${i % 1000}`, payload_index: i % 3, groundTruthLabel: ['oak', 'pine', 'birch'][i % 7 % 3] }));
    lines.splice(10, 0, '{"InferenceId": "broken"', '[1, 2]', JSON.stringify({ InferenceId: 'x', payload_index: -1, groundTruthLabel: 'oak' }));
    const root = tree({
      '2024/05/06/21/labels.jsonl': lines.join('\n') + '\n',
      '2024/05/06/22/more.jsonl': JSON.stringify({ InferenceId: 'id-1', payload_index: 1, groundTruthLabel: 'elm' }) + '\n{not json\n',
    });
    const codec = new LabelCodec('MulticlassClassification');
    const tally = new InputErrorTally(3);
    const here = await readGroundTruth(new LocalStorage(root), OPTIONS, codec, tally, undefined, true);
    const startedAt = performance.now();
    const thread = readLabelsOnThread({ location: root, options: OPTIONS, problemType: 'MulticlassClassification', samplesPerReason: 3, partitions: true });
    expect(thread.answeredAt).toBeUndefined();
    const there = await thread.read;
    // When it answered, not when it was asked (a run may take the labels long after: the delayed run's timing).
    const answeredAt = thread.answeredAt!;
    expect(answeredAt).toBeGreaterThan(startedAt);
    expect(answeredAt).toBeLessThanOrEqual(performance.now());
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(thread.answeredAt).toBe(answeredAt);
    expect(there.codec.labels).toEqual(codec.labels);
    expect(there.summary).toEqual({ ...here.summary, location: there.summary.location });
    expect(there.bytes).toBe(here.bytes);
    expect(there.tally).toEqual([...tally.byReason.entries()]);
    expect(thread.tally).toEqual(there.tally);
    expect(there.store.size).toBe(here.store.size);
    expect(there.store.slots).toBe(here.store.slots);
    // Same labels in the same slots: the used-label bits of both stores agree after the same lookups.
    expect([...there.store.usedBits()]).toEqual([...here.store.usedBits()]);
    // The partitions are the label store's tags: each label's partition hour (the 22:00 file's label came later).
    expect(there.partitions).toBe(there.store);
    const hour = (iso: string): number => Date.parse(iso) / 3_600_000;
    expect(there.store.tagOf(hashKey('id-1', 1, { lo: 0, hi: 0 }))).toBe(hour('2024-05-06T22:00:00Z'));
    expect(there.store.tagOf(hashKey('id-5', 2, { lo: 0, hi: 0 }))).toBe(hour('2024-05-06T21:00:00Z'));
    expect(there.store.tagOf(hashKey('nobody', 0, { lo: 0, hi: 0 }))).toBeNaN();
    for (const [id, index] of [['id-1', 1], ['id-999', 0], ['id-5', 2], ['nobody', 0]] as const) {
      const a = here.store.take(hashKey(id, index, { lo: 0, hi: 0 }));
      const b = there.store.take(hashKey(id, index, { lo: 0, hi: 0 }));
      expect(Number.isNaN(b) ? undefined : there.codec.decode(b)).toBe(Number.isNaN(a) ? undefined : codec.decode(a));
    }
    expect([...there.store.usedBits()]).toEqual([...here.store.usedBits()]);
    await thread.stop();
  });

  it('raises an error of the read again with its class, and keeps what it counted', async () => {
    // An S3 location at a port nobody listens on: listing it fails, as an InputError naming the location. (Dummy
    // credentials, so that the SDK does not look for real ones; the thread gets this environment.)
    const saved = { ...process.env };
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1' });
    const thread = readLabelsOnThread({
      location: 's3://no-bucket/labels',
      s3EndpointUrl: 'http://127.0.0.1:9',
      options: OPTIONS,
      problemType: 'MulticlassClassification',
      samplesPerReason: 3,
      partitions: false,
    });
    for (const key of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_REGION']) if (saved[key] === undefined) delete process.env[key];
    Object.assign(process.env, saved);
    const error = await thread.read.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/s3:\/\/no-bucket\/labels/);
    expect(thread.tally).toEqual([]);
    await thread.stop();
  });
});
