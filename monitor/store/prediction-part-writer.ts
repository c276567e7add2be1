/**
 * @module Writes one Parquet part of a stored hour: capture records in, one row per prediction, row groups flushed
 * to storage as they fill (parquet-stream-writer.ts), so memory is one row group whatever the hour's size.
 */
import { Int64 } from 'apache-arrow';
import type { RawPrediction } from '../ingest/extract-response.ts';
import type { DecodedLine } from '../ingest/decode-capture-line.ts';
import type { Storage } from '../storage/storage.ts';
import { DictionaryUtf8Column, Float64Column, Float64ListColumn, Int64Column, type ColumnBuilder } from './arrow-columns.ts';
import { ParquetStreamWriter, type ParquetColumnSetting, type ParquetWriteResult } from './parquet-stream-writer.ts';
import {
  dictionaryUtf8,
  INFERENCE_TIME_TYPE,
  PREDICTION_COLUMN_SETTINGS,
  PREDICTION_SCHEMA,
  PROBABILITIES_TYPE,
  storeLabel,
} from './prediction-schema.ts';
import { SCHEMA_VERSION_KEY, STORE_SCHEMA_VERSION } from './store-version.ts';

/** One capture record as the store takes it. */
export interface StoreRecord {
  /** eventMetadata.inferenceId (the join key when present). */
  inferenceId?: string;
  /** eventMetadata.eventId (the join key when there is no inferenceId). */
  eventId?: string;
  /** eventMetadata.inferenceTime, epoch ms. */
  inferenceTime: number;
  /** What the response said about each of the request's records. */
  predictions: readonly RawPrediction[];
}

/**
 * The store's view of a decoded capture line (decodeCaptureLine with keepRaw), or undefined when it cannot be stored:
 * no raw readings (keepRaw was off) or no inference time (it cannot be placed in an hour).
 */
export function storeRecordOf(line: Extract<DecodedLine, { status: 'ok' }>): StoreRecord | undefined {
  if (line.raw === undefined || line.inferenceTime === undefined) return undefined;
  const record: StoreRecord = { inferenceTime: line.inferenceTime, predictions: line.raw };
  if (line.idSource === 'inferenceId') record.inferenceId = line.id;
  const eventId = line.eventId ?? (line.idSource === 'eventId' ? line.id : undefined);
  if (eventId !== undefined) record.eventId = eventId;
  return record;
}

/** Default rows per row group: about 1 MB of encoded bench data, tens of MB while a group is built. */
export const DEFAULT_ROW_GROUP_ROWS = 131_072;

export interface PartWriteResult extends ParquetWriteResult {
  requests: number;
}

/** Writes one part file. Use {@link PredictionPartWriter.create}. */
export class PredictionPartWriter {
  requests = 0;
  private readonly inferenceId = new DictionaryUtf8Column(dictionaryUtf8(0));
  private readonly eventId = new DictionaryUtf8Column(dictionaryUtf8(1));
  private readonly payloadIndex = new Int64Column(new Int64());
  private readonly inferenceTime = new Int64Column(INFERENCE_TIME_TYPE);
  private readonly label = new DictionaryUtf8Column(dictionaryUtf8(2));
  private readonly labelType = new DictionaryUtf8Column(dictionaryUtf8(3));
  private readonly score = new Float64Column();
  private readonly probabilities = new Float64ListColumn(PROBABILITIES_TYPE);
  private readonly columns: ColumnBuilder[] = [this.inferenceId, this.eventId, this.payloadIndex, this.inferenceTime, this.label, this.labelType, this.score, this.probabilities];

  private constructor(
    private readonly out: ParquetStreamWriter,
    private readonly rowGroupRows: number,
  ) {}

  /**
   * Starts the part at `path` (invisible until {@link close}). `columns` overrides the column encodings (for
   * measurements: any choice reads back the same).
   */
  static async create(storage: Storage, path: string, rowGroupRows = DEFAULT_ROW_GROUP_ROWS, columns: Record<string, ParquetColumnSetting> = PREDICTION_COLUMN_SETTINGS): Promise<PredictionPartWriter> {
    const out = await ParquetStreamWriter.create(storage, path, PREDICTION_SCHEMA, {
      rowGroupRows,
      metadata: { [SCHEMA_VERSION_KEY]: String(STORE_SCHEMA_VERSION) },
      columns,
    });
    return new PredictionPartWriter(out, rowGroupRows);
  }

  /** Whether every payload index of the record fits the int64 column (always, short of absurd indexes >= 2^63). */
  static fits(record: StoreRecord): boolean {
    return record.predictions.every((p) => Int64Column.fits(p.index)) && Number.isInteger(record.inferenceTime);
  }

  /** Appends a record's predictions (check {@link fits} first). */
  add(record: StoreRecord): void {
    this.requests++;
    for (const p of record.predictions) {
      this.inferenceId.append(record.inferenceId);
      this.eventId.append(record.eventId);
      this.payloadIndex.append(p.index);
      this.inferenceTime.append(record.inferenceTime);
      const label = storeLabel(p.label);
      this.label.append(label.text);
      this.labelType.append(label.type);
      this.score.append(p.score);
      this.probabilities.append(p.vector);
      if (this.inferenceId.length === this.rowGroupRows) this.flush();
    }
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

  /** Writes the last row group and the footer; the part is then complete (but not in the hour until a manifest lists it). */
  async close(): Promise<PartWriteResult> {
    this.flush();
    return { ...(await this.out.close()), requests: this.requests };
  }

  abort(): Promise<void> {
    return this.out.abort();
  }
}
