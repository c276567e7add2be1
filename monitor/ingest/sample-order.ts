/**
 * @module The order in which input-error samples of several parts (threads, hosts) are kept: path order (file, then
 * line), as one reader walking every file in path order meets them. Files are compared by their path below the
 * capture location they were read from, so hosts that read their shards from different prefixes order as one
 * instance reading one prefix would.
 */
import type { InputErrorSample } from './input-errors.ts';

/** A comparator of samples in path order; `locations` are the capture locations the samples' files may start with. */
export function samplePathOrder(locations: readonly string[] = []): (a: InputErrorSample, b: InputErrorSample) => number {
  const below = (file: string): string => {
    const location = locations.find((l) => file.startsWith(`${l}/`));
    return location === undefined ? file : file.slice(location.length);
  };
  return (a, b) => {
    const [fa, fb] = [below(a.file), below(b.file)];
    if (fa !== fb) return fa < fb ? -1 : 1;
    return (a.line ?? Number.POSITIVE_INFINITY) - (b.line ?? Number.POSITIVE_INFINITY);
  };
}
