import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { RunReport } from '../build-run-report.ts';
import type { ModelQualityStatistics } from '../../metrics/types.ts';
import { LocalStorage } from '../../storage/local.ts';
import type { Storage } from '../../storage/storage.ts';
import { escapeHtml, shorten } from './escape.ts';
import { formatMetric, formatShare } from './format.ts';
import { renderReportPage } from './render-report-page.ts';
import { RegressionShape } from '../../metrics/regression-shape.ts';
import { writeReportPage, REPORT_PAGE_FILE } from './write-report-page.ts';

const HOSTILE = '<img src=x onerror=alert(1)>';

function report(over: Partial<RunReport> = {}): RunReport {
  return {
    report_version: 1,
    tool: { name: 'mpm', version: '0.1.0' },
    status: 'Completed',
    message: 'Completed: Job completed successfully with no violations.',
    exit_code: 0,
    problem_type: 'MulticlassClassification',
    endpoint: 'ep',
    monitoring_schedule: 'sched',
    window: { start_time: '2024-01-02T03:00:00Z', end_time: '2024-01-02T04:00:00Z' },
    dataset_format: 'sagemakerCaptureJson',
    input_errors: { total: 0, by_reason: {}, limit: 0.05 },
    metrics: { section: 'multiclass_classification_metrics', item_count: 0, scalars: {} },
    timings_ms: {},
    config_sources: {},
    ...over,
  };
}

/** A multiclass result over `n` classes with skewed frequencies: class i has about (n - i) records. */
function multiclass(labels: string[]): { statistics: ModelQualityStatistics; total: number } {
  const matrix: Record<string, Record<string, number>> = {};
  const perClass: Record<string, unknown> = {};
  let total = 0;
  labels.forEach((a, i) => {
    matrix[a] = {};
    labels.forEach((p, j) => {
      const count = i === j ? 3 * (labels.length - i) : (i + j) % 3;
      matrix[a]![p] = count;
      total += count;
    });
    perClass[a] = { precision: 0.5, recall: 0.25, f1: 1 / 3, support: labels.length - i };
  });
  const statistics: ModelQualityStatistics = {
    version: 0,
    dataset: { item_count: total, evaluation_time: '2024-01-02T04:00:00.000Z' },
    multiclass_classification_metrics: { confusion_matrix: matrix, accuracy: { value: 0.75, standard_deviation: 0.0123456 } },
    mpm_extra_metrics: { per_class: perClass, macro_precision: 0.5, macro_recall: 0.25, macro_f1: 1 / 3 },
  };
  return { statistics, total };
}

describe('escapeHtml', () => {
  it('escapes markup characters and replaces lone surrogates and control characters', () => {
    expect(escapeHtml(`${HOSTILE}"'&`)).toBe('&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;');
    expect(escapeHtml('a\ud800b\u0001c😀')).toBe('a\ufffdb\ufffdc😀');
  });
  it('shortens by code points, never splitting a surrogate pair', () => {
    expect(shorten('😀😀😀😀', 3)).toBe('😀😀…');
    expect(shorten('abc', 3)).toBe('abc');
  });
});

