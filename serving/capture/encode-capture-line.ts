/**
 * @module Encodes one capture line straight into the writer's byte batch: the bytes of `formatCaptureLine(event) + "\n"`
 * in UTF-8, built without the object, the whole-line JSON.stringify and the re-encode of the old path. Bodies are
 * escaped from their bytes (escape-json-bytes.ts); everything else in the line is a few short strings.
 */

import {
  captureEncoding,
  formatInferenceTime,
  type CaptureContentTypes,
  type CaptureEncoding,
  type CaptureEvent,
  type CapturedPayload,
} from './capture-line.ts';
import { appendJsonStringContentOfBytes } from './escape-json-bytes.ts';
import type { LineBuffer } from './line-buffer.ts';

const BASE64_SLICE_BYTES = 3 * 16 * 1024;

/**
 * Appends the capture line of `event` and its newline to `out`. Key order and bytes are formatCaptureLine's. The fixed
 * parts and short values go in as five strings, so a small line costs few buffer writes.
 */
export function appendCaptureLine(out: LineBuffer, event: CaptureEvent, types: CaptureContentTypes, escapeLater = false): void {
  const { input, output, inferenceId } = event;
  const inputEncoding = captureEncoding(input.contentType, types);
  const outputEncoding = captureEncoding(output.contentType, types);
  out.utf8(`{"captureData":{"endpointInput":{"observedContentType":${JSON.stringify(input.contentType)},"mode":"INPUT","data":"`);
  appendData(out, input, inputEncoding, escapeLater);
  out.utf8(
    `","encoding":"${inputEncoding}"},"endpointOutput":{"observedContentType":${JSON.stringify(output.contentType)},"mode":"OUTPUT","data":"`,
  );
  appendData(out, output, outputEncoding, escapeLater);
  out.utf8(
    `","encoding":"${outputEncoding}"}},"eventMetadata":{"eventId":${JSON.stringify(event.eventId)}` +
      (inferenceId !== undefined ? `,"inferenceId":${JSON.stringify(inferenceId)}` : '') +
      `,"inferenceTime":"${formatInferenceTime(event.inferenceTime)}"},"eventVersion":"0"}\n`,
  );
}

/**
 * Appends what goes between the quotes of `data`. With `escapeLater`, a text body given as bytes is copied raw and
 * listed for escapeBatch (the capture writer's escaping thread).
 */
function appendData(out: LineBuffer, payload: CapturedPayload, encoding: CaptureEncoding, escapeLater: boolean): void {
  const { body } = payload;
  if (encoding === 'BASE64') {
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    // Slices of a multiple of 3 bytes encode to the same base64 as the whole, without one string as large as the body.
    for (let from = 0; from < bytes.length; from += BASE64_SLICE_BYTES) {
      out.latin1(bytes.toString('base64', from, Math.min(bytes.length, from + BASE64_SLICE_BYTES)));
    }
  } else if (typeof body === 'string') {
    out.utf8(JSON.stringify(body).slice(1, -1));
  } else if (escapeLater) {
    out.bytes(body, true);
  } else {
    appendJsonStringContentOfBytes(out, body);
  }
}
