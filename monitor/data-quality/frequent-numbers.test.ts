import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CATEGORY_CAP } from './category-table.ts';
import { FrequentNumbers } from './frequent-numbers.ts';

/** Exact counts of xs. */
function exact(xs: readonly number[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const x of xs) out.set(x + 0, (out.get(x + 0) ?? 0) + 1);
  return out;
}

/** Asserts the Misra-Gries guarantee of `table` over the values `xs`. */
function expectGuarantee(table: FrequentNumbers, xs: readonly number[]): void {
  const truth = exact(xs);
  const kept = new Map(table.entries());
  let sum = 0;
  for (const [x, c] of kept) {
    sum += c;
    expect(Number.isInteger(c) && c > 0).toBe(true);
    // Never above the true count.
    expect(c).toBeLessThanOrEqual(truth.get(x) ?? 0);
  }
  const bound = (xs.length - sum) / (CATEGORY_CAP + 1);
  for (const [x, c] of truth) {
    // Low by at most the bound; so every value more frequent than the bound is kept.
    expect(kept.get(x) ?? 0).toBeGreaterThanOrEqual(c - bound);
  }
  expect(kept.size).toBeLessThanOrEqual(2 * CATEGORY_CAP);
  expect(table.approximate).toBe(truth.size > CATEGORY_CAP);
}

describe('FrequentNumbers', () => {
  it('counts exactly up to the cap (0 and -0 one value)', () => {
    const t = new FrequentNumbers();
    const xs = [...Array.from({ length: 3000 }, (_, i) => (i % CATEGORY_CAP) - 500), -0, 0, 1e300, 5e-324];
    for (const x of xs) t.add(x, 1);
    expect(t.approximate).toBe(true);
    const small = new FrequentNumbers();
    for (const x of xs.slice(0, 3000)) small.add(x, 1);
    expect(small.approximate).toBe(false);
    expect(new Map(small.entries())).toEqual(exact(xs.slice(0, 3000)));
  });

  it('keeps every value more frequent than (values − kept) / (cap + 1), streamed and merged in any split', () => {
    fc.assert(
      fc.property(
        // A few heavy values among many light ones, in any order, cut into up to four merged parts.
        fc.array(fc.oneof(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 10, max: 50_000 }), fc.double({ min: -1, max: 1, noNaN: true })), { minLength: 0, maxLength: 6000, size: 'max' }),
        fc.array(fc.integer({ min: 0, max: 6000 }), { maxLength: 3 }),
        (xs, cuts) => {
          const whole = new FrequentNumbers();
          for (const x of xs) whole.add(x, 1);
          expectGuarantee(whole, xs);
          const edges = [0, ...cuts.map((c) => Math.min(c, xs.length)).sort((a, b) => a - b), xs.length];
          const merged = new FrequentNumbers();
          for (let i = 0; i + 1 < edges.length; i++) {
            const part = new FrequentNumbers();
            for (const x of xs.slice(edges[i], edges[i + 1])) part.add(x, 1);
            merged.merge(part);
          }
          expectGuarantee(merged, xs);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('finds the cut by selection when many counts pass 1', () => {
    // 1,500 values seen 3 times, then 600 new ones: the reduction's cut is the 1,001st largest count (3).
    const t = new FrequentNumbers();
    const xs: number[] = [];
    for (let r = 0; r < 3; r++) for (let i = 0; i < 1500; i++) xs.push(i);
    for (let i = 0; i < 600; i++) xs.push(10_000 + i);
    for (const x of xs) t.add(x, 1);
    expectGuarantee(t, xs);
    // The 501st new value reduced by 3: everything went; the 99 after it are held once each.
    expect([...t.entries()].sort(([a], [b]) => a - b)).toEqual(Array.from({ length: 99 }, (_, k) => [10_501 + k, 1]));
  });
});
