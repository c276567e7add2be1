/**
 * @module Label arrival: for the predictions of a judged window, how many had a label (coverage) and how many hours
 * after the prediction's hour each label's ground-truth partition is (the lag), as counts per lag hour. From it a
 * user reads the evaluation delay that catches most labels ("90% of the labels are in partitions at most 5 hours
 * after their prediction"). Mergeable (worker threads, hosts, roll-ups over stored hours), saved as an
 * AccumulatorState of kind "label-lag".
 *
 * A label's lag is measured to the last hour its partition covers: an hourly partition yyyy/mm/dd/hh is the hour it
 * names, a daily one yyyy/mm/dd its 23:00 hour (the label may have come at any time that day, and a run only sees it
 * for sure once the day's folder is complete). Labels of a partition before the prediction's hour (clock skew, a
 * label written before its prediction was captured) are counted apart as early; labels whose file is in no dated
 * folder, as unplaced.
 */
import { InputError } from '../errors.ts';
import { expectState, stateArray, type AccumulatorState, type MergeableAccumulator } from '../state/accumulator-state.ts';
import { HOUR_MS, hourOf } from './store-layout.ts';

export const LABEL_LAG_KIND = 'label-lag';
export const LABEL_LAG_VERSION = 1;

/** Lags kept hour by hour (a year and a day); longer ones are counted together as beyond. */
export const MAX_LAG_HOURS = 8_784;

/** The label lag of a window, for the run report. */
export interface LabelLagSummary {
  predictions: number;
  labelled: number;
  /** labelled / predictions (0 when there is no prediction). */
  coverage: number;
  /** Labels by lag: [lag hours, labels, share of the window's predictions labelled by a run delayed that long]. */
  lag_hours: Array<{ lag: number; labels: number; coverage_with_delay: number }>;
  /** Labels in a partition before their prediction's hour (seen by any delay). */
  early_labels: number;
  /** Labels whose partition is unknown (no yyyy/mm/dd[/hh] folder). */
  unplaced_labels: number;
  /** Labels more than MAX_LAG_HOURS after their prediction. */
  beyond_labels: number;
  /** The smallest delay (hours) by which this share of the placed labels had arrived, for 0.5, 0.9, 0.95, 0.99. */
  delay_for_share: Record<string, number | null>;
}

/** Counts of label lag per hour, and coverage. */
export class LabelLagAccumulator implements MergeableAccumulator<LabelLagAccumulator> {
  predictions = 0;
  early = 0;
  unplaced = 0;
  beyond = 0;
  private counts = new Float64Array(48);
  private top = -1;

  /** Lag in hours of a label in partition `partition` for a prediction made at `predictionTime` (epoch ms). */
  static lagHours(predictionTime: number, partition: { start: number; end: number }): number {
    return Math.round((hourOf(partition.end - 1) - hourOf(predictionTime)) / HOUR_MS);
  }

  /** A prediction that joined a label from `partition` (undefined when the label's file is in no dated folder). */
  addLabelled(predictionTime: number, partition: { start: number; end: number } | undefined): void {
    this.predictions++;
    if (partition === undefined) {
      this.unplaced++;
      return;
    }
    this.addLag(LabelLagAccumulator.lagHours(predictionTime, partition));
  }

  /** A prediction that joined a label `lag` hours after its hour (addLabelled without building the partition). */
  addLabelledLag(lag: number): void {
    this.predictions++;
    this.addLag(lag);
  }

  /** A prediction that joined a label `lag` hours after its hour. */
  addLag(lag: number): void {
    if (lag < 0) this.early++;
    else if (lag > MAX_LAG_HOURS) this.beyond++;
    else this.addCount(lag, 1);
  }

  private addCount(lag: number, n: number): void {
    if (lag >= this.counts.length) {
      const grown = new Float64Array(Math.min(MAX_LAG_HOURS + 1, Math.max(lag + 1, this.counts.length * 2)));
      grown.set(this.counts);
      this.counts = grown;
    }
    this.counts[lag]! += n;
    if (lag > this.top) this.top = lag;
  }

