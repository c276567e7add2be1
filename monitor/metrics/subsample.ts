/**
 * @module Deterministic assignment of records to the 5 bootstrap-like subsamples behind `standard_deviation`.
 *
 * SageMaker "computes standard deviation by randomly sampling 80% of the data 5 times". A random generator would
 * make the result depend on record order and chunking, so membership is decided per record from its key hash
 * instead: the same record always lands in the same subsamples, whichever worker or chunk sees it.
 */

/** Number of subsamples. */
export const SUBSAMPLE_COUNT = 5;
/** Inner states of an accumulator: state 0 is the full data, state j + 1 is subsample j. */
export const STATE_COUNT = SUBSAMPLE_COUNT + 1;
/** `mix < MEMBERSHIP_LIMIT` ⇔ `mix / 2^32 < 0.8` for a 32-bit unsigned mix (0.8·2^32 = 3435973836.8). */
const MEMBERSHIP_LIMIT = 3435973837;
/** The golden-ratio constant that separates the 5 subsample streams. */
const STREAM_STEP = 0x9e3779b9;

/** MurmurHash3's 32-bit finaliser (fmix32): a bijective avalanche mix of a 32-bit integer. */
export function fmix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The subsamples a record belongs to, as a 5-bit mask (bit j set ⇔ the record is in subsample j).
 * Record i joins subsample j when `fmix32(keyHash ^ seed ^ (0x9e3779b9 · (j + 1) mod 2^32)) / 2^32 < 0.8`.
 * scripts/fixtures/sklearn_metrics.py implements the same rule, so the fixtures check the standard deviations too.
 */
export function subsampleMask(keyHash: number, seed: number): number {
  const base = (keyHash ^ seed) >>> 0;
  let mask = 0;
  for (let j = 0; j < SUBSAMPLE_COUNT; j++) {
    if (fmix32(base ^ Math.imul(STREAM_STEP, j + 1)) < MEMBERSHIP_LIMIT) mask |= 1 << j;
  }
  return mask;
}
