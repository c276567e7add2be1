/**
 * The join-health metrics published beside the statistics: ground-truth coverage only for a window with predictions.
 */
import { describe, expect, it } from 'vitest';
import { InputErrorTally } from '../ingest/input-errors.ts';
import type { ModelQualityResult } from '../metrics/types.ts';
import { collectMetrics, HEALTH_METRICS } from './publish-metrics.ts';

const noScalars = { scalars: {} } as unknown as ModelQualityResult;
const join = (predictions: number, joined: number) => ({ predictions, joined, predictions_without_label: predictions - joined, duplicate_predictions: 0, labels_missing_in_record: 0 });
const byName = (predictions: number, joined: number) =>
  new Map(collectMetrics(noScalars, join(predictions, joined), new InputErrorTally(0), []).map((m) => [m.name, m]));

describe('collectMetrics: join health', () => {
  it('publishes coverage as a percent of the window predictions', () => {
    const m = byName(40, 30);
    expect(m.get(HEALTH_METRICS.coverage)).toEqual({ name: 'ground_truth_coverage', value: 75, unit: 'Percent' });
    expect(m.get(HEALTH_METRICS.predictions)?.value).toBe(40);
    expect(m.get(HEALTH_METRICS.joined)?.value).toBe(30);
  });

  it('publishes no coverage for a window without predictions (0% would read as labels that stopped coming)', () => {
    const m = byName(0, 0);
    expect(m.has(HEALTH_METRICS.coverage)).toBe(false);
    expect(m.get(HEALTH_METRICS.predictions)?.value).toBe(0);
    expect([...m.keys()]).toEqual(['joined_records', 'predictions', 'predictions_without_ground_truth', 'input_errors', 'violations']);
  });
});
