/**
 * @module The estimate section of report.html, rendered from golden outputs of the real CLI
 * (test/fixtures/monitor/estimate-*): what is not estimated and why, the estimated constraints' results, and the
 * side-by-side rows with the realized value.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ModelQualityStatistics } from '../../metrics/types.ts';
import type { RunReport } from '../build-run-report.ts';
import { renderEstimate } from './estimate-section.ts';

function golden(name: string): { report: RunReport; statistics: ModelQualityStatistics } {
  const dir = path.resolve(import.meta.dirname, '../../../test/fixtures/monitor', name, 'expected');
  const read = (file: string): unknown => JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
  return { report: read('monitoring_report.json') as RunReport, statistics: read('statistics.json') as ModelQualityStatistics };
}

describe('renderEstimate', () => {
  it('top score only: accuracy beside its realized value, and each other metric listed as not estimated with why', () => {
    const { report, statistics } = golden('estimate-multiclass-top-score');
    const html = renderEstimate(report, statistics);
    expect(html.match(/<tr data-estimate=/g)).toHaveLength(1);
    expect(html).toMatch(/<tr data-estimate="accuracy">(?:(?!<\/tr>).)*data-field="realized">0\.5860</);
    for (const metric of ['weighted_precision', 'weighted_recall', 'weighted_f1', 'macro_precision', 'macro_recall', 'macro_f1']) {
      expect(html).toContain(`<li data-not-estimated="${metric}"><span class="mono">${metric}</span>: the responses give only the predicted label&#39;s probability`);
    }
    expect(html).toContain('Calibration from the baseline');
  });

  it('an estimated_* constraint: its bounds and result in the row of its metric', () => {
    const { report, statistics } = golden('estimate-violation');
    const html = renderEstimate(report, statistics);
    expect(html).toMatch(/<tr data-estimate="accuracy">(?:(?!<\/tr>).)*alert if &lt; 0\.6438 or &gt; 0\.7542 <span class="badge violated">violated<\/span>/);
    expect(html).toMatch(/<tr data-estimate="precision">(?:(?!<\/tr>).)*<span class="badge pass">pass<\/span>/);
  });

  it('zero labels: no realized value, and the label coverage says the estimate stands alone', () => {
    const { report, statistics } = golden('estimate-zero-labels');
    const html = renderEstimate(report, statistics);
    expect(html).toContain('<strong class="num" data-fact="label coverage">0.0%</strong> of predictions joined a label, so no realized value can be compared yet');
    expect(html).not.toContain('data-fact="inside band"');
    expect(html.match(/data-field="realized">–</g)).toHaveLength(6);
  });

  it('macro averages are compared with mpm_extra_metrics', () => {
    const { report, statistics } = golden('estimate-multiclass-vectors');
    const html = renderEstimate(report, statistics);
    const macro = (statistics.mpm_extra_metrics as { macro_f1: number }).macro_f1;
    expect(html).toMatch(new RegExp(`<tr data-estimate="macro_f1">(?:(?!</tr>).)*data-field="realized">${macro.toFixed(4).replace('.', '\\.')}<`));
    expect(html).toContain('data-fact="inside band">');
  });
});
