/**
 * @module The shape of a regression run for the report page, without keeping any record: a histogram of residuals
 * (actual − predicted) and a two-dimensional histogram of (actual, predicted). Both are bounded GridHistograms, so
 * memory stays fixed and chunked runs merge to the single-pass result.
 */
import { GridHistogram, type HistogramSummary } from './grid-histogram.ts';
import type { AccumulatorState } from '../state/accumulator-state.ts';
import { expectState } from '../state/accumulator-state.ts';
import { InputError } from '../errors.ts';

/** Bins of the residual histogram (the occupied range spans between half of this and this many). */
export const RESIDUAL_BINS = 64;
/** Bins per axis of the predicted-versus-actual density. */
export const DENSITY_BINS = 32;

/** What the page draws. */
export interface RegressionShapeSummary {
  /** Residuals actual − predicted, one axis. */
  residuals: HistogramSummary;
  /** Axis 0 is the actual value, axis 1 the predicted value; same bin width on both. */
  actualVsPredicted: HistogramSummary;
}

/** Accumulates the residual and predicted-versus-actual histograms of joined regression records. */
export class RegressionShape {
  readonly #residuals = new GridHistogram(1, RESIDUAL_BINS);
  readonly #density = new GridHistogram(2, DENSITY_BINS);

  /** Counts one joined record. Non-finite pairs are skipped, as the regression accumulator skips them. */
  observe(actual: number, predicted: number): void {
    if (!Number.isFinite(actual) || !Number.isFinite(predicted)) return;
    this.#residuals.observe(actual - predicted);
    this.#density.observe(actual, predicted);
  }

  /** Folds another shape into this one. */
  merge(other: RegressionShape): void {
    this.#residuals.merge(other.#residuals);
    this.#density.merge(other.#density);
  }

  save(): AccumulatorState {
    return { kind: 'regression-shape', version: 1, meta: null, arrays: {}, parts: { residuals: this.#residuals.save(), density: this.#density.save() } };
  }

  static load(state: AccumulatorState): RegressionShape {
    expectState(state, 'regression-shape', 1);
    const { residuals, density } = state.parts ?? {};
    if (!residuals || !density) throw new InputError('state: a regression-shape state lacks its histograms');
    const shape = new RegressionShape();
    shape.#residuals.merge(GridHistogram.load(residuals));
    shape.#density.merge(GridHistogram.load(density));
    return shape;
  }

  /** The histograms as plain data. */
  summary(): RegressionShapeSummary {
    return { residuals: this.#residuals.summary(), actualVsPredicted: this.#density.summary() };
  }
}
