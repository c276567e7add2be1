import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { centralMoment, ExactSum, meanOf, populationStdDev, roundQuotient, roundScaled } from './exact-sum.ts';

/** Reference: the exact value of a double as (integer, exponent) with BigInt, summed and rounded by roundScaled. */
function referenceSum(values: number[]): number {
  let total = 0n;
  const LOW = 1074 * 2 + 10;
  for (const v of values) {
    if (v === 0) continue;
    const buf = new DataView(new ArrayBuffer(8));
    buf.setFloat64(0, v);
    const hi = buf.getUint32(0);
    const lo = buf.getUint32(4);
    let e = (hi >>> 20) & 0x7ff;
    let m = BigInt(hi & 0xfffff) * 4294967296n + BigInt(lo);
    if (e === 0) e = 1;
    else m += 1n << 52n;
    const shifted = m << BigInt(e - 1075 + LOW);
    total += v < 0 ? -shifted : shifted;
  }
  return roundScaled(total, -LOW);
}

const doubles = fc.double({ noNaN: true, noDefaultInfinity: true });

describe('ExactSum', () => {
  it('equals the correctly rounded exact sum, whatever the order and split', () => {
    fc.assert(
      fc.property(fc.array(doubles, { maxLength: 60 }), fc.nat(), (values, cut) => {
        const expected = referenceSum(values);
        const whole = new ExactSum();
        for (const v of values) whole.add(v);
        const at = values.length === 0 ? 0 : cut % (values.length + 1);
        const a = new ExactSum();
        const b = new ExactSum();
        for (const v of values.slice(0, at).reverse()) a.add(v);
        for (const v of values.slice(at)) b.add(v);
        b.merge(a);
        expect(Object.is(whole.value(), expected) || (whole.value() === 0 && expected === 0)).toBe(true);
        expect(b.value()).toBe(whole.value());
      }),
      { numRuns: 500 },
    );
  });

  it('merging sums of whole numbers (addMany, addWhole) equals one sum of every term, past 2^53 too', () => {
    // Parts of whole-number runs (addMany/addWhole), some with fractional or special terms, merged in a chain as the
    // scan merges files: the scaled total must equal the straightforward term-by-term sum's, bit for bit.
    const big = fc.integer({ min: -(2 ** 52), max: 2 ** 52 }).map((n) => n * 2);
    const term = fc.oneof(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), big, fc.constantFrom(2 ** 53 - 2, -(2 ** 53) + 2, 0.5, -0), doubles);
    fc.assert(
      fc.property(fc.array(fc.array(term, { maxLength: 40 }), { maxLength: 8 }), (parts) => {
        const whole = new ExactSum();
        const run = new ExactSum();
        for (const part of parts) {
          for (const x of part) whole.add(x);
          const s = new ExactSum();
          const wholeTerms = part.every((x) => Number.isInteger(x) && Math.abs(x) < 2 ** 31);
          if (wholeTerms) s.addMany(Float64Array.from(part), part.length);
          else {
            for (const x of part) {
              if (Number.isInteger(x)) s.addWhole(x);
              else s.add(x);
            }
          }
          run.merge(s);
        }
        expect(run.scaled()).toBe(whole.scaled());
        expect(Object.is(run.value(), whole.value())).toBe(true);
      }),
      { numRuns: 500 },
    );
    const a = new ExactSum();
    const b = new ExactSum();
    a.addWhole(2 ** 53 - 1);
    b.addWhole(2 ** 53 - 1);
    a.merge(b);
    expect(a.scaled()).toBe((2n ** 54n - 2n) << 2200n);
  });

  it('addMany and addSquares equal term-by-term add and addSquare (whole-number runs and the general path)', () => {
    const term = fc.oneof(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.integer({ min: -(2 ** 21), max: 2 ** 21 }), doubles);
    fc.assert(
      fc.property(fc.array(term, { maxLength: 5000 }), (values) => {
        const xs = Float64Array.from(values);
        const one = new ExactSum();
        const oneSquares = new ExactSum();
        for (const v of values) {
          one.add(v);
          oneSquares.addSquare(v);
        }
        const many = new ExactSum();
        const manySquares = new ExactSum();
        many.addMany(xs, xs.length);
        manySquares.addSquares(xs, xs.length);
        expect(many.scaled()).toBe(one.scaled());
        expect(manySquares.scaled()).toBe(oneSquares.scaled());
      }),
      { numRuns: 200 },
    );
    // The extreme run: 2048 squares of 2^21 - 1 sum to just below 2^53.
    const big = new Float64Array(4096).fill(2 ** 21 - 1);
    const s = new ExactSum();
    s.addSquares(big, big.length);
    expect(s.scaled()).toBe(4096n * (2n ** 21n - 1n) ** 2n << 2200n);
  });

  it('addWhole equals add for any term, whole numbers kept exact across 2^53 (its plain-double total and back)', () => {
    const term = fc.oneof(
      fc.constantFrom(2 ** 53, -(2 ** 53), 2 ** 53 - 1, -(2 ** 53 - 1), 2 ** 52 + 1, 2 ** 60, 0.5, -0),
      fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
      fc.double({ min: -(2 ** 54), max: 2 ** 54, noNaN: true }).map(Math.trunc),
      doubles,
    );
    fc.assert(
      fc.property(fc.array(term, { maxLength: 200 }), (values) => {
        const one = new ExactSum();
        const whole = new ExactSum();
        for (const v of values) {
          one.add(v);
          whole.addWhole(v);
        }
        expect(whole.scaled()).toBe(one.scaled());
        expect(whole.value()).toBe(referenceSum(values));
      }),
      { numRuns: 300 },
    );
    // 2^53 − 1 twice, then −1: past 2^53 the total leaves the plain double; the exact total is 2^54 − 3.
    const s = new ExactSum();
    for (const v of [2 ** 53 - 1, 2 ** 53 - 1, -1]) s.addWhole(v);
    expect(s.scaled()).toBe((2n ** 54n - 3n) << 2200n);
  });

  it('cancels exactly where floating-point addition loses everything', () => {
    const s = new ExactSum();
    for (const v of [1e308, 1, -1e308, 1e-300, 1e308, -1e308]) s.add(v);
    expect(s.value()).toBe(1 + 1e-300);
    const naive = [1e308, 1e308, -1e308].reduce((x, y) => x + y, 0);
    expect(naive).toBe(Infinity);
    const t = new ExactSum();
    for (const v of [1e308, 1e308, -1e308]) t.add(v);
    expect(t.value()).toBe(1e308);
  });

  it('adds squares without rounding the products', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e200, max: 1e200, noNaN: true }), { maxLength: 20 }), (values) => {
        const s = new ExactSum();
        for (const v of values) s.addSquare(v);
        // Reference: Σ m²·2^(2e) with BigInt.
        let total = 0n;
        const LOW = 2400;
        for (const v of values) {
          if (v === 0) continue;
          const buf = new DataView(new ArrayBuffer(8));
          buf.setFloat64(0, Math.abs(v));
          const hi = buf.getUint32(0);
          let e = (hi >>> 20) & 0x7ff;
          let m = BigInt(hi & 0xfffff) * 4294967296n + BigInt(buf.getUint32(4));
          if (e === 0) e = 1;
          else m += 1n << 52n;
          total += (m * m) << BigInt(2 * (e - 1075) + LOW);
        }
        expect(s.value()).toBe(roundScaled(total, -LOW));
      }),
      { numRuns: 300 },
    );
  });

  it('folds its columns every 2^20 terms without losing any', () => {
    const s = new ExactSum();
    const n = (1 << 20) * 2 + 17;
    for (let i = 0; i < n; i++) s.add(0.1);
    // 0.1 is 3602879701896397·2^-55 exactly: n copies, rounded once.
    expect(s.value()).toBe(roundScaled(3602879701896397n * BigInt(n), -55));
  });

  it('keeps NaN and infinities apart', () => {
    const s = new ExactSum();
    s.add(1);
    s.add(Infinity);
    expect(s.value()).toBe(Infinity);
    s.add(-Infinity);
    expect(s.value()).toBeNaN();
    const t = new ExactSum();
    t.add(NaN);
    expect(t.value()).toBeNaN();
  });

  it('saves and loads to the same value, and merges after loading', () => {
    const s = new ExactSum();
    for (const v of [0.1, 0.2, 0.3, -5e-324, 1e300]) s.add(v);
    const loaded = ExactSum.load(JSON.parse(JSON.stringify(s.save())));
    expect(loaded.value()).toBe(s.value());
    loaded.merge(s);
    const twice = new ExactSum();
    for (const v of [0.1, 0.2, 0.3, -5e-324, 1e300, 0.1, 0.2, 0.3, -5e-324, 1e300]) twice.add(v);
    expect(loaded.value()).toBe(twice.value());
  });

  it('rejects a state of another kind', () => {
    expect(() => ExactSum.load({ kind: 'kll', version: 1, meta: {}, arrays: {} })).toThrow(/expected a exact-sum state/);
  });
});

