import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.ts';
import { buildDataQualityStatistics } from './build-statistics.ts';
import { checkDataQuality } from './check-features.ts';
import { DatasetProfile } from './dataset-profile.ts';
import { javaDouble } from './java-number.ts';
import { ANALYZER_FALLBACKS, parseDataQualityConstraints } from './load-constraints.ts';
import { parseDataQualityStatistics } from './load-statistics.ts';
import { suggestDataQualityConstraints } from './suggest-constraints.ts';

const sdk = (file: string): string => readFileSync(new URL(`../../test/fixtures/data-quality/sagemaker-sdk/${file}`, import.meta.url), 'utf8');

function rowsProfile(names: string[], rows: unknown[][]): DatasetProfile {
  const p = new DatasetProfile();
  for (const r of rows) p.addRow(names, r);
  return p;
}

/** A baseline of 1,000 rows: age 20..69 (Integral), income (Fractional), city in three values, ok always true. */
function baselineProfile(): DatasetProfile {
  const rows: unknown[][] = [];
  for (let i = 0; i < 1000; i++) rows.push([20 + (i % 50), 1000 + ((i * 37) % 500) + 0.5, ['Oslo', 'Lima', 'Pune'][i % 3], true]);
  return rowsProfile(['age', 'income', 'city', 'ok'], rows);
}

/** Writes and reads back the suggested files, as a suggest-baseline run then a monitoring run would. */
function baselineFiles(profile: DatasetProfile, constraintsText?: (c: ReturnType<typeof suggestDataQualityConstraints>) => unknown) {
  const summary = profile.summary();
  const statistics = parseDataQualityStatistics(JSON.stringify(buildDataQualityStatistics(summary)), 'statistics.json');
  const suggested = suggestDataQualityConstraints(summary);
  const constraints = parseDataQualityConstraints(JSON.stringify(constraintsText ? constraintsText(suggested) : suggested), 'constraints.json');
  return { statistics, constraints, suggested };
}

describe('java-style numbers in descriptions', () => {
  it.each([
    [0, '0.0'],
    [1, '1.0'],
    [100, '100.0'],
    [99.64592817400101, '99.64592817400101'],
    [0.009009009009009009, '0.009009009009009009'],
    [0.0001, '1.0E-4'],
    [12345678, '1.2345678E7'],
    [9999999, '9999999.0'],
    [NaN, 'NaN'],
  ])('%d is %s', (x, text) => expect(javaDouble(x)).toBe(text));
});

