/**
 * @module Input problems are data, not exceptions: every stage counts what it drops by reason and keeps a few
 * sample locations (file and line), which the run report lists.
 */

export const INPUT_ERROR_REASONS = {
  invalid_json: 'the line is not valid JSON',
  not_a_capture_record: 'the line is not a SageMaker capture record (no captureData object)',
  missing_endpoint_output: 'captureData.endpointOutput is missing or has no data',
  missing_endpoint_input: 'captureData.endpointInput is missing or has no data (data quality reads the request)',
  missing_event_id: 'eventMetadata has neither inferenceId nor eventId',
  invalid_inference_id:
    'the id a record joins by (eventMetadata.inferenceId, else eventId) is text that is not valid Unicode (a lone UTF-16 surrogate such as \\ud800, which no UTF-8 file holds: the prediction store would change it) or a JSON number that is not a whole number of at most 2^53 - 1 in size',
  invalid_inference_time: 'eventMetadata.inferenceTime is missing or not a time, so the record cannot be placed in the window',
  undecodable_payload: 'a payload could not be decoded (bad base64, or not valid JSON/CSV for its content type)',
  unsupported_content_type: 'a payload has a content type mpm cannot read',
  unrecognised_response: 'the response has no shape mpm can read predictions from',
  count_mismatch: 'the request and the response hold different numbers of records',
  invalid_payload_index: 'a payload_index is not a whole number >= 0, or appears twice in one response',
  payload_index_out_of_range: 'a payload_index is not below the number of records in its response (0..n-1)',
  prediction_not_binary: 'BinaryClassification: a predicted label is neither positive_label nor the negative class',
  label_not_binary: 'BinaryClassification: a label in a merged record is neither positive_label nor the negative class',
  line_too_long: 'a line is longer than MPM_MAX_LINE_BYTES: it was skipped without being read',
  record_too_complex: 'decoding the record exceeded a resource limit of the runtime (an array too long to spread, a string too long)',
  missing_prediction: 'a response item has no predicted label or value',
  missing_ground_truth_in_record: 'a merged record has no usable groundTruthData',
  gt_invalid_json: 'a ground-truth line or file is not valid JSON',
  gt_missing_field: 'a ground-truth row lacks the id, payload index or label field',
  gt_invalid_id: 'a ground-truth inference id is a JSON number that is not a whole number of at most 2^53 - 1 in size, which a JSON reader cannot keep exactly (write ids as strings), or text that is not valid Unicode (a lone UTF-16 surrogate)',
  gt_undecodable_data: "a ground-truth row's groundTruthData.data could not be decoded (not valid base64, or not valid JSON when its encoding is JSON)",
  gt_invalid_payload_index: 'a ground-truth payload_index is not a whole number >= 0',
  gt_invalid_label: 'a ground-truth label is empty, not a finite number for a regression problem, or an array or object',
  gt_label_not_binary: 'BinaryClassification: a ground-truth label is neither positive_label nor the negative class',
  gt_line_too_long: 'a ground-truth line is longer than MPM_MAX_LINE_BYTES: it was skipped without being read',
  gt_unreadable_file: 'a ground-truth file could not be read to the end (not gzip, cut short, a read that failed, bad CSV or Parquet, larger than MPM_MAX_FILE_BYTES)',
  gt_gzip_trailing_garbage: 'a ground-truth .gz file has bytes after its last gzip member that are not gzip: ignored, as gzip -d does',
  unreadable_file: 'a capture file could not be read to the end (not gzip, cut short, a read that failed): its unread bytes weigh in the error limit',
  gzip_trailing_garbage: 'a capture .gz file has bytes after its last gzip member that are not gzip: ignored, as gzip -d does',
} as const;

export type InputErrorReason = keyof typeof INPUT_ERROR_REASONS;

/** Characters of a sample's detail kept: a detail quotes input, which must not be repeated at length. */
export const MAX_DETAIL_CHARS = 300;

export interface InputErrorSample {
  file: string;
  line?: number;
  detail?: string;
}

export interface ReasonTally {
  count: number;
  description: string;
  samples: InputErrorSample[];
}

/** Counts problems by reason and keeps the first few locations of each. */
export class InputErrorTally {
  readonly byReason = new Map<string, ReasonTally>();
  constructor(private readonly samplesPerReason: number) {}

  add(reason: InputErrorReason, sample: InputErrorSample): void {
    let entry = this.byReason.get(reason);
    if (!entry) {
      entry = { count: 0, description: INPUT_ERROR_REASONS[reason], samples: [] };
      this.byReason.set(reason, entry);
    }
    entry.count++;
    if (entry.samples.length < this.samplesPerReason) {
      const detail = sample.detail;
      entry.samples.push(detail !== undefined && detail.length > MAX_DETAIL_CHARS ? { ...sample, detail: `${detail.slice(0, MAX_DETAIL_CHARS - 1)}…` } : sample);
    }
  }

  /**
   * Adds the counts and samples of another tally (another file's, read by a worker thread) as if its problems came
   * after this tally's: the samples kept are the same as when one tally saw them all in order.
   */
  addFrom(other: Iterable<[string, ReasonTally]>): void {
    for (const [reason, theirs] of other) {
      let entry = this.byReason.get(reason);
      if (!entry) {
        entry = { count: 0, description: theirs.description, samples: [] };
        this.byReason.set(reason, entry);
      }
      entry.count += theirs.count;
      for (const sample of theirs.samples) if (entry.samples.length < this.samplesPerReason) entry.samples.push(sample);
    }
  }

  total(): number {
    let n = 0;
    for (const e of this.byReason.values()) n += e.count;
    return n;
  }

  toJSON(): Record<string, ReasonTally> {
    return Object.fromEntries([...this.byReason.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
  }
}

/** A problem with one record, raised inside a stage and turned into a tally entry by the caller. */
export class RecordProblem extends Error {
  constructor(
    readonly reason: InputErrorReason,
    readonly detail?: string,
  ) {
    super(detail ?? INPUT_ERROR_REASONS[reason]);
  }
}
