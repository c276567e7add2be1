/**
 * @module Label lag: lags by partition (hourly, daily, early, unplaced), coverage and the delay table, and the merge
 * law (any split of the predictions, merged, gives the same state as one accumulator) through save/load.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.ts';
import { LabelLagAccumulator, MAX_LAG_HOURS } from './label-lag.ts';

const H = Date.UTC(2024, 4, 6, 21);
const HOUR = 3_600_000;
const hourly = (h: number) => ({ start: H + h * HOUR, end: H + (h + 1) * HOUR });

describe('LabelLagAccumulator', () => {
  it('measures the lag to the last hour of the label partition', () => {
    expect(LabelLagAccumulator.lagHours(H + 59 * 60_000, hourly(0))).toBe(0);
    expect(LabelLagAccumulator.lagHours(H + 59 * 60_000, hourly(3))).toBe(3);
    expect(LabelLagAccumulator.lagHours(H, hourly(-1))).toBe(-1);
    // A daily partition (2024-05-06) counts as its 23:00 hour: 2 hours after 21:xx.
    expect(LabelLagAccumulator.lagHours(H + 10, { start: Date.UTC(2024, 4, 6), end: Date.UTC(2024, 4, 7) })).toBe(2);
  });

  it('addLabelledLag(partition hour - prediction hour) is addLabelled with the hourly partition, for any times', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: -2e12, max: 4e12 }), fc.integer({ min: -1000, max: 10_000 })), { maxLength: 40 }), (cases) => {
        const a = new LabelLagAccumulator();
        const b = new LabelLagAccumulator();
        for (const [time, offset] of cases) {
          const hour = Math.floor(time / HOUR) + offset;
          a.addLabelled(time, { start: hour * HOUR, end: (hour + 1) * HOUR });
          b.addLabelledLag(hour - Math.floor(time / HOUR));
        }
        expect(b.save()).toEqual(a.save());
      }),
    );
  });

  it('summarises coverage and the share of labels a delayed run would see', () => {
    const a = new LabelLagAccumulator();
    for (let i = 0; i < 4; i++) a.addLabelled(H + i, hourly(0));
    for (let i = 0; i < 3; i++) a.addLabelled(H + i, hourly(2));
    a.addLabelled(H, hourly(30));
    a.addLabelled(H, hourly(-2));
    a.addLabelled(H, undefined);
    a.addUnlabelled();
    a.addUnlabelled();
    const s = a.summary();
    expect(s).toMatchObject({ predictions: 12, labelled: 10, coverage: 10 / 12, early_labels: 1, unplaced_labels: 1, beyond_labels: 0 });
    expect(s.lag_hours).toEqual([
      { lag: 0, labels: 4, coverage_with_delay: 6 / 12 },
      { lag: 2, labels: 3, coverage_with_delay: 9 / 12 },
      { lag: 30, labels: 1, coverage_with_delay: 10 / 12 },
    ]);
    // Of the 9 placed labels: 1 early + 4 at lag 0 = 5 (>= 4.5); 8 by lag 2 (< 8.1 for 90%); all 9 by lag 30.
    expect(s.delay_for_share).toEqual({ '0.5': 0, '0.9': 30, '0.95': 30, '0.99': 30 });
    a.addLag(MAX_LAG_HOURS + 1);
    expect(a.summary().beyond_labels).toBe(1);
    expect(new LabelLagAccumulator().summary()).toMatchObject({ coverage: 0, lag_hours: [], delay_for_share: { '0.5': null } });
  });

  it('merges any split into the state of one accumulator, through save and load', () => {
    const event = fc.oneof(fc.integer({ min: -3, max: 200 }), fc.constant('unlabelled' as const), fc.constant('unplaced' as const));
    fc.assert(
      fc.property(fc.array(event, { maxLength: 300 }), fc.array(fc.nat(), { maxLength: 5 }), (events, cuts) => {
        const apply = (acc: LabelLagAccumulator, e: (typeof events)[number]) => {
          if (e === 'unlabelled') acc.addUnlabelled();
          else if (e === 'unplaced') acc.addLabelled(H, undefined);
          else acc.addLabelled(H, hourly(e));
        };
        const whole = new LabelLagAccumulator();
        events.forEach((e) => apply(whole, e));
        const bounds = [0, ...cuts.map((c) => c % (events.length + 1)).sort((x, y) => x - y), events.length];
        const merged = new LabelLagAccumulator();
        for (let i = 0; i + 1 < bounds.length; i++) {
          const part = new LabelLagAccumulator();
          events.slice(bounds[i], bounds[i + 1]).forEach((e) => apply(part, e));
          merged.merge(LabelLagAccumulator.load(part.save()));
        }
        expect(merged.save()).toEqual(whole.save());
        expect(merged.summary()).toEqual(whole.summary());
      }),
    );
  });

  it('refuses a state of another kind or with bad counts', () => {
    const state = new LabelLagAccumulator().save();
    expect(() => LabelLagAccumulator.load({ ...state, kind: 'kll' })).toThrow(InputError);
    expect(() => LabelLagAccumulator.load({ ...state, arrays: { counts: new Float64Array([1, -1]) } })).toThrow('bad count -1 at lag 1');
    expect(() => LabelLagAccumulator.load({ ...state, meta: { predictions: 1.5, early: 0, unplaced: 0, beyond: 0 } })).toThrow('bad predictions count');
  });
});
