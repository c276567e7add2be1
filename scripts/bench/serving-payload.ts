/**
 * @module The request body of the serving benchmarks (scripts/bench-serving.ts, scripts/bench/capture-floor.ts): `size`
 * covertype records as a JSON array of objects keyed by feature name, drawn with `seed`.
 */
import { FEATURE_NAMES, generateCovertype } from '../covertype/generate.ts';

/** The JSON body of a `size`-record request. */
export function servingPayload(size: number, seed: number): string {
  const { rows } = generateCovertype({ n: size, seed });
  return JSON.stringify(rows.map((r) => Object.fromEntries(FEATURE_NAMES.map((n, i) => [n, r[i]]))));
}
