/**
 * @module The invocation's headers that are not the payload's format: the inference id the caller gave (kept in
 * capture, the monitor's join key) and the body's content coding. Both are checked before the model runs, so a bad
 * header is a 400 or 415 that names it, never a capture line the monitor cannot join.
 */
import type { IncomingMessage } from 'node:http';
import { BadRequestError, showValue, UnsupportedMediaTypeError } from './errors.ts';

const INFERENCE_ID = 'x-amzn-sagemaker-inference-id';
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The X-Amzn-SageMaker-Inference-Id the caller sent, or undefined when it sent none. Node reads header bytes as
 * latin1: an id with non-ASCII characters is read back as the UTF-8 the caller sent. A header sent twice (Node would
 * join the two with ", "), an empty one, or bytes that are not UTF-8 are a 400: SageMaker's InferenceId is one
 * printable string of at least one character.
 */
export function inferenceIdOf(raw: IncomingMessage): string | undefined {
  let value: string | undefined;
  let count = 0;
  const headers = raw.rawHeaders;
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i]!;
    if (name.length === INFERENCE_ID.length && name.toLowerCase() === INFERENCE_ID) {
      value = headers[i + 1]!;
      count++;
    }
  }
  if (value === undefined) return undefined;
  if (count > 1) throw new BadRequestError(`X-Amzn-SageMaker-Inference-Id was sent ${count} times; expected one inference id per request`);
  if (value.trim() === '') throw new BadRequestError('X-Amzn-SageMaker-Inference-Id is empty; expected an inference id of at least one printable character, or no header');
  // eslint-disable-next-line no-control-regex
  if (!/[^\x00-\x7f]/.test(value)) return checkedId(value);
  let id: string;
  try {
    id = utf8.decode(Buffer.from(value, 'latin1'));
  } catch {
    throw new BadRequestError(`X-Amzn-SageMaker-Inference-Id ${showValue(value)} is not valid UTF-8; expected the id as UTF-8 text`);
  }
  return checkedId(id);
}

/** SageMaker's InvokeEndpoint InferenceId: 1 to 64 characters, the first not a space, all printable (`\A\S[\p{Print}]*\z`). */
const MAX_INFERENCE_ID_LENGTH = 64;

/**
 * `id` when InvokeEndpoint would take it: at most 64 characters (UTF-16 code units, as the API counts them), no
 * control character (a tab inside the value; Node refuses the others in a header), no space first (Node strips
 * those). Characters past ASCII are kept as read: whether the API's `\p{Print}` takes them is not documented.
 */
function checkedId(id: string): string {
  if (id.length > MAX_INFERENCE_ID_LENGTH) throw new BadRequestError(`X-Amzn-SageMaker-Inference-Id ${showValue(id)} has ${id.length} characters; expected at most ${MAX_INFERENCE_ID_LENGTH}, as InvokeEndpoint's InferenceId`);
  // eslint-disable-next-line no-control-regex
  if (/^\s|[\x00-\x1f\x7f-\x9f]/.test(id)) throw new BadRequestError(`X-Amzn-SageMaker-Inference-Id ${showValue(id)} holds a control character or starts with a space; expected printable characters, as InvokeEndpoint's InferenceId`);
  return id;
}

/** 415 when the body comes with a content coding other than identity (the server does not decompress). */
export function checkContentEncoding(raw: IncomingMessage): void {
  const coding = raw.headers['content-encoding'];
  if (coding === undefined) return;
  const codings = coding.split(',').map((c) => c.trim().toLowerCase()).filter((c) => c !== '' && c !== 'identity');
  if (codings.length > 0) throw new UnsupportedMediaTypeError(`Content-Encoding ${showValue(coding)} is not supported; send the body uncompressed (no Content-Encoding, or identity)`);
}
