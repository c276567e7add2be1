/**
 * Issue 19: the history page without a browser: strings from reports are escaped everywhere, the CSP allows exactly
 * the one stylesheet, every list and chart is capped whatever the history's length, and a re-evaluated window is
 * drawn from its latest evaluation.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { COLLECT_CAPS, HistoryCollector } from './history-collector.ts';
import { HistoryIssues } from './history-issues.ts';
import { renderHistoryPage, type HistoryPageInput } from './render-history-page.ts';
import type { RunRecord } from './run-record.ts';
import { TABLE_CAPS } from './series-tables.ts';
import { MAX_CELLS } from './status-timeline.ts';
import { MAX_DRAWN_POINTS } from './time-chart.ts';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 0, 1);
const HOSTILE = '<img src=x onerror=alert(1)>';
const HOSTILE_2 = '"></text></svg><script>alert(2)</script>&amp;';

function run(i: number, edit: Partial<RunRecord> = {}): RunRecord {
  return {
    path: `ep/sched/${i}`,
    endpoint: 'ep',
    schedule: 'sched',
    analysis: 'model_quality',
    problemType: 'BinaryClassification',
    window: { start: T0 + i * HOUR, end: T0 + (i + 1) * HOUR },
    windowSource: 'monitoring_report',
    evaluationTime: T0 + (i + 1) * HOUR + 300_000,
    status: 'Completed',
    message: null,
    itemCount: 500,
    predictions: 520,
    joined: 500,
    coverage: 500 / 520,
    metrics: [{ metric: 'accuracy', value: 0.8 + (i % 7) / 100, standardDeviation: 0.01, threshold: 0.75, operator: 'LessThanThreshold', status: 'pass' }],
    estimates: [],
    estimateWindow: null,
    features: [],
    featuresDropped: 0,
    violations: [],
    violationsDropped: 0,
    files: ['statistics.json'],
    ...edit,
  };
}

function page(runs: RunRecord[], issues = new HistoryIssues()): string {
  const collector = new HistoryCollector();
  for (const r of runs) collector.add(r);
  const input: HistoryPageInput = {
    source: 's3://bucket/monitoring',
    series: collector.finish(),
    folders: runs.length,
    runs: runs.length,
    filtered: 0,
    filters: {},
    issues,
    seriesDropped: collector.seriesDropped,
    runsDroppedWithSeries: collector.runsDroppedWithSeries,
    table: { name: 'history.parquet', rows: 1 },
  };
  return renderHistoryPage(input);
}

const count = (html: string, pattern: RegExp): number => (html.match(pattern) ?? []).length;

describe('renderHistoryPage', () => {
  it('escapes every string that comes from reports: names, paths, descriptions, messages, features, problems', () => {
    const issues = new HistoryIssues();
    issues.add('invalid_json', `${HOSTILE}/statistics.json`, HOSTILE_2);
    const html = page(
      [
        run(0, {
          endpoint: HOSTILE,
          schedule: HOSTILE_2,
          path: `${HOSTILE}/${HOSTILE_2}/2026/01/01/01`,
          status: 'CompletedWithViolations',
          message: HOSTILE,
          metrics: [{ metric: HOSTILE_2, value: 0.5, standardDeviation: null, threshold: 0.9, operator: HOSTILE, status: 'violated' }],
          estimates: [{ metric: HOSTILE, value: 0.4, standardError: 0.1, lower: 0.1, upper: 0.7, threshold: null, operator: null, status: null }],
          violations: [{ subject: HOSTILE_2, feature: false, checkType: HOSTILE, description: HOSTILE_2, value: null, threshold: null }],
        }),
        run(1, {
          endpoint: HOSTILE,
          schedule: 'dq',
          analysis: 'data_quality',
          metrics: [],
          features: [{ feature: HOSTILE, inferredType: HOSTILE_2, numPresent: 1, numMissing: 0, completeness: 1, mean: 1, standardDeviation: 0, min: 1, max: 1, distinctCount: null }],
          violations: [{ subject: HOSTILE, feature: true, checkType: 'baseline_drift_check', description: HOSTILE_2, value: 0.5, threshold: 0.1 }],
        }),
      ],
      issues,
    );
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<script');
    expect(html).not.toContain('</text></svg><script>');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&quot;&gt;&lt;/text&gt;&lt;/svg&gt;&lt;script&gt;alert(2)&lt;/script&gt;&amp;amp;');
    // No style attribute and no event handler attribute anywhere (the CSP would block them anyway).
    const tags = [...html.matchAll(/<[a-z][^>]*>/g)].map((m) => m[0].replace(/"[^"]*"/g, '""'));
    expect(tags.filter((t) => /\s(style|on[a-z]+)=/.test(t))).toEqual([]);
  });

  it('allows exactly its one stylesheet by hash, and nothing else', () => {
    const html = page([run(0)]);
    const css = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    const hash = createHash('sha256').update(css, 'utf8').digest('base64');
    expect(html).toContain(`content="default-src &#39;none&#39;; style-src &#39;sha256-${hash}&#39;; img-src &#39;none&#39;; script-src &#39;none&#39;; base-uri &#39;none&#39;; form-action &#39;none&#39;"`);
    expect(count(html, /<style>/g)).toBe(1);
    expect(html).not.toMatch(/<(script|link|img|iframe|object)\b/);
  });

  it('draws a re-evaluated window from its latest evaluation and lists the earlier one as superseded', () => {
    const early = run(3, { path: 'ep/sched/early', evaluationTime: T0 + 4 * HOUR, coverage: 0.2, metrics: [{ metric: 'accuracy', value: 0.55, standardDeviation: null, threshold: 0.75, operator: 'LessThanThreshold', status: 'violated' }] });
    const late = run(3, { path: 'ep/sched/late', evaluationTime: T0 + 9 * HOUR });
    // The later evaluation is read first (path order differs from evaluation order).
    const html = page([run(2), late, early, run(4)]);
    // Sorted by window then evaluation: run(2) is 0, early 1, late 2, run(4) 3. Markers exist for 0, 2 and 3 only.
    expect(html).toMatch(/<tr data-run="ep\/sched\/early" data-i="1" class="superseded">/);
    expect(html).toMatch(/<tr data-run="ep\/sched\/late" data-i="2">/);
    const markers = [...html.matchAll(/<circle class="pt[^"]*"[^>]* data-i="(\d+)"><title>([^<]*)</g)].map((m) => [m[1], m[2]]);
    expect(markers.filter(([, t]) => t!.includes('accuracy'))).toEqual([
      ['0', '2026-01-01 02:00–03:00 UTC: accuracy 0.8200 ± 0.0100; alert if &lt; 0.7500 (pass)'],
      ['2', '2026-01-01 03:00–04:00 UTC: accuracy 0.8300 ± 0.0100; alert if &lt; 0.7500 (pass)'],
      ['3', '2026-01-01 04:00–05:00 UTC: accuracy 0.8400 ± 0.0100; alert if &lt; 0.7500 (pass)'],
    ]);
    expect(html).toContain('3 (plus 1 earlier evaluations of the same windows, superseded)');
  });

  it('stays bounded for a long history: merged chart points, capped cells, tables and series', () => {
    const runs = Array.from({ length: 3000 }, (_, i) =>
      run(i, {
        metrics: Array.from({ length: 3 }, (_, m) => ({ metric: `metric_${m}`, value: Math.sin(i / 50 + m), standardDeviation: 0.05, threshold: 0.9, operator: 'GreaterThanThreshold', status: Math.sin(i / 50 + m) > 0.9 ? 'violated' : 'pass' })),
      }),
    );
    const html = page(runs);
    const charts = [...html.matchAll(/<figure id="s1-m\d+"[\s\S]*?<\/figure>/g)].map((m) => m[0]);
    expect(charts).toHaveLength(3);
    for (const chart of charts) {
      expect(count(chart, /<circle class="pt/g)).toBeLessThanOrEqual(MAX_DRAWN_POINTS);
      expect(chart).toContain(`range of the ${Math.ceil(3000 / MAX_DRAWN_POINTS)} runs merged into each point`);
    }
    expect(count(html, /<rect class="cell /g)).toBeLessThanOrEqual(MAX_CELLS);
    expect(html).toContain(`Each cell covers ${Math.ceil(3000 / MAX_CELLS)} consecutive runs`);
    expect(count(html, /<tr data-run=/g)).toBe(TABLE_CAPS.runs);
    expect(html).toContain(`The ${TABLE_CAPS.runs} latest of 3,000 runs`);
    expect(html.length).toBeLessThan(600_000);

    const many = Array.from({ length: COLLECT_CAPS.series + 5 }, (_, i) => run(0, { endpoint: `ep-${String(i).padStart(3, '0')}` }));
    const capped = page(many);
    expect(count(capped, /<section class="series"/g)).toBe(COLLECT_CAPS.series);
    expect(capped).toContain('5 more series (5 runs) are not drawn; the Parquet table has them.');
  });

  it('lists at most the capped number of features, most drifted first', () => {
    const features = Array.from({ length: 150 }, (_, i) => ({ feature: `f${String(i).padStart(3, '0')}`, inferredType: 'Fractional', numPresent: 10, numMissing: 0, completeness: 1, mean: 0, standardDeviation: 1, min: -1, max: 1, distinctCount: null }));
    const html = page([
      run(0, { analysis: 'data_quality', metrics: [], features, violations: [{ subject: 'f149', feature: true, checkType: 'baseline_drift_check', description: 'Numerical distance: 0.4 exceeds numerical threshold: 0.1', value: 0.4, threshold: 0.1 }] }),
    ]);
    const rows = [...html.matchAll(/<tr data-feature="([^"]+)"/g)].map((m) => m[1]);
    expect(rows).toHaveLength(TABLE_CAPS.features);
    expect(rows[0]).toBe('f149');
    expect(html).toContain('50 more features are in the Parquet table.');
    expect(html).toContain('last 0.4000 &gt; 0.1000');
  });
});
