/**
 * @module How far apart two short names are, for "did you mean" hints (a misspelled variable, a mistyped command or
 * option): insertions, deletions, substitutions and swaps of two neighbouring characters each count one (the
 * optimal string alignment distance), so `--form` is one edit from `--from`, as people type it.
 */

/** Edit distance of two short names, stopping early past `limit` (then `limit + 1`). */
export function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2]! + 1);
      row[j] = d;
      best = Math.min(best, d);
    }
    if (best > limit) return limit + 1;
    before = previous;
    previous = row;
  }
  return previous[b.length]!;
}

/** The candidate fewest edits from `name`, at most `limit` (the first of equals), or undefined: a "did you mean". */
export function closest(name: string, candidates: Iterable<string>, limit: number): string | undefined {
  let best: { name: string; d: number } | undefined;
  for (const candidate of candidates) {
    const d = editDistance(name, candidate, limit);
    if (d <= limit && (best === undefined || d < best.d)) best = { name: candidate, d };
  }
  return best?.name;
}
