/**
 * @module The standard error of an estimated metric over a window of n estimated records, from the reference
 * components (see calibration-artefact.ts), and the +/-3 standard-error band NannyML draws. Without a baseline
 * artefact the components are taken from the window's own expected confusion matrix (plug-in), which assumes the
 * scores are calibrated: docs/estimation.md.
 */
import type { SamplingErrorComponents } from './calibration-artefact.ts';

/** Width of the band in standard errors (NannyML's SAMPLING_ERROR_RANGE). */
export const BAND_STANDARD_ERRORS = 3;

/** How a standard error was obtained: a method of the baseline artefact, or a plug-in from the window. */
export type StandardErrorMethod = SamplingErrorComponents['method'] | 'plug_in_binomial' | 'plug_in_hanley_mcneil';

/**
 * The standard error for n records; NaN when the components cannot give one (or n is 0). `windowFraction`: the share
 * of the window's records the metric is about (its predicted positives for precision, its expected positives for
 * recall, ...), used instead of the reference's share by `reference_std_fraction`. NannyML divides by the reference's
 * share, which under covariate shift (a window with a tenth of the reference's predicted positives) made the precision
 * band about 4 times too narrow; the spread per record is still the reference's.
 */
export function standardError(components: SamplingErrorComponents, n: number, windowFraction?: number): number {
  if (!(n > 0)) return NaN;
  const num = (x: number | null): number => (x === null ? NaN : x);
  switch (components.method) {
    case 'reference_std':
      return num(components.std) / Math.sqrt(n);
    case 'reference_std_fraction': {
      const fraction = windowFraction !== undefined && windowFraction > 0 ? windowFraction : num(components.fraction);
      return num(components.std) / Math.sqrt(n * fraction);
    }
    case 'class_variances': {
      let sum = 0;
      let terms = 0;
      components.variances.forEach((v, k) => {
        const f = components.fractions[k];
        // A class the reference has no record of the kind for adds no term (NannyML's would make the sum NaN).
        if (v !== null && f !== null && f > 0) {
          sum += v / (n * f);
          terms++;
        }
      });
      return terms === 0 ? NaN : Math.sqrt(sum) / components.variances.length;
    }
    case 'bootstrap':
      return num(components.std) * Math.sqrt(components.sample_size / n);
  }
}

/**
 * The reference's components of a metric when they can give a band: a spread of exactly 0 (every reference record
 * behind the metric right, or every one wrong) would give a zero-wide band, a certainty it does not have, so the
 * caller takes the window's plug-in error instead (undefined).
 */
export function usableComponents(components: SamplingErrorComponents | undefined): SamplingErrorComponents | undefined {
  return components !== undefined && !('std' in components && components.std === 0) ? components : undefined;
}

/**
 * Plug-in standard error of a share `value` among `relevant` records (binomial): what reference_std(_fraction) gives
 * when the reference looks like the window.
 */
export function binomialStandardError(value: number, relevant: number): number {
  return relevant > 0 ? Math.sqrt((value * (1 - value)) / relevant) : NaN;
}

/**
 * Hanley and McNeil's standard error of an AUC `a` with `positives` and `negatives` (expected) records (Radiology
 * 143, 1982): the plug-in for auc when no reference is at hand.
 */
export function hanleyMcNeilStandardError(a: number, positives: number, negatives: number): number {
  if (!(positives > 0 && negatives > 0)) return NaN;
  const q1 = a / (2 - a);
  const q2 = (2 * a * a) / (1 + a);
  const variance = (a * (1 - a) + (positives - 1) * (q1 - a * a) + (negatives - 1) * (q2 - a * a)) / (positives * negatives);
  return Math.sqrt(Math.max(0, variance));
}

/** An estimate with its standard error and band, as statistics.json writes it. */
export interface EstimatedMetric {
  value: number;
  /** Null when no standard error can be given (the band is then absent too). */
  standard_error: number | null;
  /** value -/+ 3 standard errors, clipped to the metric's range [0, 1]. */
  lower: number | null;
  upper: number | null;
  standard_error_method: StandardErrorMethod;
}

/** Builds the estimate of a metric bounded to [0, 1]. */
export function estimatedMetric(value: number, se: number, method: StandardErrorMethod): EstimatedMetric {
  if (!Number.isFinite(se)) return { value, standard_error: null, lower: null, upper: null, standard_error_method: method };
  return {
    value,
    standard_error: se,
    lower: Math.max(0, value - BAND_STANDARD_ERRORS * se),
    upper: Math.min(1, value + BAND_STANDARD_ERRORS * se),
    standard_error_method: method,
  };
}
