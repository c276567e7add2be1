/**
 * @module The judged window's joined records as Parquet (joined_records.parquet beside the reports, on with
 * MPM_JOINED_RECORDS_OUTPUT=Enabled): one row per prediction that joined a label, with its keys, time, the
 * prediction as the run interpreted it and the label, for pandas, DuckDB or Athena. Streamed like the store's parts
 * (row groups flushed as they fill), written atomically. Columns:
 *
 * - classification: inference_id, event_id, payload_index, inference_time, predicted_label, score, label
 * - regression: inference_id, event_id, payload_index, inference_time, predicted_value, label (float64)
 *
 * inference_id is null for a record keyed by its eventId; event_id and inference_time are null when the source did
 * not give them; score is null when the response gave none. Plain encodings and ZSTD only (no byte-stream-split),
 * so older readers (Athena's engine among them) read it. The file's key-value metadata carries the problem type,
 * the window and a layout version (mpm.joined_records.version = 1).
 */
import { Field, Float64, Int64, Schema, Utf8 } from 'apache-arrow';
import type { Prediction } from '../ingest/interpret-prediction.ts';
import type { ProblemType } from '../metrics/types.ts';
import type { Storage } from '../storage/storage.ts';
import { Float64Column, Int64Column, Utf8Column, type ColumnBuilder } from './arrow-columns.ts';
import { ParquetStreamWriter, type ParquetWriteResult } from './parquet-stream-writer.ts';
import { INFERENCE_TIME_TYPE } from './prediction-schema.ts';

export const JOINED_RECORDS_FILE = 'joined_records.parquet';
export const JOINED_RECORDS_VERSION = 1;

/** The keys and time of the capture record a joined prediction came from. */
export interface JoinedRecordKey {
  /** The join key: the inferenceId, or the eventId when idSource is eventId. */
  id: string;
  idSource: 'inferenceId' | 'eventId';
  eventId?: string;
  inferenceTime?: number;
}

/** The schema of the joined records of a problem type. */
export function joinedRecordsSchema(problemType: ProblemType): Schema {
  const keys = [
    new Field('inference_id', new Utf8(), true),
    new Field('event_id', new Utf8(), true),
    new Field('payload_index', new Int64(), false),
    new Field('inference_time', INFERENCE_TIME_TYPE, true),
  ];
  return new Schema(
    problemType === 'Regression'
      ? [...keys, new Field('predicted_value', new Float64(), false), new Field('label', new Float64(), false)]
      : [...keys, new Field('predicted_label', new Utf8(), false), new Field('score', new Float64(), true), new Field('label', new Utf8(), false)],
  );
}

export interface JoinedRecordsOptions {
  problemType: ProblemType;
  /** Path in the output storage. Default joined_records.parquet. */
  path?: string;
  rowGroupRows?: number;
  /** Described in the file's metadata. */
  window?: { start?: string; end?: string };
  endpoint?: string;
}

/** Writes the joined records. Use {@link JoinedRecordsWriter.create}. */
export class JoinedRecordsWriter {
  private readonly inferenceId = new Utf8Column();
  private readonly eventId = new Utf8Column();
  private readonly payloadIndex = new Int64Column(new Int64());
  private readonly inferenceTime = new Int64Column(INFERENCE_TIME_TYPE);
  private readonly predictedLabel = new Utf8Column();
  private readonly predictedValue = new Float64Column();
  private readonly score = new Float64Column();
  private readonly label = new Utf8Column();
  private readonly labelValue = new Float64Column();
  private readonly columns: ColumnBuilder[];
  /** Joined predictions whose payload index does not fit int64 (never seen in practice): not written. */
  skipped = 0;

  private constructor(
    private readonly out: ParquetStreamWriter,
    private readonly regression: boolean,
    private readonly rowGroupRows: number,
  ) {
    const keys = [this.inferenceId, this.eventId, this.payloadIndex, this.inferenceTime];
    this.columns = regression ? [...keys, this.predictedValue, this.labelValue] : [...keys, this.predictedLabel, this.score, this.label];
  }

  static async create(storage: Storage, o: JoinedRecordsOptions): Promise<JoinedRecordsWriter> {
    const schema = joinedRecordsSchema(o.problemType);
    const rowGroupRows = o.rowGroupRows ?? 131_072;
    const metadata: Record<string, string> = { 'mpm.joined_records.version': String(JOINED_RECORDS_VERSION), 'mpm.problem_type': o.problemType };
    if (o.window?.start !== undefined) metadata['mpm.window.start'] = o.window.start;
    if (o.window?.end !== undefined) metadata['mpm.window.end'] = o.window.end;
    if (o.endpoint !== undefined) metadata['mpm.endpoint'] = o.endpoint;
    const out = await ParquetStreamWriter.create(storage, o.path ?? JOINED_RECORDS_FILE, schema, { rowGroupRows, metadata, columns: { score: { dictionary: false } } });
    return new JoinedRecordsWriter(out, o.problemType === 'Regression', rowGroupRows);
  }

  /** Adds one joined prediction: its record's keys, the prediction as interpreted, and the label. */
  add(key: JoinedRecordKey, prediction: Prediction, actual: string | number): void {
    if (!Int64Column.fits(prediction.index)) {
      this.skipped++;
      return;
    }
    this.inferenceId.append(key.idSource === 'inferenceId' ? key.id : undefined);
    this.eventId.append(key.eventId ?? (key.idSource === 'eventId' ? key.id : undefined));
    this.payloadIndex.append(prediction.index);
    this.inferenceTime.append(key.inferenceTime);
    if (this.regression) {
      this.predictedValue.append(prediction.value!);
      this.labelValue.append(actual as number);
    } else {
      this.predictedLabel.append(prediction.label!);
      this.score.append(prediction.score);
      this.label.append(String(actual));
    }
    if (this.inferenceId.length === this.rowGroupRows) this.flush();
  }

  private flush(): void {
    this.out.writeColumns(this.columns, this.inferenceId.length);
  }

  get rows(): number {
    return this.out.rows + this.inferenceId.length;
  }

  get needsDrain(): boolean {
    return this.out.needsDrain;
  }

  drain(): Promise<void> {
    return this.out.drain();
  }

  /** Finishes the file (visible from now on). */
  async close(): Promise<ParquetWriteResult> {
    this.flush();
    return this.out.close();
  }

  abort(): Promise<void> {
    return this.out.abort();
  }
}
