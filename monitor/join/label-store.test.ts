/**
 * @module The label store of the join: lookups across growth, the latest label winning with duplicates counted,
 * labels no prediction used, and predictions that reuse a label.
 */
import { describe, expect, it } from 'vitest';
import { hashKey } from './key-hash.ts';
import { LabelStore } from './label-store.ts';

const key = (id: string, index = 0) => hashKey(id, index, { lo: 0, hi: 0 });

/**
 * `low` keys whose hashes share their low `bits` bits (all 0: one long run of slots from the bottom of the table),
 * `top` keys whose low bits are all 1 (a run at the top, into the overflow area), then `spread` ordinary keys.
 */
function collidingKeys(low: number, top: number, spread: number, bits: number): Array<{ lo: number; hi: number }> {
  const keys: Array<{ lo: number; hi: number }> = [];
  for (let i = 0; i < low; i++) keys.push({ lo: (i << bits) >>> 0, hi: 0 });
  for (let i = 0; i < top; i++) keys.push({ lo: (((1 << bits) - 1) | (i << bits)) >>> 0, hi: 1 });
  for (let i = 0; i < spread; i++) keys.push(key(`spread-${i}`));
  return keys;
}

describe('LabelStore', () => {
  it('returns NaN for a key it does not hold', () => {
    const store = new LabelStore();
    expect(store.take(key('x'))).toBeNaN();
    expect(store.size).toBe(0);
  });

  it('keeps every label through many doublings of its table', () => {
    const store = new LabelStore(16);
    const before = store.byteLength;
    for (let i = 0; i < 50_000; i++) store.set(key(`id-${i}`, i % 3), i);
    expect(store.size).toBe(50_000);
    expect(store.byteLength).toBeGreaterThan(before);
    // Load factor at most 0.8: 50,000 labels need at least 62,500 slots (12 bytes each: label codes fit 16 bits).
    expect(store.slots).toBeGreaterThanOrEqual(50_000 / 0.8);
    expect(store.byteLength).toBe(store.slots * 12);
    let wrong = 0;
    for (let i = 0; i < 50_000; i++) if (store.take(key(`id-${i}`, i % 3)) !== i) wrong++;
    expect(wrong).toBe(0);
    expect(store.take(key('id-0', 1))).toBeNaN();
  });

  it('reserves room once: the labels reserved for then fit without the table growing, and the labels set before stay', () => {
    const store = new LabelStore(16);
    for (let i = 0; i < 100; i++) store.set(key(`early-${i}`), i % 7);
    store.reserve(40_000);
    const slots = store.slots;
    expect(slots).toBeGreaterThanOrEqual(40_000 / 0.8);
    expect(slots).toBeLessThan((2 * 40_000) / 0.8 + 1024 + 1);
    for (let i = 0; i < 39_900; i++) store.set(key(`late-${i}`, i % 5), i % 11);
    expect(store.slots).toBe(slots);
    let wrong = 0;
    for (let i = 0; i < 100; i++) if (store.take(key(`early-${i}`)) !== i % 7) wrong++;
    for (let i = 0; i < 39_900; i++) if (store.take(key(`late-${i}`, i % 5)) !== i % 11) wrong++;
    expect(wrong).toBe(0);
  });

  it('grows to a reserved size in one step (a factor of 2^k), keeping colliding runs, overflow entries and used marks', () => {
    const store = new LabelStore(16);
    // A long run of keys sharing their low bits (it spills into the overflow area), keys at the top of the table, and
    // spread keys; some already joined, so their used marks must move with them.
    const keys = collidingKeys(600, 300, 2000, 16);
    keys.forEach((k, i) => store.set(k, i % 500));
    keys.forEach((k, i) => i % 3 === 0 && store.take(k));
    const before = store.slots;
    store.reserve(300_000);
    expect(store.slots).toBeGreaterThanOrEqual(300_000 / 0.8);
    expect(store.slots).toBeGreaterThan(16 * (before - 1024));
    expect(store.size).toBe(keys.length);
    let wrong = 0;
    let reused = 0;
    keys.forEach((k, i) => {
      if (store.take(k, () => reused++) !== i % 500) wrong++;
    });
    expect(wrong).toBe(0);
    expect(reused).toBe(Math.ceil(keys.length / 3));
    expect(store.unused()).toBe(0);
  });

  it('keeps each label\'s tag in its slot through growth in place, reserve, widening and sharing, without marking it used', () => {
    const store = new LabelStore(16, true);
    const keys = collidingKeys(700, 300, 9000, 14);
    keys.forEach((k, i) => store.set(k, i % 9, 400_000 + (i % 50) - (i % 13 === 0 ? 400_001 : 0)));
    const tagOf = (i: number): number => 400_000 + (i % 50) - (i % 13 === 0 ? 400_001 : 0);
    store.reserve(80_000);
    store.set(key('wide'), 0.5, 7);
    keys.forEach((k, i) => expect(store.tagOf(k)).toBe(tagOf(i)));
    expect(store.tagOf(key('absent'))).toBeNaN();
    expect(store.unused()).toBe(keys.length + 1);
    // A later label for the key replaces the tag too; a view of the shared table reads the same tags, slot by slot.
    store.set(keys[0]!, 3, 42);
    const view = LabelStore.fromShared(store.share());
    expect(view.tagOf(keys[0]!)).toBe(42);
    const slot = view.find(keys[5]!);
    expect(view.tagAt(slot)).toBe(tagOf(5));
    expect(view.sameSlots(store)).toBe(true);
    expect(store.byteLength).toBe(store.slots * (4 * 4 + 8));
  });

  it('lets a later label for the same key win and counts it as a duplicate', () => {
    const store = new LabelStore();
    store.set(key('retry'), 0);
    store.set(key('retry'), 1);
    store.set(key('retry'), 1);
    expect(store.size).toBe(1);
    expect(store.duplicates).toBe(2);
    expect(store.take(key('retry'))).toBe(1);
  });

  it('counts the labels no prediction took, and reports a label taken twice', () => {
    const store = new LabelStore();
    for (const id of ['a', 'b', 'c']) store.set(key(id), 1);
    let reuse = 0;
    store.take(key('a'), () => reuse++);
    expect(store.unused()).toBe(2);
    store.take(key('a'), () => reuse++);
    expect(reuse).toBe(1);
    expect(store.unused()).toBe(2);
    store.take(key('b'));
    expect(store.unused()).toBe(1);
  });

  it('keeps used marks and values when it grows after lookups', () => {
    const store = new LabelStore(16);
    store.set(key('early'), 7);
    store.take(key('early'));
    for (let i = 0; i < 1000; i++) store.set(key(`later-${i}`), i);
    expect(store.unused()).toBe(1000);
    let reused = false;
    expect(store.take(key('early'), () => (reused = true))).toBe(7);
    expect(reused).toBe(true);
  });

  it('stores label value 0 and negative regression values', () => {
    const store = new LabelStore();
    store.set(key('zero'), 0);
    store.set(key('neg'), -2.5);
    expect(store.take(key('zero'))).toBe(0);
    expect(store.take(key('neg'))).toBe(-2.5);
  });

  it('keeps every label when it grows in place through long runs of colliding slots', () => {
    // Keys whose hashes share their low bits crowd into one run of slots (and its overflow area) at every size.
    const store = new LabelStore(16);
    // And at the top of the table, where a long run fills the overflow area and forces a growth.
    const keys = collidingKeys(3000, 1500, 20_000, 12);
    keys.forEach((k, i) => store.set(k, i % 1000));
    expect(store.size).toBe(keys.length);
    let wrong = 0;
    keys.forEach((k, i) => {
      if (store.take(k) !== i % 1000) wrong++;
    });
    expect(wrong).toBe(0);
    expect(store.unused()).toBe(0);
  });

  it('widens its 16-bit value column when a value is not a label code, keeping the values stored before', () => {
    const store = new LabelStore(16);
    for (let i = 0; i < 100; i++) store.set(key(`c-${i}`), i);
    expect(store.byteLength).toBe(store.slots * 12);
    store.set(key('big'), 70_000);
    store.set(key('fraction'), 0.25);
    expect(store.byteLength).toBe(store.slots * 20);
    for (let i = 0; i < 100; i++) expect(store.take(key(`c-${i}`))).toBe(i);
    expect(store.take(key('big'))).toBe(70_000);
    expect(store.take(key('fraction'))).toBe(0.25);
  });

  it('shares its table with another store (a worker thread): lookups see the labels, and one reuse is counted across both', () => {
    const store = new LabelStore(16);
    for (let i = 0; i < 1000; i++) store.set(key(`s-${i}`), i % 7);
    const other = LabelStore.fromShared(structuredClone(store.share()));
    expect(other.size).toBe(1000);
    expect(other.take(key('s-5'))).toBe(5);
    let reuse = 0;
    expect(store.take(key('s-5'), () => reuse++)).toBe(5);
    expect(reuse).toBe(1);
    expect(store.unused()).toBe(999);
    expect(other.take(key('absent'))).toBeNaN();
  });

  it('finds a key once for two tables filled alike: the same slot holds it in both, and peek checks a slot it is given', () => {
    const labels = new LabelStore(16);
    const partitions = new LabelStore(16);
    for (let i = 0; i < 5000; i++) {
      labels.set(key(`id-${i}`, i % 3), i % 7);
      partitions.set(key(`id-${i}`, i % 3), 400_000 + (i % 11));
    }
    expect(labels.sameSlots(partitions)).toBe(true);
    for (let i = 0; i < 5000; i += 37) {
      const k = key(`id-${i}`, i % 3);
      const slot = labels.find(k);
      expect(slot).toBeGreaterThanOrEqual(0);
      expect(labels.takeAt(slot)).toBe(i % 7);
      expect(partitions.valueAt(slot)).toBe(400_000 + (i % 11));
      expect(partitions.peek(k, slot)).toBe(400_000 + (i % 11));
      // A wrong slot hint is checked against the key, then the key is probed for.
      expect(partitions.peek(k, (slot + 1) % partitions.slots)).toBe(400_000 + (i % 11));
    }
    expect(labels.find(key('absent'))).toBe(-1);
    expect(partitions.peek(key('absent'), 3)).toBeNaN();
    expect(labels.unused()).toBe(5000 - Math.ceil(5000 / 37));
    // One key more, or a table of another size, and the slots no longer agree.
    partitions.set(key('extra'), 1);
    expect(labels.sameSlots(partitions)).toBe(false);
    const larger = new LabelStore(1 << 15);
    for (let i = 0; i < 5000; i++) larger.set(key(`id-${i}`, i % 3), 1);
    expect(labels.sameSlots(larger)).toBe(false);
  });
});
