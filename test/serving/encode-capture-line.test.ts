/**
 * The byte encoder of capture lines (encode-capture-line.ts, escape-json-bytes.ts, line-buffer.ts) gives exactly the
 * bytes of the reference string encoder, `formatCaptureLine(event) + "\n"` written as UTF-8: on every byte value, on
 * invalid UTF-8 and control characters, across slice and chunk boundaries, and on random events (fast-check).
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CAPTURE_CONTENT_TYPES, formatCaptureLine, type CaptureContentTypes, type CaptureEvent } from '../../serving/capture/capture-line.ts';
import { appendCaptureLine } from '../../serving/capture/encode-capture-line.ts';
import { escapeBatch } from '../../serving/capture/escape-batch.ts';
import { appendJsonStringOfBytes } from '../../serving/capture/escape-json-bytes.ts';
import { ChunkPool, LineBuffer } from '../../serving/capture/line-buffer.ts';

/** Everything appended to a LineBuffer, as one Buffer. */
function bytesOf(out: LineBuffer): Buffer {
  const { views, bytes } = out.take();
  const all = Buffer.concat(views);
  expect(all.length).toBe(bytes);
  return all;
}

/** The old path: decode as UTF-8 (invalid sequences to U+FFFD), JSON.stringify, encode as UTF-8. */
const referenceJsonString = (body: Uint8Array) => Buffer.from(JSON.stringify(Buffer.from(body).toString('utf8')), 'utf8');

function escaped(body: Uint8Array, sliceBytes?: number, chunkBytes?: number): Buffer {
  const out = new LineBuffer(new ChunkPool(chunkBytes));
  appendJsonStringOfBytes(out, body, sliceBytes);
  return bytesOf(out);
}

const referenceLine = (event: CaptureEvent, types: CaptureContentTypes = DEFAULT_CAPTURE_CONTENT_TYPES) =>
  Buffer.from(`${formatCaptureLine(event, types)}\n`, 'utf8');

function encodedLines(events: readonly CaptureEvent[], types: CaptureContentTypes = DEFAULT_CAPTURE_CONTENT_TYPES, chunkBytes?: number): Buffer {
  const out = new LineBuffer(new ChunkPool(chunkBytes));
  for (const event of events) appendCaptureLine(out, event, types);
  return bytesOf(out);
}

/** The same lines with the bodies appended raw into shared chunks, then escaped by escapeBatch (the escaping thread's way). */
function escapedLater(events: readonly CaptureEvent[], types: CaptureContentTypes, chunkBytes?: number, outChunkBytes?: number): Buffer {
  const raw = new LineBuffer(new ChunkPool(chunkBytes, true));
  for (const event of events) appendCaptureLine(raw, event, types, true);
  const taken = raw.take();
  expect(taken.views.every((v) => v.buffer instanceof SharedArrayBuffer)).toBe(true);
  const out = new LineBuffer(new ChunkPool(outChunkBytes));
  escapeBatch(taken, out);
  return bytesOf(out);
}

/** Any UTF-16 text, lone surrogates included (fc.string's 'binary' unit is much slower to generate). */
const anyText = (maxLength: number) =>
  fc
    .array(fc.oneof(fc.integer({ min: 0, max: 0xffff }).map((u) => String.fromCharCode(u)), fc.integer({ min: 0x10000, max: 0x10ffff }).map((c) => String.fromCodePoint(c))), { maxLength })
    .map((units) => units.join(''));

/** Byte sequences that are not valid UTF-8, each a different reason, and edge cases that are. */
const INVALID_UTF8: readonly number[][] = [
  [0x80], // lone continuation byte
  [0xbf, 0x80],
  [0xc0, 0x80], // overlong NUL
  [0xc1, 0xbf], // overlong
  [0xe0, 0x80, 0x80], // overlong 3-byte
  [0xf0, 0x80, 0x80, 0x80], // overlong 4-byte
  [0xed, 0xa0, 0x80], // UTF-16 high surrogate D800 encoded
  [0xed, 0xbf, 0xbf], // low surrogate DFFF
  [0xf4, 0x90, 0x80, 0x80], // above U+10FFFF
  [0xf5, 0x80, 0x80, 0x80],
  [0xfe],
  [0xff],
  [0xe2, 0x82], // truncated 3-byte sequence
  [0xf0, 0x9f, 0x98], // truncated 4-byte sequence
  [0xc3], // truncated 2-byte sequence at the very end
  [0xe2, 0x41, 0x42], // lead byte followed by ASCII
];
const VALID_EDGES: readonly number[][] = [
  [0xef, 0xbb, 0xbf], // BOM: kept, as toString('utf8') keeps it
  [0xe2, 0x80, 0xa8], // U+2028, not escaped by JSON.stringify
  [0xe2, 0x80, 0xa9], // U+2029
  [0xc2, 0x80], // U+0080, a C1 control: not escaped
  [0xc2, 0x9f],
  [0x7f], // DEL: not escaped
  [0xf0, 0x9f, 0x98, 0x80], // U+1F600, a surrogate pair in UTF-16
  [0xf4, 0x8f, 0xbf, 0xbf], // U+10FFFF
  [0xee, 0x80, 0x80], // U+E000, just past the surrogates
  [0xed, 0x9f, 0xbf], // U+D7FF, just before them
];

