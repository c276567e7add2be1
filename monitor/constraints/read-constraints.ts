/**
 * @module Reads baseline_constraints (a local path or an s3:// URI) and validates it for the problem type, before the
 * first record is read. No file configured gives an empty set.
 */
import type { MonitorConfig } from '../config/load-config.ts';
import { readLocationText } from '../storage/read-location-text.ts';
import { assertCalibrationFitsRun } from './calibration-fits-run.ts';
import { parseConstraints, type ConstraintSet } from './parse-constraints.ts';

export async function readConstraints(config: Pick<MonitorConfig, 'baselineConstraints' | 'problemType' | 's3EndpointUrl' | 'positiveLabel' | 'classLabels'>): Promise<ConstraintSet> {
  const location = config.baselineConstraints;
  if (location === undefined) return { source: '(none)', schema: 'none', constraints: [], estimated: [] };
  const text = await readLocationText(location, 'baseline_constraints', 'constraints.json', config.s3EndpointUrl);
  const constraints = parseConstraints(text, location, config.problemType);
  assertCalibrationFitsRun(constraints.calibration, config, location);
  return constraints;
}
