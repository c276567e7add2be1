/**
 * @module A pool of Float64Array buffers for the data-quality accumulators: the scan builds a profile for every
 * capture file and drops it once merged, and fresh typed arrays (zeroed outside the heap, and counted as external
 * memory that brings garbage collections forward) cost more than the work on the values they hold. Buffers come back
 * through give() when their owner is released, and are handed out again by size with their old contents.
 */

/** Buffers kept per size: a file's profile of MAX_FEATURES columns needs a few per column; more are dropped. */
const MAX_PER_SIZE = 4096;
const free = new Map<number, Float64Array[]>();

/** A buffer of exactly `size` items, reused when one is free: its contents are unspecified (callers write first). */
export function takeFloats(size: number): Float64Array {
  return free.get(size)?.pop() ?? new Float64Array(size);
}

/** Gives a buffer back: the caller must hold no other reference to it. */
export function giveFloats(buffer: Float64Array): void {
  let list = free.get(buffer.length);
  if (list === undefined) free.set(buffer.length, (list = []));
  if (list.length < MAX_PER_SIZE) list.push(buffer);
}
