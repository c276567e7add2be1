/**
 * @module Model quality's scan plan: each file's records are joined with the labels (the label store, shared with
 * worker threads, or the labels inside merged records) into a JoinResults part.
 */
import type { AccumulatorState } from '../state/accumulator-state.ts';
import type { AccumulatorOptions } from '../metrics/types.ts';
import type { ScanPlan } from '../scan/scan-plan.ts';
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

/** The join plan over `store` (undefined when records carry their labels) with labels coded by `codec`. */
export function joinPlan(accumulator: AccumulatorOptions, codec: LabelCodec, store: LabelStore | undefined, extras: JoinExtras = {}): ScanPlan<JoinResults> {
  let stage: JoinStage | undefined;
  let current: JoinResults | undefined;
  return {
    name: JOIN_PLAN,
    get workerInit(): JoinPlanInit {
      return { accumulator, labels: [...codec.labels], store: store?.share(), extras };
    },
    startPart: () => JoinResults.create(accumulator, extras),
    add(part, record) {
      stage ??= new JoinStage(accumulator.problemType, part, store, codec);
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
export function joinPlanFromInit(init: JoinPlanInit): ScanPlan<JoinResults> {
  const codec = LabelCodec.withLabels(init.accumulator.problemType, init.labels);
  return joinPlan(init.accumulator, codec, init.store === undefined ? undefined : LabelStore.fromShared(init.store), init.extras);
}
