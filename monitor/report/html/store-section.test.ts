/**
 * @module The prediction store's sections of report.html, rendered from golden outputs of the real CLI
 * (test/fixtures/monitor/prediction-store-*): a missing judged hour is shown as such, the stored hours and bytes, the
 * label arrival with no label yet, and nothing at all for a run without the store.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ModelQualityStatistics } from '../../metrics/types.ts';
import type { RunReport } from '../build-run-report.ts';
import { MAX_ROWS, renderEvaluation, renderStoreSections } from './store-section.ts';

function golden(name: string): { report: RunReport; statistics: ModelQualityStatistics } {
  const dir = path.resolve(import.meta.dirname, '../../../test/fixtures/monitor', name, 'expected');
  const read = (file: string): unknown => JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
  return { report: read('monitoring_report.json') as RunReport, statistics: read('statistics.json') as ModelQualityStatistics };
}

describe('the prediction store on the report page', () => {
  it('a delayed run whose judged hour is missing: both windows, the missing hour named, the fresh estimate beside an empty judged result', () => {
    const { report, statistics } = golden('prediction-store-missing-hour');
    const html = renderEvaluation(report, statistics);
    expect(html).toContain('<dd data-fact="judged window">2024-05-06T21:00:00Z to 2024-05-06T22:00:00Z</dd>');
    expect(html).toContain('<dd data-fact="stored window">2024-05-06T22:00:00Z to 2024-05-06T23:00:00Z</dd>');
    expect(html).toContain('<dd data-fact="missing hours"><span class="badge violated">1</span> <span class="mono">2024-05-06T21:00:00Z</span></dd>');
    expect(html).toMatch(/<tr data-compare="accuracy">.*data-field="judged">–<.*data-field="fresh">0\.9000<.*data-field="fresh-band">0\.2636 – 1\.0000</);
    const rest = renderStoreSections(report);
    expect(rest).toContain('<p class="note" data-fact="no lags">No label of this window has arrived yet.</p>');
    expect(rest).toContain('<tr data-share="0.5"><th scope="row">50.0% of the labels</th><td class="num">not reached</td></tr>');
  });

  it('a fresh window without predictions: a note that says so, not an empty table', () => {
    const { report, statistics } = golden('prediction-store-missing-hour');
    const fresh = { ...(report.evaluation!.fresh_window_estimate as object), predictions: 0, metrics: {}, not_estimated: { accuracy: 'no predictions in the window' } };
    const html = renderEvaluation({ ...report, evaluation: { ...report.evaluation!, fresh_window_estimate: fresh } }, statistics);
    expect(html).not.toContain('<table class="compare">');
    expect(html).toContain('<p class="note" data-fact="fresh not estimated">The fresh window (2024-05-06T22:00:00Z to 2024-05-06T23:00:00Z) gave no estimate: it holds no predictions.</p>');
  });

  it('an undelayed run with the store: no evaluation section, the stored hours per variant and the bytes per record', () => {
    const { report, statistics } = golden('prediction-store-window');
    expect(renderEvaluation(report, statistics)).toBe('');
    const html = renderStoreSections(report);
    expect(html).toContain('<dd data-fact="bytes per record">1601.00</dd>');
    expect(html.match(/<tr data-hour="2024-05-06T22:00:00Z" data-variant="(\w+)">/g)).toHaveLength(2);
    expect(html).toMatch(/data-variant="AllTraffic">.*?data-field="records">2<.*?data-field="parts">1<.*?data-field="bytes">3,202</);
    expect(html).toContain('<strong class="num" data-fact="label arrival coverage">100.0%</strong>');
  });

  it('caps the lag rows and names how many more the run report has; a run without the store has none of it', () => {
    const { report } = golden('prediction-store-window');
    const lagHours = Array.from({ length: MAX_ROWS + 12 }, (_, lag) => ({ lag, labels: 1, coverage_with_delay: (lag + 1) / 100 }));
    const html = renderStoreSections({ ...report, label_arrival: { ...report.label_arrival!, lag_hours: lagHours } });
    expect(html.match(/<tr data-lag=/g)).toHaveLength(MAX_ROWS);
    expect(html).toContain('12 more lag hours in monitoring_report.json (label_arrival.lag_hours).');
    const { prediction_store: _s, label_arrival: _l, evaluation: _e, ...plain } = report;
    expect(renderStoreSections(plain)).toBe('');
  });
});
