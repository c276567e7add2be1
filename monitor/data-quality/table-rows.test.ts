import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openRows } from '../ingest/table-rows.ts';
import { LocalStorage } from '../storage/local.ts';
import { CaptureRowBuilder } from './capture-rows.ts';
import { DatasetProfile } from './dataset-profile.ts';
import { suggestDataQualityConstraints } from './suggest-constraints.ts';
import { TableRowProfiler } from './table-rows.ts';

async function profileFile(name: string, body: string, layout: Parameters<typeof openRows>[2], names?: string[]) {
  const dir = await mkdtemp(path.join(tmpdir(), 'mpm-dq-table-'));
  await writeFile(path.join(dir, name), body);
  const file = await openRows(new LocalStorage(dir), name, layout);
  const profile = new DatasetProfile();
  const profiler = new TableRowProfiler(profile, new CaptureRowBuilder({ columnNames: names }), names?.length);
  const problems: string[] = [];
  await file.forEach((row) => {
    const out = profiler.add(row, file.columns);
    if (out.status === 'problem') problems.push(out.problem);
  });
  return { summary: profile.summary(), problems };
}

describe('tabular datasets into a data-quality profile', () => {
  it('a CSV with a header, label first (output_columns_position START), as a suggest-baseline input', async () => {
    const { summary } = await profileFile('train.csv', 'churn,age,plan\n0,31,gold\n1,45,basic\n0,,basic\n', 'csv-header');
    expect(summary.features.map((f) => [f.name, f.inferredType, f.present])).toEqual([
      ['churn', 'Integral', 3],
      ['age', 'Integral', 2],
      ['plan', 'String', 3],
    ]);
    expect(suggestDataQualityConstraints(summary).features[1]).toEqual({ name: 'age', inferred_type: 'Integral', completeness: 2 / 3, num_constraints: { is_non_negative: true } });
  });

  it('a CSV without a header: _c0, _c1... or the setting\'s names; other widths are counted', async () => {
    const plain = await profileFile('train.csv', '0,1.5,a\n1,2.5,b\n', 'csv');
    expect(plain.summary.features.map((f) => f.name)).toEqual(['_c0', '_c1', '_c2']);
    const named = await profileFile('train.csv', '0,1.5,a\n1,2.5\n', 'csv', ['label', 'x', 'y']);
    expect(named.summary.features.map((f) => [f.name, f.present])).toEqual([['label', 2], ['x', 2], ['y', 1]]);
    expect(named.summary.problems).toEqual({ row_width_mismatch: 1 });
  });

  it('JSON Lines records are flattened; unreadable lines come back as problems', async () => {
    const { summary, problems } = await profileFile('data.jsonl', '{"a":1,"b":{"c":true}}\n{oops\n{"a":2.5,"b":{"c":false}}\n', 'json-lines');
    expect(summary.features.map((f) => [f.name, f.deequType])).toEqual([['a', 'Fractional'], ['b.c', 'Boolean']]);
    expect(problems).toEqual(['invalid_json']);
  });

  it('types Parquet int64 values (BigInt) by their digits', () => {
    const profile = new DatasetProfile();
    const profiler = new TableRowProfiler(profile, new CaptureRowBuilder());
    profiler.add({ line: 1, value: { id: 9007199254740993n, v: 1.5 } });
    profiler.add({ line: 2, value: { id: 2n, v: null } });
    expect(profile.summary().features.map((f) => [f.name, f.deequType, f.present])).toEqual([['id', 'Integral', 2], ['v', 'Fractional', 1]]);
  });
});
