/**
 * @module Predictions that wait for their labels (the ground truth read on its own thread): joined once the labels
 * come, into the parts they were read into, they give exactly the parts, counts and label flags of a join that had
 * the labels from the start, wherever the labels arrive and however the records split into parts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CaptureRecord } from '../ingest/decode-capture-line.ts';
import type { Prediction } from '../ingest/explode-response.ts';
import type { ProblemType } from '../metrics/types.ts';
import { hashKey } from './key-hash.ts';
import { joinPlan, type JoinPlanInit, type JoinPlanLater } from './join-plan.ts';
import { JoinResults } from './join-results.ts';
import { JoinStage } from './join-stage.ts';
import { LabelCodec } from './label-codec.ts';
import { LabelStore } from './label-store.ts';
import { PendingPredictions } from './pending-predictions.ts';

interface Case {
  problemType: ProblemType;
  /** Per record: its id and its predictions' (label or value, score). */
  records: Array<{ id: string; predictions: Array<{ label: number; score?: number }> }>;
  /** Labels (id, payload index, label), some for no prediction, some twice. */
  labels: Array<[string, number, number]>;
  /** After which record the labels arrive. */
  arrival: number;
  /** Records per part (a part is one capture file). */
  perPart: number;
}

const caseArb = fc
  .record({
    problemType: fc.constantFrom<ProblemType>('MulticlassClassification', 'Regression'),
    records: fc.array(
      fc.record({
        id: fc.integer({ min: 0, max: 30 }).map((i) => `id-${i}`),
        predictions: fc.array(fc.record({ label: fc.integer({ min: 0, max: 3 }), score: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }) }), { minLength: 1, maxLength: 5 }),
      }),
      { maxLength: 60 },
    ),
    labels: fc.array(fc.tuple(fc.integer({ min: 0, max: 30 }).map((i) => `id-${i}`), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 3 })), { maxLength: 150 }),
    arrival: fc.nat(),
    perPart: fc.integer({ min: 1, max: 20 }),
  })
  .map((c) => ({ ...c, arrival: c.arrival % (c.records.length + 1) }));

function recordOf(r: Case['records'][number], problemType: ProblemType): CaptureRecord {
  const predictions: Prediction[] = r.predictions.map((p, index) =>
    problemType === 'Regression' ? { index, value: p.label + 0.25 } : { index, label: String(p.label), score: p.score },
  );
  return { status: 'ok', id: r.id, idSource: 'inferenceId', predictions } as CaptureRecord;
}

function labelsOf(c: Case): { store: LabelStore; codec: LabelCodec } {
  const store = new LabelStore(16);
  const codec = new LabelCodec(c.problemType);
  for (const [id, index, label] of c.labels) store.set(hashKey(id, index, { lo: 0, hi: 0 }), codec.encode(c.problemType === 'Regression' ? label : String(label))!);
  return { store, codec };
}

/** Joins the case's records file by file (parts of perPart records); the labels come after record `arrival` when `wait`. */
function join(c: Case, wait: boolean): { parts: unknown[]; store: LabelStore } {
  const accumulator = { problemType: c.problemType, seed: 7, minRecordsForStd: 2 } as JoinPlanInit['accumulator'];
  const { store, codec } = labelsOf(c);
  const parts: JoinResults[] = [];
  const stage = new JoinStage(c.problemType, JoinResults.create(accumulator), wait ? undefined : store, wait ? new LabelCodec(c.problemType) : codec);
  if (wait) stage.waitForLabels();
  c.records.forEach((r, i) => {
    if (wait && i === c.arrival) stage.settle(store, codec);
    if (i % c.perPart === 0) {
      parts.push(JoinResults.create(accumulator));
      stage.into(parts[parts.length - 1]!);
    }
    stage.add(recordOf(r, c.problemType));
  });
  if (wait && c.arrival === c.records.length) stage.settle(store, codec);
  expect(stage.waiting).toBe(0);
  return { parts: parts.map((p) => p.save()), store };
}

describe('a join whose labels come while the capture is read', () => {
  it('gives every part, count and label flag a join with the labels from the start gives', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const first = join(c, false);
        const later = join(c, true);
        expect(later.parts).toEqual(first.parts);
        expect(later.store.unused()).toBe(first.store.unused());
        expect([...later.store.usedBits()]).toEqual([...first.store.usedBits()]);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses to wait when joined records need the whole record', () => {
    const stage = new JoinStage('MulticlassClassification', JoinResults.create({ problemType: 'MulticlassClassification', seed: 1, minRecordsForStd: 2 } as JoinPlanInit['accumulator']), undefined, new LabelCodec('MulticlassClassification'));
    stage.onJoined = () => undefined;
    expect(() => stage.waitForLabels()).toThrow(/joined records need the labels/);
  });
});

