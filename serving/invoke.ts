/**
 * @module One invocation, from request bytes to response text: pick the formats (415, 406), decode the records (400),
 * score them, encode one result per record. No HTTP here, so app.ts stays wiring.
 */

import { decodeRequest } from './codec/decode-request.ts';
import { encodeResults, toRecordResults } from './codec/encode-response.ts';
import { createFeatureSchema, type FeatureSchema } from './codec/feature-rows.ts';
import { negotiateResponse, requestFormat } from './codec/media-type.ts';
import type { LoadedModel } from './model/load-model.ts';
import { predictRows } from './model/predict.ts';

/** What an invocation needs from the HTTP request. */
export interface InvocationRequest {
  readonly body: Uint8Array | undefined;
  readonly contentType: string | undefined;
  readonly accept: string | undefined;
}

/** The response to send. */
export interface InvocationResponse {
  readonly contentType: string;
  readonly body: string;
  /** Number of records scored. */
  readonly records: number;
}

/** Scores the records of one request; throws ServingError subclasses for a request it cannot answer. */
export type Invoker = (request: InvocationRequest) => InvocationResponse;

/** Builds the invoker for a loaded model (the feature schema is computed once here). */
export function createInvoker(loaded: LoadedModel): Invoker {
  const { model } = loaded;
  const schema: FeatureSchema = createFeatureSchema(model.featureNames, model.numFeature);
  return (request) => {
    const format = requestFormat(request.contentType);
    const responseType = negotiateResponse(request.accept);
    const rows = decodeRequest(request.body, format, schema);
    const predictions = predictRows(model, rows.matrix());
    const results = toRecordResults(model.objective, predictions, responseType.verbose);
    return { contentType: responseType.contentType, body: encodeResults(results, responseType), records: rows.numRows };
  };
}
