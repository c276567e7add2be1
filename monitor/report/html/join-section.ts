/**
 * @module Join health: how much of the traffic had ground truth, what did not join and why, and the input errors by
 * reason with a few sample locations (file and line, never the record itself).
 */
import type { RunReport } from '../build-run-report.ts';
import { miniBar } from './class-table.ts';
import { escapeHtml, shorten } from './escape.ts';
import { formatCount, formatShare } from './format.ts';

/** Most reasons and sample locations per reason listed. */
export const MAX_REASONS = 30;
export const MAX_SAMPLES = 5;

function factsTable(rows: Array<[string, number | undefined, string?]>): string {
  const body = rows
    .filter(([, v]) => v !== undefined)
    .map(([k, v, note]) => `<tr data-fact="${escapeHtml(k)}"><th scope="row">${escapeHtml(k)}${note ? `<span class="why">${escapeHtml(note)}</span>` : ''}</th><td class="num">${formatCount(v!)}</td></tr>`);
  return `<div class="table-scroll"><table class="facts"><tbody>${body.join('')}</tbody></table></div>`;
}

function inputErrors(report: RunReport): string {
  const { total, by_reason: byReason, limit } = report.input_errors;
  const lines = (report.capture?.lines ?? 0) + (report.ground_truth?.rows ?? 0);
  const intro =
    `<p><span class="num" data-fact="input errors">${formatCount(total)}</span> input error${total === 1 ? '' : 's'}` +
    (lines > 0 ? ` in ${formatCount(lines)} capture lines and ground-truth rows (${formatShare(total / lines)}; the run fails above ${formatShare(limit)})` : '') +
    '.</p>';
  const reasons = Object.entries(byReason).sort((a, b) => b[1].count - a[1].count);
  if (reasons.length === 0) return intro;
  const rows = reasons.slice(0, MAX_REASONS).map(([reason, tally]) => {
    const samples = tally.samples
      .slice(0, MAX_SAMPLES)
      .map((s) => `<li class="mono">${escapeHtml(shorten(s.file, 160))}${s.line === undefined ? '' : `:${s.line}`}${s.detail ? ` <span class="why">${escapeHtml(shorten(s.detail, 120))}</span>` : ''}</li>`);
    return (
      `<tr data-reason="${escapeHtml(reason)}"><th scope="row" class="mono">${escapeHtml(reason)}</th><td class="num">${formatCount(tally.count)}</td>` +
      `<td>${escapeHtml(tally.description)}${samples.length ? `<ul class="samples">${samples.join('')}</ul>` : ''}</td></tr>`
    );
  });
  const more = reasons.length > MAX_REASONS ? `<p class="note">${reasons.length - MAX_REASONS} more reasons in monitoring_report.json.</p>` : '';
  return `${intro}<div class="table-scroll"><table class="input-errors"><thead><tr><th>Reason</th><th class="num">Count</th><th>What it means, first locations</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>${more}`;
}

/** The join-health section. */
export function renderJoinHealth(report: RunReport): string {
  const { join, capture, ground_truth: gt } = report;
  const parts = ['<h2 id="join">Join health</h2>'];
  if (join) {
    parts.push(
      `<p>Ground-truth coverage: <strong class="num" data-fact="coverage">${formatShare(join.ground_truth_coverage)}</strong> of predictions joined a label.</p>${miniBar(join.ground_truth_coverage)}`,
      factsTable([
        ['Predictions in the window', join.predictions],
        ['Joined with a label', join.joined],
        ['Predictions without a label', join.predictions_without_label, 'no label arrived (yet) for their inference id and payload index'],
        ['Labels without a prediction', join.labels_without_prediction, 'labels read whose prediction is not in the window'],
        ['Duplicate predictions', join.duplicate_predictions, 'an inference id reused across requests'],
        ['Duplicate labels', gt?.duplicate_labels, 'a key labelled twice; the latest label wins'],
        ['Labels missing in merged records', report.dataset_format === 'sagemakerMergeJson' ? join.labels_missing_in_record : undefined],
      ]),
    );
  } else {
    parts.push('<p class="note">The join did not run.</p>');
  }
  if (capture || gt) {
    parts.push('<h3>What was read</h3>');
    parts.push(
      factsTable([
        ['Capture files', capture?.files],
        ['Capture lines', capture?.lines],
        ['Requests in the window', capture?.requests],
        ['Requests outside the window', capture?.skipped.outside_window],
        ['Shadow-traffic requests skipped', capture?.skipped.shadow_traffic || undefined],
        ['Records without inference time', capture?.warnings.records_without_inference_time || undefined],
        ['Ground-truth files', gt?.files],
        ['Ground-truth rows', gt?.rows],
        ['Labels kept', gt?.labels],
      ]),
    );
  }
  parts.push('<h3>Input errors</h3>', inputErrors(report));
  return parts.join('');
}
