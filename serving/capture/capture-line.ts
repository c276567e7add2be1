/**
 * @module Formats one SageMaker data-capture line (see shared docs, sagemaker-contract.md §4.1):
 *
 *   {"captureData":{"endpointInput":{"observedContentType","mode":"INPUT","data","encoding"},
 *                   "endpointOutput":{... "mode":"OUTPUT" ...}},
 *    "eventMetadata":{"eventId","inferenceId"?,"inferenceTime"},"eventVersion":"0"}
 *
 * Key order follows the service's lines. `data` is the body as text with encoding "JSON" or "CSV" when its content type
 * is one of the configured JSON/CSV types (SageMaker's CaptureContentTypeHeader; the SDK's defaults are
 * application/json and text/csv), else base64 with encoding "BASE64".
 */

/** Which content types are captured as text (the rest as BASE64). Media types, lower case, without parameters. */
export interface CaptureContentTypes {
  readonly json: readonly string[];
  readonly csv: readonly string[];
}

/** SageMaker Python SDK's DataCaptureConfig defaults. */
export const DEFAULT_CAPTURE_CONTENT_TYPES: CaptureContentTypes = { json: ['application/json'], csv: ['text/csv'] };

/** One side of an invocation as observed on the wire. */
export interface CapturedPayload {
  /** The Content-Type header as sent (parameters included). */
  readonly contentType: string;
  readonly body: Uint8Array | string;
}

/** Everything one capture line holds. */
export interface CaptureEvent {
  readonly input: CapturedPayload;
  readonly output: CapturedPayload;
  readonly eventId: string;
  /** From the X-Amzn-SageMaker-Inference-Id header; omitted from the line when the caller sent none. */
  readonly inferenceId?: string | undefined;
  readonly inferenceTime: Date;
}

/** `YYYY-MM-DDTHH:MM:SSZ`, the service's inferenceTime format (UTC, whole seconds). */
export function formatInferenceTime(time: Date): string {
  return `${time.toISOString().slice(0, 19)}Z`;
}

/** How a payload is captured: "JSON" or "CSV" (as text) when its media type is configured as such, else "BASE64". */
export type CaptureEncoding = 'JSON' | 'CSV' | 'BASE64';

/** The capture encoding of a Content-Type header (parameters ignored, media type compared in lower case). */
export function captureEncoding(contentType: string, types: CaptureContentTypes): CaptureEncoding {
  const media = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  return types.json.includes(media) ? 'JSON' : types.csv.includes(media) ? 'CSV' : 'BASE64';
}

function encodePayload(payload: CapturedPayload, mode: 'INPUT' | 'OUTPUT', types: CaptureContentTypes) {
  const encoding = captureEncoding(payload.contentType, types);
  const { body } = payload;
  const bytes = typeof body === 'string' ? undefined : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  let data: string;
  if (encoding === 'BASE64') data = (bytes ?? Buffer.from(body as string, 'utf8')).toString('base64');
  else data = bytes ? bytes.toString('utf8') : (body as string);
  return { observedContentType: payload.contentType, mode, data, encoding };
}

/**
 * The capture line for one invocation, without the trailing newline. The reference form of the format: the writer
 * encodes lines to bytes with `appendCaptureLine` (encode-capture-line.ts), which must give the same bytes as this
 * line in UTF-8 (test/serving/encode-capture-line.test.ts checks it on every byte class and on random input).
 */
export function formatCaptureLine(event: CaptureEvent, types: CaptureContentTypes = DEFAULT_CAPTURE_CONTENT_TYPES): string {
  const eventMetadata: Record<string, string> = { eventId: event.eventId };
  if (event.inferenceId !== undefined) eventMetadata['inferenceId'] = event.inferenceId;
  eventMetadata['inferenceTime'] = formatInferenceTime(event.inferenceTime);
  return JSON.stringify({
    captureData: {
      endpointInput: encodePayload(event.input, 'INPUT', types),
      endpointOutput: encodePayload(event.output, 'OUTPUT', types),
    },
    eventMetadata,
    eventVersion: '0',
  });
}