describe('roundScaled and roundQuotient', () => {
  it('round ties to even and reach subnormals', () => {
    expect(roundScaled((1n << 53n) + 1n, 0)).toBe(2 ** 53); // tie, even stays
    expect(roundScaled((1n << 53n) + 3n, 0)).toBe(2 ** 53 + 4); // tie, rounds to even
    expect(roundScaled(1n, -1074)).toBe(5e-324);
    expect(roundScaled(1n, -1075)).toBe(0); // exactly half the smallest subnormal: ties to even (0)
    expect(roundScaled(3n, -1076)).toBe(5e-324);
    expect(roundScaled(1n, 1024)).toBe(Infinity);
    expect(roundScaled(-5n, -1)).toBe(-2.5);
  });

  it('divides with one rounding', () => {
    expect(roundQuotient(1n, 3n, 0)).toBe(1 / 3);
    expect(roundQuotient(-2n, 3n, 0)).toBe(-2 / 3);
    expect(roundQuotient(10n, 4n, 0)).toBe(2.5);
  });
});

describe('centralMoment', () => {
  it('matches Σ(x − mean)² computed exactly with rationals', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1_000_000, max: 1_000_000 }), { minLength: 1, maxLength: 50 }), (ints) => {
        const values = ints.map((i) => 1e8 + i / 1024); // large mean, small spread: the naive formula cancels
        const s = new ExactSum();
        const q = new ExactSum();
        for (const v of values) {
          s.add(v);
          q.addSquare(v);
        }
        // Exact: values are (1e8·1024 + i)/1024.
        const n = BigInt(values.length);
        const k = ints.map((i) => 102_400_000_000n + BigInt(i));
        const sum = k.reduce((a, b) => a + b, 0n);
        const sq = k.reduce((a, b) => a + b * b, 0n);
        // M2 = (n·Σk² − (Σk)²) / n / 1024²
        expect(centralMoment(values.length, s, q)).toBe(roundQuotient(n * sq - sum * sum, n, -20));
      }),
    );
  });
});

