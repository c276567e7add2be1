/**
 * @module The capture's WebAssembly escaping (serving/capture/wasm/escape-json.c) against JSON.stringify of the body
 * read as latin1, on bodies whose special bytes fall at every place of a 16-byte block and across blocks, on random
 * bytes, from shared memory at every alignment; and the committed module is the build of its source.
 */
import fc from 'fast-check';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { escapeJsonBytes } from '../../serving/capture/escape-json-wasm.ts';
import { expectCommittedBuild, hasWasmToolchain } from '../helpers/wasm-build.ts';

/** What JSON.stringify gives for the bytes read as latin1, without its quotes, as bytes. */
const reference = (bytes: Uint8Array): Buffer => Buffer.from(JSON.stringify(Buffer.from(bytes).toString('latin1')).slice(1, -1), 'latin1');

const escaped = (bytes: Uint8Array): Buffer => Buffer.from(escapeJsonBytes(bytes));

describe('escapeJsonBytes', () => {
  it('escapes each special byte at every place of a block, before, across and after block ends', () => {
    for (const special of [0x22, 0x5c, 0x00, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1f, 0x7f, 0x80, 0xff, 0x20]) {
      for (let length = 0; length <= 50; length++) {
        for (let at = 0; at < length; at++) {
          const body = Buffer.alloc(length, 0x61);
          body[at] = special;
          expect(escaped(body), `byte ${special.toString(16)} at ${at} of ${length}`).toEqual(reference(body));
        }
      }
    }
  });

  it('escapes bodies made only of special bytes, and long plain ones', () => {
    for (const body of [Buffer.alloc(100, 0x22), Buffer.alloc(33, 0x5c), Buffer.alloc(70, 0x01), Buffer.alloc(100_000, 0x41), Buffer.alloc(0)]) {
      expect(escaped(body)).toEqual(reference(body));
    }
  });

  it('agrees with JSON.stringify on random bytes and JSON text, from shared memory at every alignment (fast-check)', () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      fc.json().map((t) => Buffer.from(t)),
      fc.array(fc.constantFrom(0x22, 0x5c, 0x0a, 0x01, 0x61, 0x20, 0xc3, 0xa9), { maxLength: 200 }).map((a) => Uint8Array.from(a)),
    );
    fc.assert(
      fc.property(bytes, fc.nat({ max: 15 }), (body, offset) => {
        const shared = new Uint8Array(new SharedArrayBuffer(body.length + offset), offset, body.length);
        shared.set(body);
        expect(escaped(shared)).toEqual(reference(body));
        expect(escaped(body)).toEqual(reference(body));
      }),
      { numRuns: 2000 },
    );
  });

  it('grows its memory for a large body and keeps working for small ones after it', () => {
    const large = Buffer.alloc(3_000_000, 0x22);
    const [got, want] = [escaped(large), reference(large)];
    // Buffer.equals, not toEqual: a deep equality of 6 MB byte by byte took over a minute on a loaded CI machine.
    expect(got.length).toBe(want.length);
    expect(got.equals(want)).toBe(true);
    expect(escaped(Buffer.from('a"b'))).toEqual(Buffer.from('a\\"b'));
  });
});

describe('the committed WebAssembly of the escaping', () => {
  it.skipIf(!hasWasmToolchain())('is the build of serving/capture/wasm/escape-json.c (scripts/build-escape-wasm.sh)', () => {
    expectCommittedBuild(fileURLToPath(new URL('../../scripts/build-escape-wasm.sh', import.meta.url)), fileURLToPath(new URL('../../serving/capture/wasm/escape-json-wasm.ts', import.meta.url)), 'ESCAPE_JSON_WASM');
  });
});
