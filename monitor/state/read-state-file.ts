/**
 * @module Reads a run-state file from a folder or S3 without trusting its size: the preamble is checked first, the
 * lengths it declares bound what is read, and a stream that ends early or runs long fails with the file's name
 * instead of filling memory.
 */
import { InputError } from '../errors.ts';
import type { Storage } from '../storage/storage.ts';
import { hex, MAX_HEADER_BYTES, STATE_CONTAINER_VERSION, STATE_MAGIC, unpack, type UnpackedState } from './state-file.ts';

/** Largest state file read by default: 4 GiB (Node's largest Buffer). */
export const DEFAULT_MAX_STATE_BYTES = 4 * 1024 ** 3;

const PREAMBLE_BYTES = 32;
const CHECKSUM_BYTES = 32;

/** The total size a preamble declares, or why it cannot be read (checked before the rest is read). */
export function declaredStateSize(preamble: Uint8Array): number | string {
  if (!STATE_MAGIC.every((b, i) => preamble[i] === b)) return `not an mpm state file: it starts with ${hex(preamble.subarray(0, 8))}, expected ${hex(STATE_MAGIC)}`;
  const view = new DataView(preamble.buffer, preamble.byteOffset, PREAMBLE_BYTES);
  const version = view.getUint32(8, true);
  if (version !== STATE_CONTAINER_VERSION) return `container version ${version} is not supported; this mpm reads version ${STATE_CONTAINER_VERSION}`;
  const headerLength = view.getUint32(16, true);
  if (headerLength > MAX_HEADER_BYTES) return `its header is ${headerLength} bytes, above the limit of ${MAX_HEADER_BYTES}`;
  const data = view.getBigUint64(24, true);
  if (data > BigInt(Number.MAX_SAFE_INTEGER)) return `its data length ${data} is not a plausible size`;
  return Math.ceil((PREAMBLE_BYTES + headerLength) / 8) * 8 + Number(data) + CHECKSUM_BYTES;
}

/**
 * Reads and unpacks the state file at `path`. Memory is at most the size its preamble declares, and never more than
 * `maxBytes` (default 4 GiB). Every problem is an InputError naming the file.
 */
export async function readStateFile(storage: Storage, path: string, maxBytes = DEFAULT_MAX_STATE_BYTES): Promise<UnpackedState> {
  const file = storage.describe(path);
  const fail = (why: string): never => {
    throw new InputError(`state: ${file}: ${why}`);
  };
  let stream;
  try {
    stream = await storage.openRead(path);
  } catch (error) {
    return fail(`cannot be read (${(error as Error).message})`);
  }
  const chunks: Buffer[] = [];
  let received = 0;
  let expected: number | undefined;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      received += chunk.length;
      if (expected === undefined && received >= PREAMBLE_BYTES) {
        const declared = declaredStateSize(Buffer.concat(chunks).subarray(0, PREAMBLE_BYTES));
        if (typeof declared === 'string') fail(declared);
        expected = declared as number;
        if (expected > maxBytes) fail(`its lengths say ${expected} bytes, above the ${maxBytes}-byte limit`);
      }
      if (expected !== undefined && received > expected) fail(`the file is longer than the ${expected} bytes its lengths add up to`);
    }
  } catch (error) {
    if (error instanceof InputError) {
      (stream as { destroy?: () => void }).destroy?.();
      throw error;
    }
    return fail(`could not be read to the end (${(error as Error).message})`);
  }
  return unpack(Buffer.concat(chunks, received), file);
}