describe('statistics.json', () => {
  it("is written in SageMaker's data-quality schema", () => {
    const p = rowsProfile(['n', 's', 'b', 'u'], [
      [1, 'x', true, null],
      [2, 'y', false, null],
      [null, 'x', true, null],
    ]);
    const stats = buildDataQualityStatistics(p.summary());
    expect(stats.version).toBe(0);
    expect(stats.dataset).toEqual({ item_count: 3 });
    const [n, s, b, u] = stats.features;
    expect(Object.keys(n!)).toEqual(['name', 'inferred_type', 'numerical_statistics']);
    expect(n!.numerical_statistics).toMatchObject({ common: { num_present: 2, num_missing: 1 }, mean: 1.5, sum: 3, std_dev: 0.5, min: 1, max: 2 });
    const kll = n!.numerical_statistics!.distribution.kll;
    expect(kll.buckets).toHaveLength(10);
    expect(kll.buckets.reduce((t, x) => t + x.count, 0)).toBe(2);
    expect(kll.sketch).toEqual({ parameters: { c: 0.64, k: 2048 }, data: [[1, 2]] });
    expect(s).toEqual({
      name: 's',
      inferred_type: 'String',
      string_statistics: { common: { num_present: 3, num_missing: 0 }, distinct_count: 2, distribution: { categorical: { buckets: [{ value: 'x', count: 2 }, { value: 'y', count: 1 }] } } },
    });
    // Booleans are written as String with the categories "true" and "false".
    expect(b).toMatchObject({ inferred_type: 'String', string_statistics: { distribution: { categorical: { buckets: [{ value: 'true', count: 2 }, { value: 'false', count: 1 }] } } } });
    expect(u).toEqual({ name: 'u', inferred_type: 'Unknown', string_statistics: { common: { num_present: 0, num_missing: 3 }, distinct_count: 0 } });
  });

  it("loads the statistics.json SageMaker's analyzer wrote (the SDK's sample)", () => {
    const stats = parseDataQualityStatistics(sdk('statistics.json'), 'statistics.json');
    expect(stats.itemCount).toBe(418);
    expect(stats.warnings).toEqual([]);
    expect(stats.features).toEqual([
      { name: 'message', inferredType: 'String', present: 418, missing: 0, categorical: { distinctCount: 1, buckets: [{ value: 'preproc-not-YET-supported-for-csv-json', count: 418 }] } },
    ]);
  });

  it('warns about a feature whose inferred_type statistics.json does not use (its drift went unchecked silently)', () => {
    const stats = parseDataQualityStatistics('{"version":0.0,"dataset":{"item_count":2},"features":[{"name":"flag","inferred_type":"Boolean"},{"name":"n","inferred_type":"Integral"}]}', 's');
    expect(stats.warnings).toEqual(['feature "flag": inferred_type "Boolean" is none of Integral, Fractional, String, Unknown; its type and drift checks cannot be evaluated']);
    expect(stats.features[0]!.inferredType).toBe('Boolean');
  });

  it('loads its own output, sketch included, and reads Jackson numbers (2048.0, "NaN")', () => {
    const { statistics } = baselineFiles(baselineProfile());
    const age = statistics.features.find((f) => f.name === 'age')!;
    expect(age.numeric!.sketch!.count()).toBe(1000);
    const jackson = parseDataQualityStatistics(
      '{"version":0.0,"dataset":{"item_count":2},"features":[{"name":"x","inferred_type":"Fractional","numerical_statistics":{"common":{"num_present":2,"num_missing":0},"mean":"NaN","sum":1.0,"std_dev":0.0,"min":0.5,"max":0.5,"distribution":{"kll":{"buckets":[],"sketch":{"parameters":{"c":0.64,"k":2048.0},"data":[[0.5,0.5]]}}}}}]}',
      's',
    );
    expect(jackson.features[0]!.numeric!.mean).toBeNaN();
    expect(jackson.features[0]!.numeric!.sketch!.rank(0.5)).toBe(2);
  });

  it('leaves out a malformed sketch with a warning, and refuses files that are not data-quality statistics', () => {
    const bad = parseDataQualityStatistics('{"features":[{"name":"x","inferred_type":"Integral","numerical_statistics":{"distribution":{"kll":{"sketch":{"parameters":{"c":0.64,"k":2048},"data":[["a"]]}}}}}]}', 's');
    expect(bad.features[0]!.numeric!.sketch).toBeUndefined();
    expect(bad.warnings).toEqual(['feature "x": the KLL sketch is left out (data is not a list of levels of finite numbers); its drift cannot be measured']);
    expect(() => parseDataQualityStatistics(sdk('../../../fixtures/data-quality/sagemaker-sdk/constraints.json').replace('"features"', '"feats"'), 'c.json')).toThrow(ConfigError);
    expect(() => parseDataQualityStatistics('{"version":0,"binary_classification_metrics":{}}', '/b/statistics.json')).toThrow(
      'config: baseline_statistics "/b/statistics.json" has no "features" list (it has "binary_classification_metrics": a model-quality statistics file); expected a data-quality statistics.json {"dataset": {...}, "features": [...]}',
    );
    expect(() => parseDataQualityStatistics('{"features":[{"inferred_type":"String"}]}', 's')).toThrow('features[0] has no "name" string');
  });
});