describe('appendJsonStringOfBytes', () => {
  it('escapes every byte value alone, between text, and doubled, as the old path does', () => {
    for (let b = 0; b < 256; b++) {
      for (const body of [[b], [0x61, b, 0x7a], [b, b], [0x22, b, 0x5c]]) {
        const bytes = Uint8Array.from(body);
        expect(escaped(bytes), `bytes ${body.map((x) => x.toString(16)).join(' ')}`).toEqual(referenceJsonString(bytes));
      }
    }
  });

  it('writes every control character as JSON.stringify does: \\b \\t \\n \\f \\r short, the others \\u00xx in lower case', () => {
    const controls = Uint8Array.from({ length: 32 }, (_, i) => i);
    const text = escaped(controls).toString('latin1');
    expect(text).toBe(JSON.stringify(String.fromCharCode(...controls)));
    expect(text).toContain('\\u001f');
    expect(text).toContain('\\b\\t\\n\\u000b\\f\\r');
  });

  it('reads invalid UTF-8 as U+FFFD exactly as toString("utf8") does, and keeps valid edge cases byte for byte', () => {
    for (const seq of [...INVALID_UTF8, ...VALID_EDGES]) {
      for (const body of [seq, [0x22, ...seq, 0x0a, ...seq, 0x5c], [...seq, ...seq]]) {
        const bytes = Uint8Array.from(body);
        expect(escaped(bytes), `bytes ${body.map((x) => x.toString(16)).join(' ')}`).toEqual(referenceJsonString(bytes));
      }
    }
    expect(escaped(Uint8Array.from([0xff])).toString('utf8')).toBe('"\uFFFD"');
    expect(escaped(Uint8Array.from([0xe2, 0x80, 0xa8]))).toEqual(Buffer.from([0x22, 0xe2, 0x80, 0xa8, 0x22]));
  });

  it('gives the same bytes wherever the slices and chunks cut the body, multi-byte characters included', () => {
    const body = Buffer.from('{"a":"é\\"x\u2028😀"}\n\t\u0001€', 'utf8');
    const expected = referenceJsonString(body);
    for (let slice = 1; slice <= body.length + 1; slice++) {
      for (const chunk of [1, 2, 3, 5, 8, 64, 1 << 18]) expect(escaped(body, slice, chunk), `slice ${slice}, chunk ${chunk}`).toEqual(expected);
    }
  });

  it('takes Uint8Array views at an offset, and empty bodies', () => {
    const backing = Buffer.from('xx"héllo"yy');
    const view = new Uint8Array(backing.buffer, backing.byteOffset + 2, backing.length - 4);
    expect(escaped(view)).toEqual(referenceJsonString(view));
    expect(escaped(new Uint8Array(0))).toEqual(Buffer.from('""'));
  });

  it('matches the old path on random bytes (fast-check), across random slice and chunk sizes', () => {
    const fragment = fc.oneof(
      fc.uint8Array({ maxLength: 8 }),
      fc.constantFrom(...INVALID_UTF8, ...VALID_EDGES).map((s) => Uint8Array.from(s)),
      fc.string({ unit: 'grapheme', maxLength: 12 }).map((s) => new Uint8Array(Buffer.from(s, 'utf8'))),
      fc.constantFrom('"', '\\', '\\"', '\n', '\u0000', '{"k":[1,"v"]}').map((s) => new Uint8Array(Buffer.from(s, 'utf8'))),
    );
    const body = fc.array(fragment, { maxLength: 20 }).map((parts) => new Uint8Array(Buffer.concat(parts)));
    fc.assert(
      fc.property(body, fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 96 }), (bytes, slice, chunk) => {
        expect(escaped(bytes, slice, chunk)).toEqual(referenceJsonString(bytes));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('appendCaptureLine', () => {
  const time = new Date('2026-03-01T08:15:30.999Z');

  it('gives the reference bytes for JSON, CSV and BASE64 payloads, bytes or strings, with and without an inference id', () => {
    const json = Buffer.from('[{"a":1,"b":"x\\"y"}]');
    const csv = Buffer.from('1,2\r\n3,"4"\n');
    const events: CaptureEvent[] = [
      { input: { contentType: 'application/json', body: json }, output: { contentType: 'application/json', body: '[{"payload_index":0}]' }, eventId: 'e-1', inferenceId: '42', inferenceTime: time },
      { input: { contentType: 'text/csv; charset=utf-8', body: csv }, output: { contentType: 'text/csv', body: Buffer.from('1,0.5\n') }, eventId: 'e-2', inferenceTime: time },
      { input: { contentType: 'application/jsonlines', body: Buffer.from('{"a":1}\n') }, output: { contentType: 'application/octet-stream', body: 'ünï\n' }, eventId: 'e-3', inferenceId: '', inferenceTime: time },
      { input: { contentType: '', body: new Uint8Array(0) }, output: { contentType: 'application/json', body: '' }, eventId: 'e-4', inferenceTime: time },
    ];
    for (const event of events) expect(encodedLines([event]).toString('utf8')).toBe(referenceLine(event).toString('utf8'));
    expect(encodedLines(events)).toEqual(Buffer.concat(events.map((e) => referenceLine(e))));
  });

  it('escapes header values as the reference does: quotes, backslashes, controls, latin1 and other non-ASCII characters', () => {
    const event: CaptureEvent = {
      input: { contentType: 'application/json; name="a\\b"\u00e9', body: Buffer.from('{}') },
      output: { contentType: 'application/json', body: Buffer.from('[]') },
      eventId: 'id\u0000\u001f\u007f',
      inferenceId: 'caf\u00e9 "\\\n\u2028\ud83d\ude00 lone \ud800',
      inferenceTime: time,
    };
    expect(encodedLines([event])).toEqual(referenceLine(event));
  });

  it('matches the reference on random events (fast-check), many lines per buffer, random chunk sizes', () => {
    const types: CaptureContentTypes = { json: ['application/json', 'application/jsonlines'], csv: ['text/csv'] };
    const contentType = fc.constantFrom('application/json', 'Application/JSON ; charset=utf-8', 'text/csv', 'text/csv; header=present', 'application/jsonlines', 'application/x-npy', 'image/png', '');
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 64 }),
      anyText(40).map((s) => new Uint8Array(Buffer.from(s, 'utf8'))),
      fc.json().map((s) => new Uint8Array(Buffer.from(s, 'utf8'))),
    );
    const body = fc.oneof(bytes, anyText(40));
    const event = fc.record({
      input: fc.record({ contentType, body }),
      output: fc.record({ contentType, body }),
      eventId: fc.string({ maxLength: 40 }),
      inferenceId: fc.option(anyText(20), { nil: undefined }),
      inferenceTime: fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true }),
    });
    fc.assert(
      fc.property(fc.array(event, { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1, max: 200 }), (events, chunk, outChunk) => {
        const expected = Buffer.concat(events.map((e) => referenceLine(e, types)));
        expect(encodedLines(events, types, chunk)).toEqual(expected);
        expect(escapedLater(events, types, chunk, outChunk)).toEqual(expected);
      }),
      { numRuns: 600 },
    );
  });
});

