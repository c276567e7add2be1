/**
 * @module Test helper: runs a stage that should reject a record and returns the RecordProblem it threw.
 */
import { RecordProblem } from '../../monitor/ingest/input-errors.ts';

export function problemOf(fn: () => unknown): RecordProblem {
  try {
    fn();
  } catch (error) {
    if (error instanceof RecordProblem) return error;
    throw error;
  }
  throw new Error('expected a RecordProblem');
}
