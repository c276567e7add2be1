/**
 * @module Ground truth in the layout the monitor reads: {prefix}/yyyy/mm/dd/hh/{file}.jsonl, the hour being when the
 * labels were collected (UTC), one JSON object per line in the seed's row format
 * {"InferenceId": "<id>", "payload_index": <record position in the request>, "groundTruthLabel": <label>}.
 */
import { hourPath } from './clock.ts';
import { joinS3 } from './s3-uri.ts';

/** One label: the seed's ground-truth row. */
export interface GroundTruthRow {
  InferenceId: string;
  payload_index: number;
  groundTruthLabel: unknown;
}

/** Rows for one request: one per record, payload_index = the record's position in the request body. */
export function groundTruthRows(inferenceId: string, labels: readonly unknown[]): GroundTruthRow[] {
  return labels.map((label, i) => ({ InferenceId: inferenceId, payload_index: i, groundTruthLabel: label }));
}

/** The file location: {prefix}/yyyy/mm/dd/hh/{runId}.jsonl, with the collection hour in UTC. */
export function groundTruthLocation(prefix: string, collectedAt: Date, runId: string): string {
  return joinS3(prefix, hourPath(collectedAt), `${runId}.jsonl`);
}

/** JSON Lines text, one row per line, ending with a newline. */
export function formatGroundTruth(rows: readonly GroundTruthRow[]): string {
  return rows.map((row) => `${JSON.stringify(row)}\n`).join('');
}
