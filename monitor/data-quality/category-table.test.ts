import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CATEGORY_CAP, CategoryTable, categoryKey } from './category-table.ts';

function tableOf(values: string[]): CategoryTable {
  const t = new CategoryTable();
  for (const v of values) t.add(v);
  return t;
}

describe('CategoryTable', () => {
  it('counts exactly below the cap, in Deequ order (count desc, value asc)', () => {
    const t = tableOf(['b', 'a', 'b', 'c', 'a', 'b', '__proto__']);
    expect(t.entries()).toEqual([
      { value: 'b', count: 3 },
      { value: 'a', count: 2 },
      { value: '__proto__', count: 1 },
      { value: 'c', count: 1 },
    ]);
    expect(t.approximate).toBe(false);
    expect(t.errorBound()).toBe(0);
  });

  it('merging the tables of any split equals the table of the whole below the cap', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('x', 'y', 'z', 'w', ''), { maxLength: 200 }), fc.nat(), (values, cut) => {
        const k = values.length === 0 ? 0 : cut % values.length;
        const a = tableOf(values.slice(0, k));
        a.merge(tableOf(values.slice(k)));
        expect(a.entries()).toEqual(tableOf(values).entries());
        expect(a.total).toBe(values.length);
      }),
    );
  });

  it('past the cap keeps every frequent value, flags itself approximate and bounds the undercount', () => {
    const values: string[] = [];
    for (let i = 0; i < 20_000; i++) values.push(i % 4 === 0 ? 'hot' : i % 10 === 1 ? 'warm' : `rare-${i}`);
    const t = tableOf(values);
    expect(t.approximate).toBe(true);
    const hot = t.entries().find((e) => e.value === 'hot')!;
    const warm = t.entries().find((e) => e.value === 'warm')!;
    expect(hot.count).toBeLessThanOrEqual(5000);
    expect(5000 - hot.count).toBeLessThanOrEqual(t.errorBound());
    expect(2000 - warm.count).toBeLessThanOrEqual(t.errorBound());
    expect(t.entries().length).toBeLessThanOrEqual(CATEGORY_CAP);
    // Merged halves obey the same bound.
    const a = tableOf(values.slice(0, 7_000));
    a.merge(tableOf(values.slice(7_000)));
    expect(a.approximate).toBe(true);
    expect(5000 - a.entries().find((e) => e.value === 'hot')!.count).toBeLessThanOrEqual(a.errorBound());
  });

  it('cuts long values to 256 characters plus "…", never inside a surrogate pair', () => {
    expect(categoryKey('a'.repeat(300))).toBe(`${'a'.repeat(256)}…`);
    const emoji = `${'a'.repeat(255)}😀tail`;
    expect(categoryKey(emoji)).toBe(`${'a'.repeat(255)}…`);
    expect(categoryKey('short')).toBe('short');
  });

  it('saves and loads its counts, with keys in an array', () => {
    const t = tableOf(['a', 'b', 'b', 'constructor']);
    const state = t.save();
    expect(state.meta).toMatchObject({ values: ['a', 'b', 'constructor'] });
    expect(CategoryTable.load(state).entries()).toEqual(t.entries());
    expect(() => CategoryTable.load({ ...state, meta: { total: 4, approximate: false, values: ['a'] } })).toThrow(/do not agree/);
  });
});
