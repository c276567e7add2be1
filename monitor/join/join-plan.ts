/**
 * @module Model quality's scan plan: each file's records are joined with the labels (the label store, shared with
 * worker threads, or the labels inside merged records) into a JoinResults part.
 */
import type { AccumulatorState } from '../state/accumulator-state.ts';
import type { AccumulatorOptions } from '../metrics/types.ts';
import type { RecordScanPlan } from '../scan/scan-plan.ts';
import { JoinResults, type JoinExtras } from './join-results.ts';
import { JoinStage } from './join-stage.ts';
import { LabelCodec } from './label-codec.ts';
import { LabelStore, type SharedLabelStore } from './label-store.ts';

export const JOIN_PLAN = 'model-quality-join';

/** What a worker needs to join as the main thread does. */
export interface JoinPlanInit {
  accumulator: AccumulatorOptions;
  /** The label codec's labels, in code order. */
  labels: readonly string[];
  store?: SharedLabelStore;
  extras: JoinExtras;
}

/** Labels still being read (on another thread) when the scan starts. */
export type LabelsLater = Promise<{ store: LabelStore; codec: LabelCodec }>;

/**
 * The join plan over `store` (undefined when records carry their labels) with labels coded by `codec`; `onJoined`
 * sees each joined prediction on this thread (it does not travel to worker threads).
 *
 * With `later`, the labels are still being read: `store` and `codec` are ignored, predictions wait in their parts
 * until `later` settles, and waiting() tells the main thread's scan to keep those parts unmerged until then. Such a
 * plan runs on this thread only, without onJoined or a reference to collect.
 */
export function joinPlan(accumulator: AccumulatorOptions, codec: LabelCodec, store: LabelStore | undefined, extras: JoinExtras = {}, onJoined?: JoinStage['onJoined'], later?: LabelsLater): RecordScanPlan<JoinResults> {
  let stage: JoinStage | undefined;
  let current: JoinResults | undefined;
  let known = later === undefined;
  const ready = later?.then((labels) => {
    known = true;
    store = labels.store;
    codec = labels.codec;
    stage?.settle(labels.store, labels.codec);
  });
  // A failed read stops the scan at its next file (waiting() throws), rather than after the whole capture.
  let failure: { error: unknown } | undefined;
  ready?.catch((error: unknown) => (failure = { error }));
  return {
    name: JOIN_PLAN,
    get workerInit(): JoinPlanInit {
      if (!known) throw new Error('join: worker threads need the labels before the capture is read');
      return { accumulator, labels: [...codec.labels], store: store?.share(), extras };
    },
    startPart: () => JoinResults.create(accumulator, extras),
    waitingBytes: () => stage?.waitingBytes ?? 0,
    waiting:
      ready &&
      (() => {
        if (failure) throw failure.error;
        return known ? undefined : ready;
      }),
    add(part, record) {
      if (stage === undefined) {
        stage = new JoinStage(accumulator.problemType, part, store, codec);
        stage.onJoined = onJoined;
        if (!known) stage.waitForLabels();
      }
      if (part !== current) {
        current = part;
        stage.into(part);
      }
      stage.add(record);
    },
    load: (state: AccumulatorState) => JoinResults.load(state, extras),
  };
}

/** The join plan a worker thread builds from the main thread's JoinPlanInit. */
export function joinPlanFromInit(init: JoinPlanInit): RecordScanPlan<JoinResults> {
  const codec = LabelCodec.withLabels(init.accumulator.problemType, init.labels);
  return joinPlan(init.accumulator, codec, init.store === undefined ? undefined : LabelStore.fromShared(init.store), init.extras);
}
