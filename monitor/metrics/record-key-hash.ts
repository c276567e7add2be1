/**
 * @module The 32-bit record key hash that Observation.keyHash expects: it ties a record to its subsamples.
 */
import { fmix32 } from './subsample.ts';

/**
 * A 32-bit unsigned hash of a record key (inference id, position of the record in the response): FNV-1a over the
 * UTF-16 code units of `inferenceId`, then the index, finished with MurmurHash3's fmix32. Stable across processes and
 * versions: changing it changes every standard_deviation.
 */
export function hashRecordKey(inferenceId: string, payloadIndex: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < inferenceId.length; i++) {
    h = Math.imul(h ^ inferenceId.charCodeAt(i), 0x01000193);
  }
  // The index always takes the last two words, so distinct (id, index) pairs give distinct input streams.
  h = Math.imul(h ^ (payloadIndex >>> 0), 0x01000193);
  h = Math.imul(h ^ Math.floor(payloadIndex / 2 ** 32), 0x01000193);
  return fmix32(h);
}
