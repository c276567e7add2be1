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

/** The labels a worker joins with: in its JoinPlanInit, or sent once read (the plan's workerLater). */
export interface JoinPlanLabels {
  /** The label codec's labels, in code order. */
  labels: readonly string[];
  store?: SharedLabelStore;
}

/** What a worker needs to join as the main thread does. */
export interface JoinPlanInit extends JoinPlanLabels {
  accumulator: AccumulatorOptions;
  extras: JoinExtras;
  /** The labels are still being read: they come later, as the plan's workerLater (labels and store are empty here). */
  later?: true;
}

/** Labels still being read (on another thread) when the scan starts. */
export type LabelsLater = Promise<{ store: LabelStore; codec: LabelCodec }>;

/** What a worker's join plan is told after it starts: the labels, or why they could not be read. */
export type JoinPlanLater = { labels: JoinPlanLabels } | { failed: string };

/**
 * The join plan over `store` (undefined when records carry their labels) with labels coded by `codec`; `onJoined`
 * sees each joined prediction on this thread (it does not travel to worker threads).
 *
 * With `later`, the labels are still being read: `store` and `codec` are ignored, predictions wait in their parts
 * until `later` settles, and waiting() tells the scan to keep those parts unmerged until then. Worker threads build
 * the same waiting plan (workerInit says `later`) and are sent the labels once read (workerLater). Such a plan has no
 * onJoined and no reference to collect.
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
      return known ? { accumulator, labels: [...codec.labels], store: store?.share(), extras } : { accumulator, labels: [], extras, later: true };
    },
    workerLater: later?.then(
      (labels): JoinPlanLater => ({ labels: { labels: [...labels.codec.labels], store: labels.store.share() } }),
      (error: unknown): JoinPlanLater => ({ failed: error instanceof Error ? error.message : String(error) }),
    ),
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

/**
 * The join plan a worker thread builds from the main thread's JoinPlanInit; with `init.later`, its predictions wait
 * for what `later` gives (the thread's copy of the main plan's workerLater).
 */
export function joinPlanFromInit(init: JoinPlanInit, later?: Promise<unknown>): RecordScanPlan<JoinResults> {
  const codecOf = (labels: readonly string[]): LabelCodec => LabelCodec.withLabels(init.accumulator.problemType, labels);
  if (init.later) {
    if (later === undefined) throw new Error('join: a waiting plan needs the labels to come later');
    const labels = (later as Promise<JoinPlanLater>).then((told) => {
      // The main thread fails the run itself; this only ends the thread's wait.
      if ('failed' in told) throw new Error(`join: the labels could not be read (${told.failed})`);
      return { store: LabelStore.fromShared(told.labels.store!), codec: codecOf(told.labels.labels) };
    });
    return joinPlan(init.accumulator, codecOf([]), undefined, init.extras, undefined, labels);
  }
  return joinPlan(init.accumulator, codecOf(init.labels), init.store === undefined ? undefined : LabelStore.fromShared(init.store), init.extras);
}