  /** A prediction without a label. */
  addUnlabelled(): void {
    this.predictions++;
  }

  /** Labels per lag hour, 0 to the largest lag seen. */
  lagCounts(): Float64Array {
    return this.counts.slice(0, this.top + 1);
  }

  get labelled(): number {
    let n = this.early + this.unplaced + this.beyond;
    for (let i = 0; i <= this.top; i++) n += this.counts[i]!;
    return n;
  }

  merge(other: LabelLagAccumulator): void {
    this.predictions += other.predictions;
    this.early += other.early;
    this.unplaced += other.unplaced;
    this.beyond += other.beyond;
    const theirs = other.lagCounts();
    for (let lag = 0; lag < theirs.length; lag++) if (theirs[lag]! > 0) this.addCount(lag, theirs[lag]!);
  }

  save(): AccumulatorState {
    return {
      kind: LABEL_LAG_KIND,
      version: LABEL_LAG_VERSION,
      meta: { predictions: this.predictions, early: this.early, unplaced: this.unplaced, beyond: this.beyond },
      arrays: { counts: this.lagCounts() },
    };
  }

  static load(state: AccumulatorState): LabelLagAccumulator {
    expectState(state, LABEL_LAG_KIND, LABEL_LAG_VERSION);
    const meta = state.meta as { predictions: number; early: number; unplaced: number; beyond: number };
    const out = new LabelLagAccumulator();
    out.predictions = meta.predictions;
    out.early = meta.early;
    out.unplaced = meta.unplaced;
    out.beyond = meta.beyond;
    for (const k of ['predictions', 'early', 'unplaced', 'beyond'] as const) {
      if (!Number.isSafeInteger(meta?.[k]) || meta[k] < 0) throw new InputError(`state: label-lag state has a bad ${k} count ${JSON.stringify(meta?.[k])}`);
    }
    const counts = stateArray(state, 'counts', Float64Array);
    if (counts.length > MAX_LAG_HOURS + 1) throw new InputError(`state: label-lag state has ${counts.length} lag hours, more than ${MAX_LAG_HOURS + 1}`);
    for (let lag = 0; lag < counts.length; lag++) {
      const n = counts[lag]!;
      if (!Number.isSafeInteger(n) || n < 0) throw new InputError(`state: label-lag state has a bad count ${n} at lag ${lag}`);
      if (n > 0) out.addCount(lag, n);
    }
    return out;
  }

  summary(): LabelLagSummary {
    const labelled = this.labelled;
    const lag_hours: LabelLagSummary['lag_hours'] = [];
    // Early and unplaced labels are there whatever the delay; beyond ones only past MAX_LAG_HOURS.
    let seen = this.early + this.unplaced;
    for (let lag = 0; lag <= this.top; lag++) {
      const n = this.counts[lag]!;
      seen += n;
      if (n > 0) lag_hours.push({ lag, labels: n, coverage_with_delay: this.predictions === 0 ? 0 : seen / this.predictions });
    }
    const placed = labelled - this.unplaced;
    const delay_for_share: Record<string, number | null> = {};
    for (const share of [0.5, 0.9, 0.95, 0.99]) {
      let d: number | null = null;
      if (placed > 0) {
        let cumulative = this.early;
        if (cumulative >= share * placed) d = 0;
        for (let lag = 0; d === null && lag <= this.top; lag++) {
          cumulative += this.counts[lag]!;
          if (cumulative >= share * placed) d = lag;
        }
      }
      delay_for_share[String(share)] = d;
    }
    return {
      predictions: this.predictions,
      labelled,
      coverage: this.predictions === 0 ? 0 : labelled / this.predictions,
      lag_hours,
      early_labels: this.early,
      unplaced_labels: this.unplaced,
      beyond_labels: this.beyond,
      delay_for_share,
    };
  }
}
