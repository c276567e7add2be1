/**
 * @module Judging an hour from the store instead of its capture: the stored records interpreted with the run's
 * settings (threshold, positive label, binary-score mode: interpret-prediction.ts, as the live run does) and handed
 * to the join as decoded capture records; the hour's capture summary and input errors restored from its manifests,
 * so the report and the input-error gate describe the judged hour. No capture is parsed.
 */
import { ConfigError } from '../errors.ts';
import type { CaptureRecord } from '../ingest/decode-capture-line.ts';
import { type InputErrorTally, RecordProblem } from '../ingest/input-errors.ts';
import { interpretPrediction, type InterpretOptions, type Prediction } from '../ingest/interpret-prediction.ts';
import { emptyCaptureSummary, type CaptureSummary } from '../scan/capture-summary.ts';
import type { ExtractionSettings } from './hour-manifest.ts';
import type { StoredHour, StoredRecord } from './prediction-store-reader.ts';
import { formatHour } from './store-layout.ts';

/** A decoded capture record, as the join (a scan plan's add) takes it. */
export type JoinRecord = CaptureRecord;

/**
 * Checks that the stored predictions were extracted as this run would: the same problem type (else ConfigError,
 * since the readings would mean something else). Returns notes for the report when the inference or probability
 * attribute differs (the stored readings are used as they are: the store keeps what was read, not the responses).
 */
export function checkExtraction(hour: StoredHour, run: ExtractionSettings): string[] {
  const notes: string[] = [];
  for (const m of hour.manifests) {
    if (m.extraction.problem_type !== run.problem_type) {
      throw new ConfigError(
        `config: problem_type is ${run.problem_type}, but the stored hour ${formatHour(hour.hour)} of ${m.endpoint}/${m.variant} holds predictions read as ` +
          `${m.extraction.problem_type}; expected the problem type the hour was stored with (or re-read its capture)`,
      );
    }
    for (const k of ['inference_attribute', 'probability_attribute'] as const) {
      if (m.extraction[k] !== run[k]) {
        notes.push(`${m.variant} ${formatHour(hour.hour)}: stored with ${k} ${JSON.stringify(m.extraction[k])}, this run has ${JSON.stringify(run[k])}; the stored readings are used`);
      }
    }
  }
  return notes;
}

/** A stored record interpreted with the run's settings, or undefined (counted in `tally`) when it cannot be. */
export function interpretStoredRecord(record: StoredRecord, o: InterpretOptions, tally: InputErrorTally): JoinRecord | undefined {
  const predictions: Prediction[] = new Array(record.predictions.length);
  try {
    for (let i = 0; i < predictions.length; i++) {
      const p = record.predictions[i]!;
      predictions[i] = interpretPrediction(p.index, p.label, p.score, p.vector, o);
    }
  } catch (error) {
    if (!(error instanceof RecordProblem)) throw error;
    tally.add(error.reason, { file: record.file, line: record.row, detail: error.detail });
    return undefined;
  }
  const id = record.inferenceId ?? record.eventId!;
  return { status: 'ok', id, idSource: record.inferenceId !== undefined ? 'inferenceId' : 'eventId', inferenceTime: record.inferenceTime, predictions };
}

/**
 * The hour's records for the join, interpreted with `o`. Records the settings cannot interpret (only possible when
 * the hour was stored with another problem type, which {@link checkExtraction} refuses) are counted in `tally`.
 */
export async function* storedJoinRecords(hour: StoredHour, o: InterpretOptions, tally: InputErrorTally): AsyncGenerator<JoinRecord> {
  for await (const record of hour.read()) {
    const line = interpretStoredRecord(record, o, tally);
    if (line !== undefined) yield line;
  }
}

/** The capture summary of a stored hour, as the run report shows a capture read. */
export function storedCaptureSummary(hour: StoredHour): CaptureSummary {
  const c = hour.capture;
  return {
    ...emptyCaptureSummary(hour.locations.join(', ')),
    files: hour.manifests.reduce((n, m) => n + m.parts.length, 0),
    bytes: hour.manifests.reduce((n, m) => n + m.parts.reduce((k, p) => k + p.bytes, 0), 0),
    lines: c.lines,
    requests: c.requests,
    predictions: c.predictions,
    skipped: { ...c.skipped },
    keyed_by_event_id: c.keyed_by_event_id,
  };
}

/** Adds the stored hour's capture input errors to `tally`, so the error gate and the report see the judged hour's. */
export function restoreInputErrors(hour: StoredHour, tally: InputErrorTally): void {
  tally.addFrom(Object.entries(hour.capture.input_errors));
}
