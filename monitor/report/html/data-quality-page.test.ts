import { describe, expect, it } from 'vitest';
import { buildDataQualityStatistics } from '../../data-quality/build-statistics.ts';
import { checkDataQuality } from '../../data-quality/check-features.ts';
import { DatasetProfile } from '../../data-quality/dataset-profile.ts';
import { parseDataQualityConstraints } from '../../data-quality/load-constraints.ts';
import { parseDataQualityStatistics } from '../../data-quality/load-statistics.ts';
import { suggestDataQualityConstraints } from '../../data-quality/suggest-constraints.ts';
import { syntheticDataQualityViolations } from '../../data-quality/synthetic-violations.ts';
import { MAX_CHARTS, rankFeatures, renderDataQualityPage, type DataQualityPageInput } from './data-quality-page.ts';
import { categoricalShares } from './distribution-chart.ts';
import { PAGE_CSP } from './page-style.ts';

const HOSTILE = '<img src=x onerror=alert(1)>';

function profile(shift: number, names = ['stable', 'shifted', HOSTILE, 'city']): DatasetProfile {
  const p = new DatasetProfile();
  for (let i = 0; i < 600; i++) p.addRow(names, [i % 40, (i % 40) + shift, i % 7, ['Oslo', 'Lima', HOSTILE][(i + shift) % 3]]);
  return p;
}

function input(): DataQualityPageInput {
  const base = profile(0).summary();
  const statistics = parseDataQualityStatistics(JSON.stringify(buildDataQualityStatistics(base)), 's');
  const constraints = parseDataQualityConstraints(JSON.stringify(suggestDataQualityConstraints(base)), 'c');
  const current = profile(25).summary();
  const { violations, features } = checkDataQuality(current, { statistics, constraints });
  return {
    status: violations.length ? 'CompletedWithViolations' : 'Completed',
    message: `CompletedWithViolations: Job completed successfully with ${violations.length} violations.`,
    facts: [['Endpoint', HOSTILE], ['Window', '2024-05-01T10:00:00Z to 2024-05-01T11:00:00Z']],
    violations,
    summary: current,
    checks: features,
    baseline: statistics,
    tool: { name: 'mpm', version: '0.1.0' },
    files: ['statistics.json', 'constraint_violations.json'],
  };
}

describe('the data-quality report page', () => {
  it('lists the violations first, then the features by drift distance, largest first', () => {
    const page = input();
    const html = renderDataQualityPage(page);
    expect(html.indexOf('id="violations"')).toBeGreaterThan(0);
    expect(html.indexOf('id="violations"')).toBeLessThan(html.indexOf('id="features"'));
    const order = [...html.matchAll(/<figure id="feature-\d+" data-feature="([^"]*)"/g)].map((m) => m[1]);
    // Unchanged features tie at distance 0 and keep their column order.
    expect(order).toEqual(['shifted', 'stable', '&lt;img src=x onerror=alert(1)&gt;', 'city']);
    expect(rankFeatures(page.summary!, page.checks!).map((f) => f.name)[0]).toBe('shifted');
    expect(html).toContain('<span class="badge violated">drift</span>');
    expect(html).toContain('baseline_drift_check');
  });

  it('marks the synthetic violations of --create-violation-tests as tests, one per check type, beside the real ones', () => {
    const synthetic = syntheticDataQualityViolations();
    expect(synthetic.map((v) => v.constraint_check_type)).toEqual(['data_type_check', 'completeness_check', 'baseline_drift_check', 'missing_column_check', 'extra_column_check', 'categorical_values_check']);
    const page = input();
    const real = page.violations.length;
    const html = renderDataQualityPage({ ...page, violations: [...page.violations, ...synthetic] });
    expect(html.match(/<li class="synthetic"/g)).toHaveLength(6);
    expect(html.match(/test, not a finding/g)).toHaveLength(6);
    expect(html.match(/<li data-violation=/g)).toHaveLength(real);
    const only = renderDataQualityPage({ ...page, status: 'CompletedWithViolations', violations: synthetic });
    expect(only).toContain('Completed with 6 violations, synthetic tests only');
  });

  it('draws baseline and current side by side as paired bars', () => {
    const html = renderDataQualityPage(input());
    const figure = html.slice(html.indexOf('data-feature="shifted"'), html.indexOf('</figure>', html.indexOf('data-feature="shifted"')));
    expect(figure).toMatch(/<rect class="track"/);
    expect(figure).toMatch(/<rect class="bar"/);
    expect(figure).toMatch(/baseline [\d.]+%, current [\d.]+%/);
  });

  it('escapes every string from data and keeps the page free of scripts and external resources', () => {
    const html = renderDataQualityPage(input());
    expect(html).not.toContain(HOSTILE);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toMatch(/<script|javascript:|https?:\/\//i);
    expect(html).toContain(`content="${PAGE_CSP.replace(/'/g, '&#39;')}"`);
    expect(html).not.toMatch(/ style=/);
  });

  it(`stays bounded: at most ${MAX_CHARTS} charts, the rest as table rows`, () => {
    const names = Array.from({ length: 120 }, (_, i) => `f${i}`);
    const p = new DatasetProfile();
    for (let r = 0; r < 50; r++) p.addRow(names, names.map((_, i) => (r * (i + 1)) % 97));
    const html = renderDataQualityPage({ status: 'Completed', message: 'Completed: Job completed successfully with no violations.', facts: [], violations: [], summary: p.summary(), tool: { name: 'mpm', version: '0' } });
    expect(html.match(/<figure /g)).toHaveLength(MAX_CHARTS);
    expect(html.match(/<tr><th scope="row"/g)).toHaveLength(80);
    expect(html.length).toBeLessThan(1_000_000);
  });

  it('keeps the most frequent categories and sums the rest into "other"', () => {
    const shares = categoricalShares(
      Array.from({ length: 20 }, (_, i) => ({ value: `c${i}`, count: 20 - i })),
      [{ value: 'new', count: 10 }],
      5,
    );
    expect(shares.map((s) => s.label)).toEqual(['new', 'c0', 'c1', 'c2', 'c3', 'other (16 categories)']);
    expect(shares.reduce((t, s) => t + s.baseline, 0)).toBeCloseTo(1, 12);
  });

  it('renders a failed run without features', () => {
    const html = renderDataQualityPage({ status: 'Failed', message: 'InputError: too many bad lines', facts: [], violations: [], tool: { name: 'mpm', version: '0' } });
    expect(html).toContain('<h1 class="status">Failed</h1>');
    expect(html).not.toContain('id="features"');
  });
});
