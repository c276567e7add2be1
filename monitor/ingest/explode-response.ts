/**
 * @module Explodes one response payload into predictions, one per record, each with its payload index: what the
 * response said (extract-response.ts) interpreted with the run's settings (interpret-prediction.ts). The capture
 * reader uses this; a judgement from the prediction store interprets stored readings with the same function.
 */
import type { DecodedPayload } from './decode-payload.ts';
import { checkPayloadIndexes, extractResponse, rawPrediction, type ExtractOptions, type RawPrediction, type RawVisitor } from './extract-response.ts';
import { visitFlatResponse, type FlatResponse } from './flat-response.ts';
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

/** The predictions of the readings `read` visits, interpreted, their payload indexes checked. */
function explodeReadings(read: (visit: RawVisitor) => void, o: ResponseOptions, raw: RawPrediction[] | undefined): Prediction[] {
  const predictions: Prediction[] = [];
  read(
    raw === undefined
      ? (index, label, score, vector) => void predictions.push(interpretPrediction(index, label, score, vector, o))
      : (index, label, score, vector) => {
          predictions.push(interpretPrediction(index, label, score, vector, o));
          raw.push(rawPrediction(index, label, score, vector));
        },
  );
  checkPayloadIndexes(predictions);
  return predictions;
}