describe('constraints.json', () => {
  it('suggests types, completeness, is_non_negative, domains and the full monitoring_config', () => {
    const rows: unknown[][] = [];
    for (let i = 0; i < 200; i++) rows.push([i - 10, i, i % 4 === 0 ? null : ['a', 'b'][i % 2], `id-${i}`]);
    const c = suggestDataQualityConstraints(rowsProfile(['signed', 'count', 'cat', 'id'], rows).summary());
    expect(c.features).toEqual([
      { name: 'signed', inferred_type: 'Integral', completeness: 1, num_constraints: { is_non_negative: false } },
      { name: 'count', inferred_type: 'Integral', completeness: 1, num_constraints: { is_non_negative: true } },
      { name: 'cat', inferred_type: 'String', completeness: 0.75, string_constraints: { domains: ['b', 'a'] } },
      // 200 distinct ids, each seen once: no domain.
      { name: 'id', inferred_type: 'String', completeness: 1 },
    ]);
    expect(c.monitoring_config).toEqual({
      evaluate_constraints: 'Enabled',
      emit_metrics: 'Enabled',
      datatype_check_threshold: 1,
      domain_content_threshold: 1,
      distribution_constraints: { perform_comparison: 'Enabled', comparison_threshold: 0.1, comparison_method: 'Robust', categorical_comparison_threshold: 0.1, categorical_drift_method: 'LInfinity' },
    });
  });

  it("reads the SDK's sample: overrides under string_constraints, the older distribution keys", () => {
    const c = parseDataQualityConstraints(sdk('constraints.json'), 'constraints.json');
    expect(c.config).toMatchObject({ performComparison: true, comparisonThreshold: 1, domainContentThreshold: 1, comparisonMethod: 'Robust', categoricalDriftMethod: 'LInfinity' });
    expect(c.features.map((f) => [f.name, f.inferredType, f.completeness, f.domains])).toEqual([
      ['message', 'String', 1, ['preproc-not-YET-supported-for-csv-json']],
      ['second_message', 'String', 1, ['preproc-not-YET-supported-for-csv-json']],
    ]);
  });

  it('applies per-feature overrides under both spellings, and the environment override of categorical_drift_method', () => {
    const doc = {
      features: [
        { name: 'a', monitoringConfigOverrides: { evaluate_constraints: 'Disabled' } },
        { name: 'b', string_constraints: { monitoring_config_overrides: { emit_metrics: 'Disabled', distribution_constraints: { comparison_threshold: 0.3 } } } },
      ],
      monitoring_config: { distribution_constraints: { categorical_drift_method: 'LInfinity', comparison_method: 'linf_simple' } },
    };
    const c = parseDataQualityConstraints(JSON.stringify(doc), 'c.json', { categoricalDriftMethod: 'ChiSquared' });
    expect(c.config).toMatchObject({ categoricalDriftMethod: 'ChiSquared', comparisonMethod: 'Simple' });
    expect(c.features[0]!.config).toMatchObject({ evaluateConstraints: false, emitMetrics: true });
    expect(c.features[1]!.config).toMatchObject({ evaluateConstraints: true, emitMetrics: false, comparisonThreshold: 0.3, categoricalDriftMethod: 'ChiSquared' });
  });

  it('names every bad value, its path and what is expected', () => {
    const doc = { features: [{ name: 'a', completeness: 2 }, { inferred_type: 'String' }], monitoring_config: { emit_metrics: 'yes', distribution_constraints: { comparison_method: 'Fancy' } } };
    expect(() => parseDataQualityConstraints(JSON.stringify(doc), '/c/constraints.json')).toThrow(
      'config: baseline_constraints "/c/constraints.json" is not a usable data-quality constraints.json: monitoring_config.emit_metrics is "yes"; expected "Enabled" or "Disabled"; ' +
        'monitoring_config.distribution_constraints.comparison_method is "Fancy"; expected "Simple" or "Robust"; features[0].completeness is 2; expected a share from 0 to 1; features[1] has no "name" string',
    );
    expect(() => parseDataQualityConstraints('{"version":0,"regression_constraints":{}}', 'c.json')).toThrow('(it has "regression_constraints": a model-quality constraints file)');
  });
});

