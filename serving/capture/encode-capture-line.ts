/**
 * @module Encodes one capture line straight into the writer's byte batch: the bytes of `formatCaptureLine(event) + "\n"`
 * in UTF-8, built without the object, the whole-line JSON.stringify and the re-encode of the old path. Bodies are
 * escaped from their bytes (escape-json-bytes.ts); everything else in the line is a few short strings.
 */

import { captureEncoding, formatInferenceTime, type CaptureContentTypes, type CaptureEvent, type CapturedPayload } from './capture-line.ts';
import { appendJsonStringOfBytes } from './escape-json-bytes.ts';
import type { LineBuffer } from './line-buffer.ts';

const BASE64_SLICE_BYTES = 3 * 16 * 1024;

/** Appends the capture line of `event` and its newline to `out`. Key order and bytes are formatCaptureLine's. */
export function appendCaptureLine(out: LineBuffer, event: CaptureEvent, types: CaptureContentTypes): void {
  out.latin1('{"captureData":{"endpointInput":');
  appendPayload(out, event.input, 'INPUT', types);
  out.latin1(',"endpointOutput":');
  appendPayload(out, event.output, 'OUTPUT', types);
  out.latin1('},"eventMetadata":{"eventId":');
  out.utf8(JSON.stringify(event.eventId));
  if (event.inferenceId !== undefined) {
    out.latin1(',"inferenceId":');
    out.utf8(JSON.stringify(event.inferenceId));
  }
  out.latin1(`,"inferenceTime":"${formatInferenceTime(event.inferenceTime)}"},"eventVersion":"0"}\n`);
}

function appendPayload(out: LineBuffer, payload: CapturedPayload, mode: 'INPUT' | 'OUTPUT', types: CaptureContentTypes): void {
  const encoding = captureEncoding(payload.contentType, types);
  out.latin1('{"observedContentType":');
  out.utf8(JSON.stringify(payload.contentType));
  out.latin1(`,"mode":"${mode}","data":`);
  const { body } = payload;
  if (encoding === 'BASE64') {
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    out.latin1('"');
    // Slices of a multiple of 3 bytes encode to the same base64 as the whole, without one string as large as the body.
    for (let from = 0; from < bytes.length; from += BASE64_SLICE_BYTES) {
      out.latin1(bytes.toString('base64', from, Math.min(bytes.length, from + BASE64_SLICE_BYTES)));
    }
    out.latin1('"');
  } else if (typeof body === 'string') {
    out.utf8(JSON.stringify(body));
  } else {
    appendJsonStringOfBytes(out, body);
  }
  out.latin1(`,"encoding":"${encoding}"}`);
}
