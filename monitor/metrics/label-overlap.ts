/**
 * @module A classification window whose predicted labels and ground-truth labels have nothing in common: every
 * record is wrong, and the metrics say only that. It is almost always a reading problem, not a model, e.g. probability
 * vectors, whose classes are named by position ("0", "1", ...) unless MPM_CLASS_LABELS names them, against labels
 * "oak" and "pine"; or labels spelt differently on the two sides. The run still judges the window as read; this
 * names the two sets, so the warning says what to look at.
 */
import type { ModelQualityResult } from './types.ts';

/** Labels shown of each set at most. */
const SHOWN = 5;

function listed(labels: string[]): string {
  const head = labels.slice(0, SHOWN).map((l) => JSON.stringify(l));
  return labels.length > SHOWN ? `${head.join(', ')} and ${labels.length - SHOWN} more` : head.join(', ');
}

/** The likely causes both warnings name. */
const WHAT_TO_CHECK =
  'Probability vectors name their classes by position (0, 1, ...) unless MPM_CLASS_LABELS lists the labels in column order; ' +
  'otherwise check how each side spells the labels (docs/metrics.md, label canonicalisation)';

/** What the confusion matrix says of the two label sets: the actual labels, and each predicted label's count. */
interface LabelSets {
  actual: Set<string>;
  predicted: Map<string, number>;
  total: number;
}

/** The label sets of a result's confusion matrix (cells with records only); undefined without a matrix. */
function labelSets(result: Pick<ModelQualityResult, 'metrics'>): LabelSets | undefined {
  const matrix = result.metrics.confusion_matrix as Record<string, Record<string, number>> | undefined;
  if (matrix === undefined) return undefined;
  const sets: LabelSets = { actual: new Set(), predicted: new Map(), total: 0 };
  for (const [row, cells] of Object.entries(matrix)) {
    for (const [column, count] of Object.entries(cells)) {
      if (count <= 0) continue;
      sets.actual.add(row);
      sets.predicted.set(column, (sets.predicted.get(column) ?? 0) + count);
      sets.total += count;
    }
  }
  return sets;
}

/** The warning for a window whose predicted and actual labels are disjoint; undefined otherwise (or without records). */
export function disjointLabelsWarning(result: Pick<ModelQualityResult, 'metrics'>): string | undefined {
  const sets = labelSets(result);
  if (sets === undefined) return undefined;
  const { actual } = sets;
  const predicted = [...sets.predicted.keys()];
  if (actual.size === 0 || predicted.some((label) => actual.has(label))) return undefined;
  return (
    `no predicted label is a ground-truth label: predicted ${listed(predicted)}; ground truth ${listed([...actual])}. ` +
    `Every joined record counts as wrong. ${WHAT_TO_CHECK}`
  );
}

/** Joined records needed, and the share of them predicting labels no ground truth has, before the next warning. */
const MIN_JOINED = 20;
const FOREIGN_SHARE = 0.1;

/**
 * The warning for a window where at least a tenth of the joined predictions are labels that no ground-truth label of
 * the window is, while the sets do meet: e.g. probability vectors named by position (0, 1, 2) against labels 1, 2, 3
 * (a model whose classes_ are 1..3), where only the overlapping names can ever be right. undefined otherwise.
 */
export function foreignPredictionsWarning(result: Pick<ModelQualityResult, 'metrics'>): string | undefined {
  const sets = labelSets(result);
  if (sets === undefined) return undefined;
  const { actual, predicted: byPredicted, total } = sets;
  const foreign = [...byPredicted].filter(([label]) => !actual.has(label));
  const foreignCount = foreign.reduce((sum, [, count]) => sum + count, 0);
  if (total < MIN_JOINED || foreignCount < FOREIGN_SHARE * total || foreignCount === total) return undefined;
  return (
    `${foreignCount} of ${total} joined predictions (${((100 * foreignCount) / total).toFixed(1)}%) are labels no ground-truth label of the window is: ` +
    `${listed(foreign.map(([label]) => label))}; ground truth ${listed([...actual])}. ${WHAT_TO_CHECK}`
  );
}
