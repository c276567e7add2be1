/**
 * @module Explodes one response payload into predictions, one per record, each with its payload index: what the
 * response said (extract-response.ts) interpreted with the run's settings (interpret-prediction.ts). The capture
 * reader uses this; a judgement from the prediction store interprets stored readings with the same function.
 */
import type { DecodedPayload } from './decode-payload.ts';
import { checkPayloadIndexes, extractResponse, rawPrediction, type ExtractOptions, type RawPrediction, type RawVisitor } from './extract-response.ts';
import { visitFlatResponse, type FlatResponse } from './flat-response.ts';
import { RecordProblem } from './input-errors.ts';
import { interpretPrediction, type InterpretOptions, type Prediction } from './interpret-prediction.ts';

export { negativeLabelFor, interpretPrediction as toPrediction, type Prediction } from './interpret-prediction.ts';
export type { RawPrediction } from './extract-response.ts';

/** Where the predictions are (extraction) and what they mean (interpretation). */
export interface ResponseOptions extends ExtractOptions, InterpretOptions {}

/**
 * Explodes a decoded response into predictions; throws RecordProblem for a response it cannot read. With `raw`,
 * also appends what the response said about each record (for the prediction store); on a throw, `raw` may hold the
 * readings of the records before the failing one, so the caller drops it with the response.
 */
export function explodeResponse(payload: DecodedPayload, o: ResponseOptions, raw?: RawPrediction[]): Prediction[] {
  return explodeReadings((visit) => extractResponse(payload, o, visit), o, raw);
}

/** explodeResponse of a response read from the line's bytes as flat records (flat-response.ts). */
export function explodeFlatResponse(flat: FlatResponse, o: ResponseOptions, raw?: RawPrediction[]): Prediction[] {
  return explodeReadings((visit) => visitFlatResponse(flat, visit), o, raw);
}

/**
 * A response whose readings are whole but that the run's settings cannot interpret: a binary label outside the two
 * classes (prediction_not_binary, the one interpretation problem that depends on the settings). The record is an
 * input error of this run, yet the prediction store keeps what the response said (`readings`, every record's,
 * payload indexes checked): a judgement with other settings (another positive label) reads it as a run with those
 * settings would have.
 */
export class UninterpretedReadings extends RecordProblem {
  constructor(
    problem: RecordProblem,
    readonly readings: RawPrediction[],
  ) {
    super(problem.reason, problem.detail);
  }
}

/** The predictions of the readings `read` visits, interpreted, their payload indexes checked. */
function explodeReadings(read: (visit: RawVisitor) => void, o: ResponseOptions, raw: RawPrediction[] | undefined): Prediction[] {
  const predictions: Prediction[] = [];
  if (raw === undefined) {
    read((index, label, score, vector) => void predictions.push(interpretPrediction(index, label, score, vector, o)));
    checkPayloadIndexes(predictions);
    return predictions;
  }
  let rejected: RecordProblem | undefined;
  read((index, label, score, vector) => {
    raw.push(rawPrediction(index, label, score, vector));
    if (rejected !== undefined) return;
    try {
      predictions.push(interpretPrediction(index, label, score, vector, o));
    } catch (error) {
      if (!(error instanceof RecordProblem) || error.reason !== 'prediction_not_binary') throw error;
      // The rest is still read, for the store; it is not interpreted (the first problem is the record's).
      rejected = error;
    }
  });
  if (rejected !== undefined) {
    checkPayloadIndexes(raw);
    // A copy: the caller may clear `raw` to try another reading of the response.
    throw new UninterpretedReadings(rejected, raw.slice());
  }
  checkPayloadIndexes(predictions);
  return predictions;
}
