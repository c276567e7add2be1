/**
 * @module The charts of the problem type. Multiclass: confusion-matrix heat map and per-class table. Binary: ROC and
 * precision-recall curves with their AUCs, and the confusion matrix. Regression: residual histogram and predicted
 * versus actual, from the RegressionShape the run collected (absent, the page says so).
 */
import type { ClassMetrics } from '../../metrics/multiclass-metrics.ts';
import type { ConfusionMatrix, MetricValue, ModelQualityStatistics } from '../../metrics/types.ts';
import type { RunReport } from '../build-run-report.ts';
import { capClasses, matrixLabels, MAX_CLASSES } from './cap-classes.ts';
import { renderClassTable } from './class-table.ts';
import { renderCurve } from './curve-chart.ts';
import { escapeHtml } from './escape.ts';
import { formatCount, formatMetric } from './format.ts';
import { renderHeatMap } from './heat-map.ts';
import { metricSection } from './metrics-section.ts';
import { renderPredictedVersusActual, renderResidualHistogram } from './regression-charts.ts';
import type { RegressionShapeSummary } from '../../metrics/regression-shape.ts';

/** What the charts are drawn from. */
export interface ChartInputs {
  report: RunReport;
  statistics?: ModelQualityStatistics;
  regression?: RegressionShapeSummary;
  maxClasses?: number;
}

const isMatrix = (v: unknown): v is ConfusionMatrix => typeof v === 'object' && v !== null && Object.keys(v).length > 0;
const valueOf = (v: unknown): string => (typeof (v as MetricValue | undefined)?.value === 'number' ? formatMetric((v as MetricValue).value) : 'not computed');

function figure(title: string, body: string, id?: string): string {
  return `<figure${id ? ` id="${id}"` : ''}><h3>${escapeHtml(title)}</h3>${body}</figure>`;
}

function multiclass(section: Record<string, unknown>, extra: Record<string, unknown>, maxClasses: number): string {
  const matrix = section.confusion_matrix;
  if (!isMatrix(matrix)) return '<p class="note">No confusion matrix: no records were judged.</p>';
  const parts = [figure('Confusion matrix', renderHeatMap(matrix, { title: 'Confusion matrix heat map', maxClasses }), 'confusion-matrix')];
  const perClass = extra.per_class as Record<string, ClassMetrics> | undefined;
  if (perClass) {
    const labels = matrixLabels(matrix);
    const { shown } = capClasses(matrix, labels, maxClasses);
    const macro = ['macro_precision', 'macro_recall', 'macro_f1']
      .filter((k) => typeof extra[k] === 'number')
      .map((k) => `${k.replace('macro_', '')} <span class="num" data-macro="${k}">${formatMetric(extra[k] as number)}</span>`);
    const body = `${renderClassTable(perClass, shown, Object.keys(perClass).length)}${macro.length ? `<p class="note">Macro averages: ${macro.join(', ')}.</p>` : ''}`;
    parts.push(figure('Per class', body, 'per-class'));
  }
  return parts.join('');
}

function binary(section: Record<string, unknown>, extra: Record<string, unknown>, notComputed: Record<string, string>, maxClasses: number): string {
  const cards: string[] = [];
  const roc = section.receiver_operating_characteristic_curve as { false_positive_rates?: number[]; true_positive_rates?: number[] } | undefined;
  const rocTitle = `ROC curve, AUC ${valueOf(section.auc)}`;
  cards.push(
    figure(
      rocTitle,
      roc?.false_positive_rates && roc.true_positive_rates
        ? renderCurve({ title: rocTitle, xTitle: 'False positive rate', yTitle: 'True positive rate', x: roc.false_positive_rates, y: roc.true_positive_rates, reference: [[0, 0], [1, 1]], referenceLabel: 'chance' })
        : `<p class="note">Not drawn: ${escapeHtml(notComputed.receiver_operating_characteristic_curve ?? 'no curve in statistics.json')}.</p>`,
      'roc',
    ),
  );
  const pr = section.precision_recall_curve as { precisions?: number[]; recalls?: number[] } | undefined;
  const prTitle = `Precision-recall curve, AU-PRC ${valueOf(section.au_prc)}`;
  const base = (section.precision_best_constant_classifier as MetricValue | undefined)?.value;
  cards.push(
    figure(
      prTitle,
      pr?.precisions && pr.recalls
        ? renderCurve({
            title: prTitle,
            xTitle: 'Recall',
            yTitle: 'Precision',
            x: pr.recalls,
            y: pr.precisions,
            reference: base === undefined ? undefined : [[0, base], [1, base]],
            referenceLabel: 'share of positives (constant classifier)',
          })
        : `<p class="note">Not drawn: ${escapeHtml(notComputed.precision_recall_curve ?? 'no curve in statistics.json')}.</p>`,
      'pr',
    ),
  );
  const matrix = section.confusion_matrix;
  cards.push(figure('Confusion matrix', isMatrix(matrix) ? renderHeatMap(matrix, { title: 'Confusion matrix heat map', maxClasses }) : '<p class="note">No records.</p>', 'confusion-matrix'));
  const positive = typeof extra.positive_label === 'string' ? `<p class="note">Positive label: <span class="mono">${escapeHtml(extra.positive_label)}</span>; ${formatCount(Number(extra.scored_item_count ?? 0))} records had a score.</p>` : '';
  return `${positive}<div class="cards">${cards.join('')}</div>`;
}

function regression(shape: RegressionShapeSummary | undefined, extra: Record<string, unknown>): string {
  const dropped = Number(extra.dropped_non_finite ?? 0);
  const note = dropped > 0 ? `<p class="note">${formatCount(dropped)} records without two finite numbers were left out.</p>` : '';
  if (!shape) return `${note}<p class="note">The residual histogram and predicted-versus-actual chart are drawn from aggregates collected during the run; this page was made without them.</p>`;
  const width = shape.residuals.axes[0]?.width;
  const caption = width === undefined ? '' : `<figcaption>${formatCount(shape.residuals.total)} records; bin width ${escapeHtml(String(Number(width.toPrecision(4))))}.</figcaption>`;
  return (
    `${note}<div class="cards">${figure('Residuals', `${renderResidualHistogram(shape.residuals)}${caption}`, 'residuals')}` +
    `${figure('Predicted versus actual', `${renderPredictedVersusActual(shape.actualVsPredicted)}<figcaption>Shade: number of records per cell (log scale); dashed: predicted = actual.</figcaption>`, 'predicted-vs-actual')}</div>`
  );
}

/** The charts section, or nothing when there are no statistics. */
export function renderCharts(input: ChartInputs): string {
  const { report, statistics } = input;
  const section = metricSection(statistics, report);
  if (!section || !statistics) return '';
  const extra = (statistics.mpm_extra_metrics ?? {}) as Record<string, unknown>;
  const maxClasses = input.maxClasses ?? MAX_CLASSES;
  const notComputed = report.metrics?.not_computed ?? {};
  let body: string;
  if (report.problem_type === 'MulticlassClassification') body = multiclass(section, extra, maxClasses);
  else if (report.problem_type === 'BinaryClassification') body = binary(section, extra, notComputed, maxClasses);
  else body = regression(input.regression, extra);
  return `<h2 id="charts">Charts</h2>${body}`;
}
