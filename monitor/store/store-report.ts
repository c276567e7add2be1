/**
 * @module What a run stored in the prediction store, as the run report shows it (monitoring_report.json
 * "prediction_store").
 */

/** The prediction store of a run: where, and what the run stored (monitoring_report.json "prediction_store"). */
export interface StoreReport {
  location: string;
  endpoint: string;
  run_id: string;
  /** The window stored: the fresh window, also when another one is judged. */
  stored_window: { start_time?: string; end_time?: string };
  hours: Array<{ hour: string; variant: string; requests: number; records: number; parts: number; bytes: number }>;
  records: number;
  bytes: number;
  /** Bytes of Parquet per stored prediction (0 without records). */
  bytes_per_record: number;
  /** Records that could not be stored (no inference time to place them in an hour). */
  unstored_records: number;
  /** Input errors of the stored capture lines (kept with each hour; its judgement gates on them). */
  input_errors: number;
}

