/**
 * @module The columns of a stored hour: what each capture record's response said, per prediction, as Parquet
 * (schema version 1). Labels keep their JSON type (label_type) so that a stored "007" stays the string "007", a number
 * stays a number, and interpretation later sees exactly what the live run saw.
 *
 * | column          | type                      | null when                                                  |
 * | --------------- | ------------------------- | ---------------------------------------------------------- |
 * | inference_id    | utf8 (dictionary)         | the record had no inferenceId (it is keyed by event_id)    |
 * | event_id        | utf8 (dictionary)         | the record had no eventId                                  |
 * | payload_index   | int64                     | never                                                      |
 * | inference_time  | timestamp[ms, UTC]        | never (a record without one cannot be placed in an hour)   |
 * | label           | utf8 (dictionary)         | the response gave no label (label_type null too)           |
 * | label_type      | utf8 (dictionary): string, number, boolean, other | as label                                |
 * | score           | float64                   | the response gave no score                                 |
 * | probabilities   | list<float64>             | the response gave no probability vector                    |
 */
import { Dictionary, Field, Float64, Int32, Int64, List, Schema, TimeUnit, Timestamp, Utf8 } from 'apache-arrow';
import type { ParquetColumnSetting } from './parquet-stream-writer.ts';


export const PROBABILITIES_TYPE = new List(new Field('item', new Float64(), false));
export const INFERENCE_TIME_TYPE = new Timestamp(TimeUnit.MILLISECOND, 'UTC');

/** A dictionary-encoded string column's type; each dictionary column of a schema has its own id. */
export const dictionaryUtf8 = (id: number): Dictionary<Utf8, Int32> => new Dictionary(new Utf8(), new Int32(), id);

/**
 * The Arrow schema of a stored part. The string columns are dictionary-encoded in Arrow as in Parquet, so they
 * read back as small dictionaries (pyarrow gives pandas categoricals; DuckDB and Athena read VARCHAR).
 */
export const PREDICTION_SCHEMA = new Schema([
  new Field('inference_id', dictionaryUtf8(0), true),
  new Field('event_id', dictionaryUtf8(1), true),
  new Field('payload_index', new Int64(), false),
  new Field('inference_time', INFERENCE_TIME_TYPE, false),
  new Field('label', dictionaryUtf8(2), true),
  new Field('label_type', dictionaryUtf8(3), true),
  new Field('score', new Float64(), true),
  new Field('probabilities', PROBABILITIES_TYPE, true),
]);

/**
 * Encodings: strings and ints are dictionary-encoded (ids repeat for every record of a request, labels are few);
 * the score is byte-stream-split, which lets ZSTD find the exponent and the zero low bytes of a float32 score
 * widened to float64 (about 3.5 bytes per score on the bench data, against 8 plain).
 */
export const PREDICTION_COLUMN_SETTINGS: Record<string, ParquetColumnSetting> = {
  score: { dictionary: false, encoding: 'BYTE_STREAM_SPLIT' },
};

/** How a label's JSON type is stored. */
export type LabelType = 'string' | 'number' | 'boolean' | 'other';

/** A label candidate as stored: its text and JSON type, both null when the response gave none. */
export interface StoredLabel {
  text: string | null;
  type: LabelType | null;
}

const ABSENT: StoredLabel = { text: null, type: null };

/**
 * The stored form of a label candidate (RawPrediction.label). Strings are kept as they are (not trimmed, not
 * canonicalised); numbers as the shortest text that reads back to the same double ("-0" for negative zero);
 * booleans as "true"/"false"; any other value (null, an object, a non-finite number) as type "other" with its JSON
 * text, for people reading the store (it reads back as null, which interpretation treats alike, except a non-finite
 * number, which reads back as itself: a regression prediction of 1e400 is reported as beyond double precision).
 */
export function storeLabel(raw: unknown): StoredLabel {
  switch (typeof raw) {
    case 'undefined':
      return ABSENT;
    case 'string':
      return { text: raw, type: 'string' };
    case 'number':
      if (!Number.isFinite(raw)) return { text: String(raw), type: 'other' };
      return { text: Object.is(raw, -0) ? '-0' : String(raw), type: 'number' };
    case 'bigint':
      // Not produced by JSON responses; kept as the number JavaScript reads it as elsewhere.
      return { text: String(Number(raw)), type: 'number' };
    case 'boolean':
      return { text: raw ? 'true' : 'false', type: 'boolean' };
    default: {
      let text: string | null;
      try {
        text = JSON.stringify(raw) ?? null;
      } catch {
        text = null; // a cycle or a bigint inside
      }
      return { text, type: 'other' };
    }
  }
}

/** The label candidate a stored label stands for (the inverse of {@link storeLabel} up to interpretation). */
export function loadLabel(text: string | null, type: string | null): unknown {
  switch (type) {
    case null:
      return undefined;
    case 'string':
      return text ?? '';
    case 'number':
      return Number(text);
    case 'boolean':
      return text === 'true';
    default:
      return text !== null && NON_FINITE.has(text) ? Number(text) : null;
  }
}

/** The texts of the non-finite numbers (no JSON text of a value reads so: JSON writes them as null). */
const NON_FINITE: ReadonlySet<string> = new Set(['Infinity', '-Infinity', 'NaN']);

/** The label types a reader accepts. */
export const LABEL_TYPES: ReadonlySet<string> = new Set<LabelType>(['string', 'number', 'boolean', 'other']);