describe('meanOf and populationStdDev', () => {
  const sums = (values: number[]): [ExactSum, ExactSum] => {
    const s = new ExactSum();
    const q = new ExactSum();
    for (const v of values) {
      s.add(v);
      q.addSquare(v);
    }
    return [s, q];
  };

  it('keep the bits of the plain computation wherever it does not overflow', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e150, max: 1e150 }), { minLength: 1, maxLength: 40 }), (values) => {
        const [s, q] = sums(values);
        const n = values.length;
        expect(meanOf(n, s)).toBe(s.value() / n);
        expect(populationStdDev(n, s, q)).toBe(Math.sqrt(centralMoment(n, s, q) / n));
      }),
    );
  });

  it('give the true values when the squares or the sum pass Number.MAX_VALUE but the results fit', () => {
    // Whole numbers k times 2^900: std = sqrt(n·Σk² − (Σk)²) / n · 2^900, to the last place or so.
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1_000_000, max: 1_000_000 }), { minLength: 2, maxLength: 40 }), (ints) => {
        const values = ints.map((k) => k * 2 ** 900);
        const [s, q] = sums(values);
        const n = ints.length;
        const sum = ints.reduce((a, b) => a + b, 0);
        const sq = ints.reduce((a, b) => a + b * b, 0);
        const expected = (Math.sqrt(n * sq - sum * sum) / n) * 2 ** 900;
        const std = populationStdDev(n, s, q);
        if (expected === 0) expect(std).toBe(0);
        else expect(Math.abs(std - expected) / expected).toBeLessThan(4e-16);
      }),
    );
    const [s, q] = sums([1e200, -1e200, 3e200]);
    expect(Math.sqrt(centralMoment(3, s, q) / 3)).toBe(Infinity);
    expect(populationStdDev(3, s, q) / (Math.sqrt(8 / 3) * 1e200)).toBeCloseTo(1, 14);
    expect(meanOf(3, s)).toBe(1e200);
    const [big, bigSquares] = sums([1.7e308, 1.7e308, 1.6e308]);
    expect(big.value()).toBe(Infinity);
    expect(meanOf(3, big) / ((1.7e308 / 3) * 2 + 1.6e308 / 3)).toBeCloseTo(1, 14);
    expect(populationStdDev(3, big, bigSquares) / (Math.sqrt(2 / 9) * 1e307)).toBeCloseTo(1, 12);
  });
});
