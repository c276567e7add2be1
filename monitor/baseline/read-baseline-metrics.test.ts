import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.ts';
import { parseBaselineMetrics, readBaselineMetrics } from './read-baseline-metrics.ts';

const REGRESSION = JSON.stringify({ version: 0, regression_metrics: { mae: { value: 1.5, standard_deviation: 0.25 }, rmse: { value: 'NaN', standard_deviation: 'NaN' }, r2: { value: 0.9, standard_deviation: 'NaN' } } });

describe('parseBaselineMetrics', () => {
  it('keeps the finite values of the run\'s section and leaves out a "NaN" standard deviation', () => {
    expect(parseBaselineMetrics(REGRESSION, 'stats.json', 'Regression')).toEqual({
      source: 'stats.json',
      section: 'regression_metrics',
      metrics: { mae: { value: 1.5, standard_deviation: 0.25 }, r2: { value: 0.9 } },
    });
  });

  it('refuses a file that is not JSON, one of another problem type, and a data-quality statistics.json, naming the variable', () => {
    const err = (text: string): string => {
      try {
        parseBaselineMetrics(text, 's.json', 'BinaryClassification');
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as Error).message;
      }
      throw new Error('expected a ConfigError');
    };
    expect(err('{')).toMatch(/^config: baseline_statistics "s.json" is not valid JSON \(.+\); expected a model-quality statistics.json with a "binary_classification_metrics" section/);
    expect(err(REGRESSION)).toBe('config: baseline_statistics "s.json" has no "binary_classification_metrics" section; expected a model-quality statistics.json with a "binary_classification_metrics" section (what a BinaryClassification baseline job writes)');
    expect(err('{"version":0,"features":[]}')).toMatch(/has no "binary_classification_metrics" section \(it is a data-quality statistics.json\)/);
    expect(err('[]')).toMatch(/has no "binary_classification_metrics" section;/);
  });
});

describe('readBaselineMetrics', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'mpm-baseline-metrics-'));
  const dataQuality = path.join(dir, 'statistics.json');
  writeFileSync(dataQuality, '{"version":0,"features":[]}');
  const log = pino({ level: 'silent' });

  it('fails on a file that does not fit when it was named, and only warns when it sits at the default path', async () => {
    const config = (source: 'environment' | 'default') => ({ baselineStatistics: dataQuality, problemType: 'Regression' as const, s3EndpointUrl: undefined, sources: { baseline_statistics: source } });
    await expect(readBaselineMetrics(config('environment'), log)).rejects.toThrow(ConfigError);
    await expect(readBaselineMetrics(config('default'), log)).resolves.toBeUndefined();
  });
});