describe('checks', () => {
  it('a window like the baseline passes every check', () => {
    const { statistics, constraints } = baselineFiles(baselineProfile());
    const result = checkDataQuality(baselineProfile().summary(), { statistics, constraints });
    expect(result.violations).toEqual([]);
    const age = result.features.find((f) => f.name === 'age')!;
    expect(age).toMatchObject({ typeMatch: 1, completeness: 1, expectedCompleteness: 1, drift: { status: 'pass', kind: 'numerical', method: 'Robust', value: 0, threshold: 0.1 } });
  });

  it('flags each check type with its SageMaker description', () => {
    const { statistics, constraints } = baselineFiles(baselineProfile());
    const rows: unknown[][] = [];
    for (let i = 0; i < 1000; i++) {
      // age shifted by 25 years; income sometimes text; city gains a new value and is missing a third of the time;
      // "ok" is gone; "extra" is new.
      rows.push([45 + (i % 50), i % 10 === 0 ? 'n/a' : 1000 + ((i * 37) % 500) + 0.5, i % 3 === 0 ? null : i % 3 === 1 ? 'Oslo' : 'Rome', i]);
    }
    const current = rowsProfile(['age', 'income', 'city', 'extra'], rows).summary();
    const result = checkDataQuality(current, { statistics, constraints });
    expect(result.violations).toEqual([
      { feature_name: 'age', constraint_check_type: 'baseline_drift_check', description: `Numerical distance: ${javaDouble((result.features[0]!.drift as { value: number }).value)} exceeds numerical threshold: 0.1` },
      { feature_name: 'income', constraint_check_type: 'data_type_check', description: 'Data type match requirement is not met. Expected data type: Fractional, Expected match: 100.0%. Observed: Only 90.0% of data is Fractional.' },
      { feature_name: 'city', constraint_check_type: 'completeness_check', description: 'Value: 0.666 does not meet the constraint requirement! ' },
      { feature_name: 'city', constraint_check_type: 'baseline_drift_check', description: expect.stringMatching(/^Categorical distance: 0\.\d+ exceeds categorical threshold: 0\.1$/) as unknown as string },
      { feature_name: 'city', constraint_check_type: 'categorical_values_check', description: 'Value: 0.5 does not meet the constraint requirement! ' },
      { feature_name: 'ok', constraint_check_type: 'missing_column_check', description: 'Column "ok" of the baseline is missing from the current dataset: the current dataset has 4 columns, the baseline 4.' },
      { feature_name: 'extra', constraint_check_type: 'extra_column_check', description: 'Column "extra" is not in the baseline: the current dataset has 4 columns, the baseline 4.' },
    ]);
    const age = result.features[0]!;
    expect(age.drift).toMatchObject({ status: 'violated', kind: 'numerical' });
    // The robust distance is the simple one less 1.8·sqrt(2/1000).
    const d = (age.drift as { distance: { simple: number; robust: number } }).distance;
    expect(d.robust).toBeCloseTo(d.simple - 1.8 * Math.sqrt(2000 / 1e6), 12);
    expect(d.simple).toBeCloseTo(0.5, 12);
  });

  it('whole CSV cells in a Fractional column are Integral to data_type_check; whole JSON numbers are not', () => {
    // A fare in steps of 0.5 written as CSV text: "7" and "7.5". Deequ's pattern types "7" Integral, and the
    // built-in analyzer flags such columns (the SDK's sample violations: fare_amount 0.4994994994994995).
    const fares = (n: number, asText: boolean): unknown[][] => Array.from({ length: n }, (_, i) => [asText ? String(5 + i * 0.5) : 5 + i * 0.5]);
    const csv = rowsProfile(['fare'], fares(999, true));
    const { statistics, constraints } = baselineFiles(csv);
    expect(constraints.features[0]!.inferredType).toBe('Fractional');
    const fromText = checkDataQuality(csv.summary(), { statistics, constraints });
    expect(fromText.features[0]!.typeMatch).toBe(499 / 999);
    expect(fromText.violations).toEqual([
      { feature_name: 'fare', constraint_check_type: 'data_type_check', description: 'Data type match requirement is not met. Expected data type: Fractional, Expected match: 100.0%. Observed: Only 49.94994994994995% of data is Fractional.' },
    ]);
    // The same values as JSON numbers: 7 may have been written 7.0, and Spark reads a column with fractions as doubles.
    const json = checkDataQuality(rowsProfile(['fare'], fares(999, false)).summary(), { statistics, constraints });
    expect(json.features[0]!.typeMatch).toBe(1);
    expect(json.violations).toEqual([]);
    // Whole text still satisfies an Integral baseline, and a merged profile keeps the count of whole text.
    const merged = rowsProfile(['fare'], fares(10, true));
    merged.merge(rowsProfile(['fare'], fares(10, false)));
    expect(merged.summary().features[0]!.counts).toEqual({ integral: 10, integralText: 5, fractional: 10, boolean: 0, string: 0 });
  });

  it('compares numeric text with a String baseline by its spelling (zip codes with leading zeros)', () => {
    const zips = ['02134', '02139', '10001', 'N/A'];
    const base = rowsProfile(['zip'], Array.from({ length: 400 }, (_, i) => [zips[i % 4]]));
    const { statistics, constraints } = baselineFiles(base);
    expect(constraints.features[0]!.domains).toEqual(['02134', '02139', '10001', 'N/A']);
    // An hour of numeric-looking zips only: Integral by type, yet every value is in the baseline's domain.
    const current = rowsProfile(['zip'], Array.from({ length: 300 }, (_, i) => [zips[i % 3]])).summary();
    const result = checkDataQuality(current, { statistics, constraints });
    expect(result.violations.filter((v) => v.constraint_check_type === 'categorical_values_check')).toEqual([]);
    // The categories drift by N/A's quarter only (not by every value, as "2134" against "02134" would).
    expect(result.features[0]!.drift).toMatchObject({ kind: 'categorical', distance: { simple: 0.25 } });
  });

  it('ChiSquared flags drift when the p-value is below the threshold, and says so', () => {
    const { statistics, constraints } = baselineFiles(baselineProfile(), (c) => ({ ...c, monitoring_config: { ...c.monitoring_config, distribution_constraints: { ...c.monitoring_config.distribution_constraints, categorical_drift_method: 'ChiSquared' } } }));
    const rows: unknown[][] = [];
    for (let i = 0; i < 900; i++) rows.push([20 + (i % 50), 1000.5, ['Oslo', 'Oslo', 'Lima', 'Pune'][i % 4], true]);
    const result = checkDataQuality(rowsProfile(['age', 'income', 'city', 'ok'], rows).summary(), { statistics, constraints });
    const city = result.violations.find((v) => v.feature_name === 'city' && v.constraint_check_type === 'baseline_drift_check')!;
    expect(city.description).toMatch(/^Categorical drift p-value: [0-9.E-]+ is below categorical threshold: 0\.1 \(ChiSquared test: the current distribution differs from the baseline's\)$/);
    expect(result.features.find((f) => f.name === 'city')!.drift).toMatchObject({ status: 'violated', method: 'ChiSquared' });
    // The baseline's proportions (to a row): a p-value near 1, no drift.
    const same: unknown[][] = [];
    for (let i = 0; i < 900; i++) same.push([20 + (i % 50), 1000.5, ['Oslo', 'Lima', 'Pune'][i % 3], true]);
    const ok = checkDataQuality(rowsProfile(['age', 'income', 'city', 'ok'], same).summary(), { statistics, constraints });
    expect(ok.features.find((f) => f.name === 'city')!.drift).toMatchObject({ status: 'pass', value: expect.closeTo(1, 2) });
  });

  it('honours evaluate_constraints, feature overrides, Simple and exclude_features_attribute', () => {
    const { statistics, constraints } = baselineFiles(baselineProfile(), (c) => ({
      ...c,
      features: c.features.map((f) => (f.name === 'city' ? { ...f, monitoringConfigOverrides: { evaluate_constraints: 'Disabled' } } : f)),
    }));
    const rows: unknown[][] = [];
    for (let i = 0; i < 500; i++) rows.push([20 + (i % 50), 'text', 'Rome', true]);
    const current = rowsProfile(['age', 'income', 'city', 'ok'], rows).summary();
    const result = checkDataQuality(current, { statistics, constraints, excludeFeatures: ['income'] });
    expect(result.violations).toEqual([]);
    expect(result.features.map((f) => [f.name, f.evaluated])).toEqual([
      ['age', true],
      ['city', false],
      ['ok', true],
    ]);
    const off = parseDataQualityConstraints(JSON.stringify({ features: [{ name: 'age' }], monitoring_config: { evaluate_constraints: 'Disabled' } }), 'c');
    expect(checkDataQuality(current, { constraints: off }).violations).toEqual([]);
  });

  it("checks a window against the SDK's sample baseline written by SageMaker's analyzer", () => {
    const statistics = parseDataQualityStatistics(sdk('statistics.json'), 'statistics.json');
    const constraints = parseDataQualityConstraints(sdk('constraints.json'), 'constraints.json');
    const rows: unknown[][] = [];
    for (let i = 0; i < 100; i++) rows.push([i % 4 === 0 ? 'something else' : 'preproc-not-YET-supported-for-csv-json']);
    const result = checkDataQuality(rowsProfile(['message'], rows).summary(), { statistics, constraints });
    expect(result.violations).toEqual([
      // A quarter of the values are outside the domain (domain_content_threshold: min_domain_mass 1.0).
      { feature_name: 'message', constraint_check_type: 'categorical_values_check', description: 'Value: 0.75 does not meet the constraint requirement! ' },
      { feature_name: 'second_message', constraint_check_type: 'missing_column_check', description: 'Column "second_message" of the baseline is missing from the current dataset: the current dataset has 1 columns, the baseline 2.' },
    ]);
    // comparison_threshold 1.0: an L-infinity distance of 0.25 is not drift.
    expect(result.features[0]!.drift).toMatchObject({ status: 'pass', kind: 'categorical', value: expect.closeTo(Math.max(0, 0.25 - 1.8 * Math.sqrt(518 / 41800)), 12) });
  });

  it('without a baseline there is nothing to check', () => {
    const result = checkDataQuality(baselineProfile().summary(), { config: ANALYZER_FALLBACKS });
    expect(result.violations).toEqual([]);
    expect(result.features.every((f) => !f.inBaseline && f.inCurrent)).toBe(true);
  });
});