describe('renderReportPage', () => {
  it('renders hostile labels, ids and messages as text, never as markup', () => {
    const { statistics } = multiclass([HOSTILE, '</svg><script>alert(2)</script>', 'plain']);
    const html = renderReportPage({
      report: report({
        endpoint: HOSTILE,
        message: `Failed: ${HOSTILE}`,
        input_errors: { total: 1, limit: 0.05, by_reason: { invalid_json: { count: 1, description: 'd', samples: [{ file: `s3://b/${HOSTILE}`, line: 3, detail: HOSTILE }] } } },
      }),
      statistics,
    });
    expect(html).not.toMatch(/<(img|script)\b/i);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&lt;/svg&gt;&lt;script&gt;');
  });

  it('allows exactly its one stylesheet by hash and loads nothing', () => {
    const html = renderReportPage({ report: report() });
    const css = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    const hash = createHash('sha256').update(css, 'utf8').digest('base64');
    expect(html).toContain(`style-src &#39;sha256-${hash}&#39;`);
    expect(html).toContain('default-src &#39;none&#39;');
    expect(html).not.toMatch(/\sstyle=|<script|\s(src|href)=|https?:\/\//i);
  });

  it('caps the heat map at 30 classes with a note and stays bounded for 400 classes', () => {
    const labels = Array.from({ length: 400 }, (_, i) => `class-${i}-${'x'.repeat(60)}`);
    const { statistics, total } = multiclass(labels);
    const html = renderReportPage({ report: report(), statistics });
    expect(html).toContain('Showing the 30 most frequent of 400 classes; the other 370 are summed in “other”.');
    expect(html).toContain('370 more classes are not shown');
    expect((html.match(/<text class="count/g) ?? []).length).toBe(31 * 31);
    // Worst case: a dense 31×31 map with long labels (measured ~218 KB with the per-class table).
    expect(Buffer.byteLength(html)).toBeLessThan(240_000);
    // The "other" row and column keep every record: the cells still add up to the total.
    const counts = [...html.matchAll(/<text class="count[^"]*"[^>]*>([\d,]+)<\/text>/g)].map((m) => Number(m[1]!.replace(/,/g, '')));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(total);
  });

  it('shows metrics that could not be computed with the reason, and unevaluated constraints', () => {
    const html = renderReportPage({
      report: report({
        status: 'CompletedWithViolations',
        metrics: { section: 'multiclass_classification_metrics', item_count: 0, scalars: {}, not_computed: { accuracy: 'no records' } },
        constraints: { source: 'c.json', schema: 'sagemaker', results: [{ metric: 'accuracy', operator: 'LessThanThreshold', threshold: 0.8, status: 'not_evaluated', why: 'too few joined records' }] },
        violations: [{ metric_name: 'joined_records', constraint_check_type: 'InsufficientDataCheck', description: 'Only 0 predictions joined a ground-truth label.', value: 0, threshold: 1 }],
      }),
      statistics: { version: 0, dataset: { item_count: 0, evaluation_time: 'x' }, multiclass_classification_metrics: {}, mpm_extra_metrics: {} },
    });
    expect(html).toContain('not computed: no records');
    expect(html).toContain('not evaluated</span> <span class="why">too few joined records');
    expect(html).toContain('Only 0 predictions joined a ground-truth label.');
    expect(html).toContain('No confusion matrix: no records were judged.');
  });

  it('shows baseline_statistics beside each value with the change, and no baseline column without it', () => {
    const { statistics } = multiclass(['a', 'b']);
    const baseline = { source: `s3://bucket/${HOSTILE}/statistics.json`, section: 'multiclass_classification_metrics', metrics: { accuracy: { value: 0.8 } } };
    const html = renderReportPage({ report: report({ baseline_statistics: baseline }), statistics });
    const row = /<tr data-metric="accuracy">.*?<\/tr>/.exec(html)?.[0] ?? '';
    expect(row).toContain(`<td class="num" data-field="baseline">${formatMetric(0.8)} (\u2212${formatMetric(0.05)})</td>`);
    expect(html).toContain('<th class="num">Baseline (change)</th>');
    expect(html).not.toContain(HOSTILE);
    expect(renderReportPage({ report: report(), statistics })).not.toContain('data-field="baseline"');
  });

  it('says why a failed run has no metrics', () => {
    const html = renderReportPage({ report: report({ status: 'Failed', message: 'Failed: input: too many errors', metrics: undefined }) });
    expect(html).toContain('<h1 class="status">Failed</h1>');
    expect(html).toContain('Failed: input: too many errors');
    expect(html).toContain('No metrics: the run failed before the metrics were computed.');
  });

  it('shows the margin to each threshold in value and standard deviations', () => {
    const { statistics } = multiclass(['a', 'b']);
    const html = renderReportPage({
      report: report({ constraints: { source: 'c', schema: 'seed', results: [{ metric: 'accuracy', operator: 'LessThanThreshold', threshold: 0.7, status: 'pass', value: 0.75, standard_deviation: 0.0123456 }] } }),
      statistics,
    });
    expect(html).toContain(`alert if &lt; ${formatMetric(0.7)}`);
    expect(html).toContain('+0.0500 (4.1σ)');
  });

  it('draws regression histograms from the shape, and says so when it is missing', () => {
    const shape = new RegressionShape();
    for (let i = 0; i < 100; i++) shape.observe(i, i + (i % 7) - 3);
    const base = { report: report({ problem_type: 'Regression', metrics: { section: 'regression_metrics', item_count: 100, scalars: {} } }) };
    const statistics: ModelQualityStatistics = { version: 0, dataset: { item_count: 100, evaluation_time: 'x' }, regression_metrics: { mae: { value: 1.7, standard_deviation: 'NaN' } } };
    const html = renderReportPage({ ...base, statistics, regression: shape.summary() });
    const bars = [...html.matchAll(/: ([\d,]+) records<\/title><\/rect>/g)].map((m) => Number(m[1]!.replace(/,/g, '')));
    expect(bars.length).toBeGreaterThan(0);
    expect(html).toContain('Histogram of residuals');
    expect(renderReportPage({ ...base, statistics })).toContain('this page was made without them');
  });

  it('formats shares without claiming 0% or 100% for tiny differences', () => {
    expect(formatShare(0.0001)).toBe('<0.1%');
    expect(formatShare(0.99999)).toBe('>99.9%');
    expect(formatShare(0.988)).toBe('98.8%');
  });
});

describe('writeReportPage', () => {
  const storage = (writeFile: Storage['writeFile']): Storage =>
    ({ location: '/out', describe: (p: string) => `/out/${p}`, writeFile }) as unknown as Storage;

  it('writes report.html and returns where and how big', async () => {
    const writes: string[] = [];
    const outcome = await writeReportPage(storage(async (p) => void writes.push(p)), { report: report() });
    expect(writes).toEqual([REPORT_PAGE_FILE]);
    expect(outcome).toMatchObject({ status: 'written', location: '/out/report.html' });
    expect(outcome.bytes).toBeGreaterThan(1000);
  });

  it('never throws: a failing write or render is returned and logged', async () => {
    const warn = vi.fn();
    const failed = await writeReportPage(storage(async () => Promise.reject(new Error('disk full'))), { report: report() }, { warn });
    expect(failed).toEqual({ status: 'failed', error: 'disk full' });
    expect(warn).toHaveBeenCalledOnce();
    const broken = await writeReportPage(storage(async () => {}), { report: null as unknown as RunReport }, { warn: () => { throw new Error('logger down'); } });
    expect(broken.status).toBe('failed');
  });

  it('removes the page an earlier write of the run left when it cannot write the new one', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'mpm-page-'));
    try {
      const local = new LocalStorage(folder);
      expect((await writeReportPage(local, { report: report() })).status).toBe('written');
      expect(existsSync(join(folder, REPORT_PAGE_FILE))).toBe(true);
      // The failed run's page cannot be made: the completed run's page must not stay beside its failed report.
      expect((await writeReportPage(local, { report: null as unknown as RunReport })).status).toBe('failed');
      expect(existsSync(join(folder, REPORT_PAGE_FILE))).toBe(false);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
