/**
 * @module The stage that replaces the capture scan for a matured window: every hour of the judged window read back
 * from the prediction store (no capture parsed), interpreted with this run's settings and joined with the labels
 * present now; the hours' capture counts and input errors restored so the error gate and the report describe the
 * judged window. An hour missing from the store is an InsufficientDataCheck violation naming it.
 */
import { InputError } from '../errors.ts';
import type { Violation } from '../constraints/evaluate.ts';
import { JoinResults } from '../join/join-results.ts';
import { JoinStage } from '../join/join-stage.ts';
import { emptyCaptureSummary, addFileCounts, type CaptureSummary } from '../scan/capture-summary.ts';
import { LabelLagAccumulator, type LabelLagSummary } from '../store/label-lag.ts';
import { missingHourMessage, openStoredHour } from '../store/prediction-store-reader.ts';
import { checkExtraction, restoreInputErrors, storedCaptureSummary } from '../store/stored-hour-source.ts';
import { formatHour, hoursOfWindow } from '../store/store-layout.ts';
import { StoredJoin } from '../store/stored-join.ts';
import type { PreparedRun } from './prepare-run.ts';
import type { Labels } from './read-labels.ts';
import type { RunContext } from './run-context.ts';
import { joinExtras, type ScanOutcome } from './scan-stage.ts';
import { extractionOf, type PredictionStore } from './store-predictions.ts';

/** A window judged from the store. */
export interface StoredJudgement {
  scan: ScanOutcome;
  labelArrival?: LabelLagSummary;
  storedHours: string[];
  missingHours: string[];
  notes: string[];
  /** One InsufficientDataCheck violation per hour missing from the store. */
  violations: Violation[];
}

/** Adds a stored hour's capture counts to the judged window's. */
function addStored(into: CaptureSummary, hour: CaptureSummary): void {
  into.files += hour.files;
  into.bytes += hour.bytes;
  addFileCounts(into, hour);
}

/** Judges ctx.config.window (whole hours) from `store` with `labels`. */
export async function judgeFromStore(ctx: RunContext, prepared: PreparedRun, store: PredictionStore, labels: Labels, onJoined?: JoinStage['onJoined']): Promise<StoredJudgement> {
  const { config, log } = ctx;
  // BinaryClassification: the negative class the labels taught settles how stored responses read, as in a run from
  // capture (scan-stage.ts); without it a score under the threshold read as "not <positive>" and never matched.
  labels.binary?.settle(prepared.response);
  const accumulator = { problemType: config.problemType, positiveLabel: prepared.response.positiveLabel, seed: config.seed, minRecordsForStd: config.minRecordsForStd };
  const results = JoinResults.create(accumulator, joinExtras(ctx, prepared));
  const stage = new JoinStage(config.problemType, results, labels.store, labels.codec);
  stage.onJoined = onJoined;
  const lag = labels.partitions === undefined ? undefined : new LabelLagAccumulator();
  const join = new StoredJoin(stage, labels.store, prepared.response, ctx.tally, lag && { lag, partitions: labels.partitions! });
  const capture = emptyCaptureSummary(store.storage.describe(store.endpoint));
  const out: StoredJudgement = { scan: { capture, results }, storedHours: [], missingHours: [], notes: [], violations: [] };
  const hours = hoursOfWindow(config.window);
  for (const hour of hours) {
    const stored = await openStoredHour(store.storage, { endpoint: store.endpoint, hour });
    if (stored === undefined) {
      out.missingHours.push(formatHour(hour));
      out.violations.push({ metric_name: 'stored_hours', constraint_check_type: 'InsufficientDataCheck', description: `Not judged: ${missingHourMessage(store.storage, store.endpoint, hour)}.`, value: hours.length - out.missingHours.length, threshold: hours.length });
      continue;
    }
    out.storedHours.push(formatHour(hour));
    out.notes.push(...checkExtraction(stored, extractionOf(config)));
    restoreInputErrors(stored, ctx.tally);
    addStored(capture, storedCaptureSummary(stored));
    for await (const batch of stored.batches()) join.addBatch(batch);
    join.flush();
    const rejected = join.takeRejected();
    capture.requests -= rejected.requests;
    capture.predictions -= rejected.predictions;
  }
  if (out.missingHours.length > 0 && config.onInsufficientData === 'fail') throw new InputError(`input: ${out.violations.map((v) => v.description).join(' ')}`);
  ctx.facts.capture = capture;
  out.labelArrival = lag?.summary();
  log.info({ hours: out.storedHours.length, missing: out.missingHours, predictions: results.summary.predictions, joined: results.summary.joined }, 'judged from the prediction store');
  return out;
}
