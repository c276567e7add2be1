import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DataQualityPlan } from './data-quality-plan.ts';
import { DatasetProfile } from './dataset-profile.ts';

/** Row layouts (names arrays shared by their rows, as positional records share theirs); one repeats a column. */
const LAYOUTS: readonly string[][] = [['a', 'b', 'c'], ['b', 'a'], ['c', '__proto__', 'd.e'], ['a', 'a', 'f'], ['g']];

const value = fc.oneof(
  fc.integer({ min: 0, max: 1 }),
  fc.integer({ min: -5, max: 3000 }),
  fc.double({ min: -1e4, max: 1e4, noNaN: true }),
  fc.constantFrom('12', '3.5', 'x', 'y', 'true', '', null, undefined, true, -0, 1e300),
);
const row = fc.tuple(fc.nat({ max: LAYOUTS.length - 1 }), fc.array(value, { minLength: 1, maxLength: 3 }));
/** A file: ordinary rows, or a column with more distinct values than the exact tables hold. */
const file = fc.oneof(
  { weight: 4, arbitrary: fc.array(row, { maxLength: 60 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1001, max: 1300 }).map((n) => Array.from({ length: n }, (_, i): [number, unknown[]] => [4, [i % 2 === 0 ? i * 0.5 : `t${i}`]])) },
);

function addFile(part: DatasetProfile, rows: Array<[number, unknown[]]>): void {
  for (const [layout, values] of rows) part.addRow(LAYOUTS[layout]!, values);
  if (rows.length % 7 === 3) part.countProblem('row_width_mismatch');
}

/** Everything a profile holds, comparable with toEqual (the saved state, and the summary with its sketches saved). */
function contents(p: DatasetProfile): unknown {
  const summary = p.summary();
  return { state: p.save(), summary: { ...summary, features: summary.features.map((f) => ({ ...f, numeric: f.numeric && { ...f.numeric, sketch: f.numeric.sketch.save() } })) } };
}

describe('DataQualityPlan part reuse', () => {
  it('a run whose file parts are reused gives exactly the run of a new part per file', () => {
    fc.assert(
      fc.property(fc.array(file, { maxLength: 6 }), fc.constantFrom(undefined, 3), fc.constantFrom<string[]>([], ['b', 'z']), (files, maxFeatures, columns) => {
        const plan = new DataQualityPlan({ window: {}, rows: {}, columns, maxFeatures });
        const reused = plan.startPart();
        const fresh = new DatasetProfile({ columns, maxFeatures });
        for (const rows of files) {
          const part = plan.startPart();
          addFile(part, rows);
          reused.merge(part);
          plan.release(part);
          const straight = new DatasetProfile({ columns, maxFeatures });
          addFile(straight, rows);
          fresh.merge(straight);
        }
        expect(contents(reused)).toEqual(contents(fresh));
      }),
      { numRuns: 120 },
    );
  });

  it('reuses the released part for the next file, emptied, and never a part loaded from a worker', () => {
    const plan = new DataQualityPlan({ window: {}, rows: {}, columns: ['p'] });
    const first = plan.startPart();
    first.addRow(['a', 'b'], [1, 'x']);
    plan.release(first);
    const second = plan.startPart();
    expect(second).toBe(first);
    expect(contents(second)).toEqual(contents(new DatasetProfile({ columns: ['p'] })));
    expect(second.columns).toEqual(['p']);
    const loaded = plan.load(second.save());
    plan.release(loaded);
    expect(plan.startPart()).not.toBe(loaded);
  });

  it('reads capture lines into a reused part as into a new one', () => {
    const line = (records: unknown[]): string =>
      JSON.stringify({ captureData: { endpointInput: { mode: 'INPUT', observedContentType: 'application/json', encoding: 'JSON', data: JSON.stringify(records) } }, eventMetadata: {} });
    const plan = new DataQualityPlan({ window: {}, rows: { captureIndexNames: ['endpointInput'] }, columns: [] });
    const lines = [line([{ a: 1, b: 'x' }, { a: 2.5 }]), line([{ c: 3, a: null }])];
    const part = plan.startPart();
    plan.readLine(part, lines[0]!);
    plan.release(part);
    const again = plan.startPart();
    plan.readLine(again, lines[1]!);
    const fresh = new DatasetProfile();
    new DataQualityPlan({ window: {}, rows: { captureIndexNames: ['endpointInput'] }, columns: [] }).readLine(fresh, lines[1]!);
    expect(contents(again)).toEqual(contents(fresh));
  });
});