describe('escapeBatch (bodies appended raw, escaped later)', () => {
  const body = (text: string) => new Uint8Array(Buffer.from(text, 'latin1'));
  const event = (input: Uint8Array | string, output: Uint8Array | string, contentType = 'application/json'): CaptureEvent => ({
    input: { contentType, body: input },
    output: { contentType: 'application/json', body: output },
    eventId: 'e-1',
    inferenceId: 'i-1',
    inferenceTime: new Date('2026-03-01T08:15:30Z'),
  });

  it('lists each text body given as bytes, and only those, as a region; strings and BASE64 bodies are final', () => {
    const raw = new LineBuffer(new ChunkPool(64, true));
    appendCaptureLine(raw, event(body('[1,"a"]'), 'text body'), DEFAULT_CAPTURE_CONTENT_TYPES, true);
    appendCaptureLine(raw, event(body('\x00'), body(''), 'image/png'), DEFAULT_CAPTURE_CONTENT_TYPES, true);
    appendCaptureLine(raw, event(body('a\nb'), body('"q"'), 'text/csv'), DEFAULT_CAPTURE_CONTENT_TYPES, true);
    const taken = raw.take();
    const all = Buffer.concat(taken.views);
    const regions: string[] = [];
    for (let r = 0; r < taken.regions.length; r += 2) regions.push(all.toString('latin1', taken.regions[r], taken.regions[r + 1]));
    expect(regions).toEqual(['[1,"a"]', 'a\nb', '"q"']);
  });

  it('gives the reference bytes for a body larger than a chunk, invalid UTF-8 and every control character', () => {
    const controls = Uint8Array.from({ length: 40 }, (_, i) => i);
    const events = (big: Uint8Array) => [event(big, body('[0]')), event(Uint8Array.from([0xff, 0x22, 0xc3]), controls), event(new Uint8Array(0), big, 'text/csv')];
    // Larger than the default 256 KiB chunk, and than 100-byte chunks.
    for (const [repeat, chunk, outChunk] of [[30_000, undefined, undefined], [40, 100, 7]] as const) {
      const all = events(new Uint8Array(Buffer.from(`[${'{"k":"v\\"},'.repeat(repeat)}1]`, 'utf8')));
      // Buffer.equals: toEqual walks 800 KB byte by byte.
      expect(escapedLater(all, DEFAULT_CAPTURE_CONTENT_TYPES, chunk, outChunk).equals(Buffer.concat(all.map((e) => referenceLine(e))))).toBe(true);
    }
  });

  it('refuses regions that do not fit the views it is given', () => {
    const out = new LineBuffer(new ChunkPool());
    expect(() => escapeBatch({ views: [Buffer.from('abc'), Buffer.from('def')], regions: [2, 4] }, out)).toThrow('crosses a view');
    expect(() => escapeBatch({ views: [Buffer.from('abc')], regions: [1, 2, 5, 6] }, out)).toThrow('past the batch');
  });
});
