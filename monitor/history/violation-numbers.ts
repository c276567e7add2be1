/**
 * @module The numbers a violation's description states. Model-quality violations written by mpm carry value and
 * threshold fields; SageMaker's data-quality analyzer writes them only into the text ("Numerical distance: 0.27
 * exceeds numerical threshold: 0.1", "Value: 0.0 does not meet the constraint requirement! ", "Observed: Only
 * 99.6% of data is Integral."). These patterns are the contract's (docs sagemaker-contract §5.3); any other text
 * gives no number.
 */

const NUMBER = '([-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?)';
const DISTANCE = new RegExp(`distance:\\s*${NUMBER}\\s+exceeds\\s+[a-z ]*threshold:\\s*${NUMBER}`, 'i');
const VALUE = new RegExp(`^\\s*Value:\\s*${NUMBER}\\s+does not meet`, 'i');
const TYPE_MATCH = new RegExp(`Expected match:\\s*${NUMBER}%.*Observed:\\s*Only\\s+${NUMBER}%`, 'is');
const METRIC_WITH = new RegExp(`^Metric \\S+ with ${NUMBER}(?: \\(± ${NUMBER}\\)| \\+/- ${NUMBER})? was \\S+ ${NUMBER}`);

/** The value and threshold a description states, or nulls. Reads at most the first 2,000 characters. */
export function numbersInDescription(description: string): { value: number | null; threshold: number | null } {
  const text = description.slice(0, 2000);
  const distance = DISTANCE.exec(text);
  if (distance) return { value: Number(distance[1]), threshold: Number(distance[2]) };
  const typeMatch = TYPE_MATCH.exec(text);
  if (typeMatch) return { value: Number(typeMatch[2]) / 100, threshold: Number(typeMatch[1]) / 100 };
  const value = VALUE.exec(text);
  if (value) return { value: Number(value[1]), threshold: null };
  const metric = METRIC_WITH.exec(text);
  if (metric) return { value: Number(metric[1]), threshold: Number(metric[4]) };
  return { value: null, threshold: null };
}