describe('the join plan while labels load', () => {
  const accumulator = { problemType: 'MulticlassClassification', seed: 1, minRecordsForStd: 2 } as JoinPlanInit['accumulator'];

  it('says it is waiting until the labels come, then joins the waiting predictions into their parts', async () => {
    let give!: (labels: { store: LabelStore; codec: LabelCodec }) => void;
    const later = new Promise<{ store: LabelStore; codec: LabelCodec }>((resolve) => (give = resolve));
    const plan = joinPlan(accumulator, new LabelCodec('MulticlassClassification'), undefined, {}, undefined, later);
    const part = plan.startPart();
    plan.add(part, { status: 'ok', id: 'a', idSource: 'inferenceId', predictions: [{ index: 0, label: '1', score: 0.9 }] } as CaptureRecord);
    expect(plan.waiting?.()).toBeInstanceOf(Promise);
    // Worker threads build the same waiting plan, and are sent the labels once read.
    expect(plan.workerInit).toMatchObject({ labels: [], later: true });
    expect((plan.workerInit as JoinPlanInit).store).toBeUndefined();
    expect(part.summary).toMatchObject({ predictions: 1, joined: 0, predictions_without_label: 0 });
    const store = new LabelStore();
    const codec = new LabelCodec('MulticlassClassification');
    store.set(hashKey('a', 0, { lo: 0, hi: 0 }), codec.encode('1')!);
    give({ store, codec });
    await plan.waiting?.();
    expect(plan.waiting?.()).toBeUndefined();
    expect(part.summary).toMatchObject({ predictions: 1, joined: 1, predictions_without_label: 0 });
    const sent = (await plan.workerLater) as JoinPlanLater;
    expect('labels' in sent && sent.labels.labels).toEqual(['1']);
    expect(plan.workerInit).toMatchObject({ labels: ['1'] });
  });

  it('throws the label read’s error from waiting() once it has failed, so the scan stops at its next file', async () => {
    const later = Promise.reject(new Error('the ground truth could not be listed'));
    const plan = joinPlan(accumulator, new LabelCodec('MulticlassClassification'), undefined, {}, undefined, later);
    await expect(plan.waiting?.()).rejects.toThrow(/could not be listed/);
    expect(() => plan.waiting?.()).toThrow(/could not be listed/);
    // Worker threads are told the failure as a value (it never rejects).
    await expect(plan.workerLater).resolves.toEqual({ failed: 'the ground truth could not be listed' });
  });
});

describe('PendingPredictions', () => {
  it('hands back every prediction in order, with exactly the label, value and score it was given (NaN and none apart), across growth', () => {
    const pending = new PendingPredictions<string>();
    const given: Array<[string, number, number, string | undefined, number | undefined, number | undefined]> = [];
    for (let i = 0; i < 5000; i++) {
      const part = `part-${Math.floor(i / 700)}`;
      const label = i % 5 === 0 ? undefined : `label-${i % 7}`;
      const value = i % 3 === 0 ? undefined : i % 11 === 0 ? NaN : i * 0.5;
      const score = i % 4 === 0 ? undefined : i % 13 === 0 ? NaN : i / 5000;
      pending.add(part, { lo: i, hi: 0xffffffff - i }, label, value, score);
      given.push([part, i, 0xffffffff - i, label, value, score]);
    }
    expect(pending.size).toBe(5000);
    const back: typeof given = [];
    pending.replay((w) => back.push([w.part, w.key.lo, w.key.hi, w.label, w.value, w.score]));
    expect(back).toEqual(given);
    expect(pending.size).toBe(0);
  });

  it('keeps label codes past 16 bits, and allocates no column a block does not need', () => {
    const pending = new PendingPredictions<number>();
    const key = { lo: 1, hi: 2 };
    for (let i = 0; i < 70_000; i++) pending.add(i >> 10, key, `class-${i}`, undefined, undefined);
    // Keys and flags (9 bytes) plus label codes (2 bytes, 4 once past 65,535 labels); no values, no scores.
    expect(pending.byteLength).toBeLessThan(5 * 16_384 * (9 + 4));
    const back: Array<[number, string | undefined]> = [];
    pending.replay((w) => back.push([w.part, w.label]));
    expect(back.length).toBe(70_000);
    expect(back.every(([part, label], i) => part === i >> 10 && label === `class-${i}`)).toBe(true);
  });
});
