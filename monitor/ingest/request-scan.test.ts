/**
 * @module The request scan against the JSON.parse-based count (count-request.ts) on the same payloads: every shape,
 * every escape of both layers, broken requests and broken lines, in JavaScript and in WebAssembly, plus property
 * tests over random requests embedded in capture lines with random escaping and random corruptions.
 */
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countRequestRecords } from './count-request.ts';
import { payloadLines, type PayloadKind } from './decode-payload.ts';
import { countRequestLines, scanJsonRequest, skipJsonString } from './request-scan.ts';
import { requestScans, WASM_MAX_BYTES, wasmCountRequestLines, wasmScanJsonRequest, wasmSkipJsonString } from './request-scan-wasm.ts';
import { jsonLiteral, type LiteralEscape } from '../../test/helpers/json-literal.ts';
import { expectCommittedBuild, hasWasmToolchain } from '../../test/helpers/wasm-build.ts';

type Outcome = number[] | 'invalid_request' | 'invalid_line';

/**
 * Today's answer: JSON.parse of the line-level string, then count-request.ts; for lines, payloadLines (a CSV request
 * holding a quote is counted from its text by decode-capture-bytes.ts, csv-records.ts: not the scan's concern).
 */
function expected(literal: Buffer, kind: PayloadKind): Outcome {
  let text: string;
  try {
    text = JSON.parse(literal.toString('utf8')) as string;
  } catch {
    return 'invalid_line';
  }
  if (kind !== 'json') return [payloadLines(text).length];
  try {
    return countRequestRecords({ text, kind }).counts;
  } catch {
    return 'invalid_request';
  }
}

/**
 * The scans' answer for the same line-level string, placed inside a line (bytes around it). A string that ends
 * elsewhere than the literal's end (a stray quote or backslash) is not the literal: 'invalid_line' too.
 */
function scanned(literal: Buffer, kind: PayloadKind, engine: 'js' | 'wasm'): Outcome {
  const line = Buffer.concat([Buffer.from('{"data":'), literal, Buffer.from(',"x":1}')]);
  const start = 9;
  const close = start + literal.length - 2;
  const skip = engine === 'js' ? skipJsonString(line, start, line.length) : wasmSkipJsonString(line, start, line.length);
  if (kind === 'json') {
    const r = engine === 'js' ? scanJsonRequest(line, start, line.length) : wasmScanJsonRequest(line, start, line.length);
    if (r.status === 'invalid_line') return 'invalid_line';
    expect(r.end).toBe(skip);
    if (r.end !== close) return 'invalid_line';
    return r.status === 'ok' ? r.counts : 'invalid_request';
  }
  const r = engine === 'js' ? countRequestLines(line, start, line.length) : wasmCountRequestLines(line, start, line.length);
  if (r.status === 'invalid_line') return 'invalid_line';
  expect(r.end).toBe(skip);
  if (r.end !== close) return 'invalid_line';
  return [r.count];
}

/** A line-level string literal for `text`, escaped as chosen. */
function literalOf(text: string, escape: LiteralEscape = 'plain'): Buffer {
  return Buffer.from(jsonLiteral(text, escape));
}

function agree(literal: Buffer, kind: PayloadKind): void {
  const want = expected(literal, kind);
  expect({ js: scanned(literal, kind, 'js'), wasm: scanned(literal, kind, 'wasm') }).toEqual({ js: want, wasm: want });
}

const JSON_REQUESTS = [
  // the seed's array of records, arrays of arrays, scalars
  '[{"Elevation":2596,"Aspect":51},{"Elevation":2590,"Aspect":56}]',
  '[[1,2],[3,4],[5,6]]',
  '[1.5, -2, 3e10, 0, -0.0, 1E+2, 2e-3]',
  '[]',
  ' [ ] ',
  '[{}]',
  '[[]]',
  '["a","b"]',
  '[true,false,null]',
  '[null]',
  '"one string"',
  '5',
  'null',
  '{}',
  // wrappers
  '{"instances":[{"features":[1,2]},{"features":[3,4]}]}',
  '{"inputs":{"f1":[1,3,5],"f2":[2,4,6]}}',
  '{"inputs":[[1],[2]]}',
  '{"instances":[1.0,2.0,5.0]}',
  '{"data":[[1],[2]],"instances":[1]}',
  '{"rows":{"rows":[1,2]}}',
  '{"records":{"a":{"0":1,"1":2},"b":{"0":3,"1":4}}}',
  '{"instances":null}',
  '{"instances":5,"x":[1,2]}',
  '{"instances":"text","x":[1,2],"y":[3,4]}',
  '{"instances":[],"inputs":[1,2]}',
  // columnar (pandas orient=list and orient=dict) and single records
  '{"f1":[1,3,5],"f2":[2,4,6]}',
  '{"f1":{"0":1,"1":3},"f2":{"0":2,"1":4}}',
  '{"f1":{"0":1,"0":3},"f2":{"0":2,"1":4}}',
  '{"f1":{"0":1,"\\u0030":3},"f2":{"0":2}}',
  '{"features":[1,2,3]}',
  '{"customer":{"age":30,"income":5}}',
  '{"Elevation":2596,"Aspect":51}',
  '{"f1":[1,2],"f2":[3]}',
  '{"a":[1,2],"a":[1,2,3],"b":[1,2,3]}',
  '{"a":[1,2,3],"b":[1,2,3],"a":[1,2]}',
  '{"\\u0061":[1],"a":[1,2]}',
  '{"\\ud800":[1,2],"\\udc00":[1,2]}',
  '{"__proto__":[1,2],"constructor":[3,4]}',
  '{"é":[1],"e\\u0301":[1,2]}',
  '{"a":[1,2],"b":null}',
  '{"a":[[1],[2]],"b":[[3],[4]]}',
  '{"0":[1,2],"1":[3,4]}',
  // strings holding brackets, commas, quotes and escapes
  '[{"a":"]},{"},{"a":"[[["}]',
  '["\\u005d,\\"", 1]',
  '["\\"","\\\\","\\/","\\b\\f\\n\\r\\t","\\u0041\\u00e9\\ud83d\\ude00"]',
  '["\\\\\\"]"]',
  '["é ☃ 😀"]',
  '[{"k":"v"}, {"k":"a,b"}, {"k":"{}"}]',
  // whitespace of every JSON kind
  '[\n  {"a": 1},\r\n\t{"a": 2}\n]\n',
  // Python's json.dumps separators, and spaces around every token of a record (the records' fast lane skips spaces)
  '[{"Elevation": 2596, "Aspect": 51, "Soil": "loam"}, {"Elevation": 2590, "Aspect": 56, "Soil": "clay"}]',
  '[{"a" : 1 , "b" :  "x" ,  "c":-2.5e3 }, {"a":1,"b":"y"}]',
  '[{"a": [1, 2], "b": {"c": 1}, "d": true, "e": null}]',
  '[[1, 2], [3, 4]]',
  '[{"a":,1}]',
  '[{"a": ,1}]',
  '[{"a":1,,"b":2}]',
  '[{"a":1, ,"b":2}]',
  '[{"a":1, }]',
  '[{"a": }]',
  '[{"a":1 "b":2}]',
  '[{"a": 1}, ]',
  '[{"a": 1} {"a": 2}]',
  '[1, ,2]',
  // numbers inside records (the records' lane reads digits, fractions and exponents itself, and one digit before a
  // comma in one step): valid forms, then broken ones
  '[{"a":1,"b":2},{"a":3,"b":4}]',
  '[{"a":1.5,"b":-0.25e-3,"c":0,"d":7}]',
  '[{"a":0.4180349e-05,"b":12.5E+10,"c":3e7,"d":-0,"e":0.0,"f":1E5,"g":1e05}, {"a":1,"b":2,"c":3}]',
  '[{"a":123456789012345678901234567890.123456789012345678901234567890e-123}]',
  '[{"a": 1.5 , "b": 2e3}]',
  '[{"a":1.}]',
  '[{"a":1.e5}]',
  '[{"a":1e}]',
  '[{"a":1e+}]',
  '[{"a":1e-,"b":1}]',
  '[{"a":-}]',
  '[{"a":-.5}]',
  '[{"a":.5}]',
  '[{"a":01}]',
  '[{"a":00,"b":1}]',
  '[{"a":01.5}]',
  '[{"a":1.5.3}]',
  '[{"a":1e5e5}]',
  '[{"a":1.5e5.3}]',
  '[{"a":1E}]',
  '[{"a":+1}]',
  '[{"a":5,}]',
  '[{"a":5,]',
  '[{"a":5,5}]',
  '[{"a":5 ,"b":1}]',
  '[{"a":9,"b":1x}]',
  '[{"a":7}',
  '[{"a":7',
  '[{"a":7,',
  '[{"a":1.25',
  '[{"a":1e',
  // invalid requests
  '',
  '   ',
  '[1,2',
  '[1,]',
  '[,1]',
  '{"a":1,}',
  '{"a" 1}',
  '{"a":}',
  '{1:2}',
  "{'a':1}",
  '[01]',
  '[1.]',
  '[.5]',
  '[-]',
  '[+1]',
  '[1e]',
  '[1e+]',
  '[0x10]',
  '[NaN]',
  '[Infinity]',
  '[tru]',
  '[nul]',
  '[True]',
  '[1]]',
  '[[1]',
  '{"a":[}',
  '[1] x',
  '[1][2]',
  '["a\u0001"]',
  '["a\tb"]',
  '["a\nb"]',
  '["\\x"]',
  '["\\u00G0"]',
  '["\\u00"]',
  '["abc',
  '\uFEFF[]',
  '[1]\u00a0',
  '\u000b[]',
  '[\u2028]',
];

describe('scanJsonRequest (JavaScript and WebAssembly) against JSON.parse + count-request.ts', () => {
  for (const escape of ['plain', 'unicode-structural', 'unicode-all', 'solidus'] as const) {
    it(`gives today's count or refusal for every request shape, line-level escapes ${escape}`, () => {
      for (const text of JSON_REQUESTS) agree(literalOf(text, escape), 'json');
    });
  }

  it('reads invalid UTF-8 inside request strings as U+FFFD (valid) and outside them as an error', () => {
    const cases = [
      Buffer.from([0x22, 0x5b, 0x5c, 0x22, 0xff, 0xfe, 0x5c, 0x22, 0x5d, 0x22]), // ["\xff\xfe"]
      Buffer.from([0x22, 0x5b, 0x5c, 0x22, 0xe2, 0x82, 0x5c, 0x22, 0x5d, 0x22]), // truncated sequence, then the quote
      Buffer.from([0x22, 0x5b, 0xff, 0x5d, 0x22]), // [\xff]
      Buffer.from([0x22, 0x7b, 0x5c, 0x22, 0xc3, 0x5c, 0x22, 0x3a, 0x5b, 0x31, 0x5d, 0x2c, 0x5c, 0x22, 0xc4, 0x5c, 0x22, 0x3a, 0x5b, 0x31, 0x2c, 0x32, 0x5d, 0x7d, 0x22]), // two keys that both decode to U+FFFD
      Buffer.from([0x22, 0x5b, 0x31, 0x5d, 0xed, 0xa0, 0x80, 0x22]),
    ];
    for (const literal of cases) agree(literal, 'json');
  });

  it('refuses a line-level string that is not valid JSON (the line is then invalid)', () => {
    for (const literal of ['"[1]', '"[\\x]"', '"[\t]"', '"[\\u12"', '"[\\u12g4]"', '"[1]\\', '"[\\"a\\"]\\']) {
      const buf = Buffer.from(literal);
      const line = Buffer.concat([Buffer.from('{"data":'), buf]);
      expect(scanJsonRequest(line, 9, line.length).status).toBe('invalid_line');
      expect(wasmScanJsonRequest(line, 9, line.length).status).toBe('invalid_line');
      expect(countRequestLines(line, 9, line.length).status).toBe('invalid_line');
      expect(wasmCountRequestLines(line, 9, line.length).status).toBe('invalid_line');
      expect(skipJsonString(line, 9, line.length)).toBe(-1);
      expect(wasmSkipJsonString(line, 9, line.length)).toBe(-1);
    }
  });

  it('gives the JavaScript answer for a line cut short anywhere in a request, after a longer one filled the module', () => {
    // The WebAssembly scan's hot loops stop at zero bytes written after the input instead of comparing with its end;
    // a line cut inside a key, a number or a string must still be refused (only the read of the line-level string's
    // closing quote decides that a request ends, and it checks the end), after a longer request left its bytes there.
    const request = JSON.stringify(Array.from({ length: 40 }, (_, i) => ({ Elevation: 2596 + i, Slope: i % 2, score: i / 7, tag: `t${i}` })));
    const full = Buffer.concat([Buffer.from('{"data":'), Buffer.from(JSON.stringify(request)), Buffer.from(',"x":1}')]);
    const close = full.length - ',"x":1}'.length - 1;
    for (let cut = full.indexOf('['); cut <= close; cut += 3) {
      expect(wasmScanJsonRequest(full, 9, full.length).status).toBe('ok');
      const line = full.subarray(0, cut);
      const want = scanJsonRequest(line, 9, line.length);
      expect(wasmScanJsonRequest(line, 9, line.length)).toEqual(want);
      expect(want.status).toBe('invalid_line');
    }
  });

  it('handles nesting far deeper than any stack (no recursion)', () => {
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    agree(literalOf(deep), 'json');
    agree(literalOf(`{"instances":${deep}}`), 'json');
    agree(literalOf(`${'['.repeat(200_000)}${']'.repeat(199_999)}`), 'json');
  });

  it('counts a request of many records and a top-level object of more members than the WebAssembly table holds', () => {
    agree(literalOf(JSON.stringify(Array.from({ length: 20_000 }, (_, i) => ({ i, s: `r${i}` })))), 'json');
    const wide = Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`f${i}`, [i, i + 1]]));
    agree(literalOf(JSON.stringify(wide)), 'json');
  });
});

describe('countRequestLines (JavaScript and WebAssembly) against payloadLines', () => {
  const LINES = [
    '1,2\r\n3,4\r\n\r\n5,6',
    '{"a":1}\n{"a":2}\n',
    '',
    '\n\n',
    '1,2',
    ' \u00a0\n\u2028x\n\ufeff',
    'a\u0085',
    '\t\v\f\n',
    '\u3000\u205f\n \ud800',
    '\u1680\u2000\u200a\u202f\n\u2029',
    '"quoted, with comma"\n"\\"escaped\\""\n',
    '\b\n',
    'é,ü\n😀',
    'a\rb\nc',
    'x\r\ry\n\r\n',
  ];
  for (const escape of ['plain', 'unicode-structural', 'unicode-all'] as const) {
    it(`counts non-empty lines as String.prototype.trim sees them, line-level escapes ${escape}`, () => {
      for (const text of LINES) {
        agree(literalOf(text, escape), 'csv');
        agree(literalOf(text, escape), 'jsonlines');
      }
    });
  }

  it('reads invalid UTF-8 as a character that makes its line non-empty', () => {
    agree(Buffer.from([0x22, 0x61, 0x5c, 0x6e, 0xff, 0x5c, 0x6e, 0xc2, 0x5c, 0x6e, 0xc2, 0xa0, 0x22]), 'csv');
  });
});

/** JSON number text of every form (signs, zero, fractions, e/E exponents with and without signs), and near misses. */
const numberText = fc
  .tuple(fc.constantFrom('', '-', '+'), fc.constantFrom('0', '7', '10', '01', '123456789', ''), fc.constantFrom('', '.5', '.', '.000'), fc.constantFrom('', 'e5', 'E5', 'e+5', 'E-05', 'e', 'E+', 'e-0'))
  .map((parts) => parts.join(''));

/** Random JSON text of a request, in one of the shapes the monitor reads. */
const jsonRequest = fc.oneof(
  fc.array(fc.dictionary(fc.string({ maxLength: 3 }), numberText, { maxKeys: 3 }), { maxLength: 4 }).map((rows) => `[${rows.map((r) => `{${Object.entries(r).map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`).join(',')}]`),
  fc.array(numberText, { maxLength: 6 }).map((v) => `[${v.join(', ')}]`),
  // Python's json.dumps: ", " and ": " (and other runs of spaces) between the members of flat records.
  fc
    .tuple(
      fc.array(fc.dictionary(fc.string({ maxLength: 3 }), fc.oneof(numberText, fc.string({ maxLength: 4 }).map((t) => JSON.stringify(t)), fc.constantFrom('true', 'null', '[1, 2]')), { maxKeys: 4 }), { maxLength: 4 }),
      fc.constantFrom(', ', ',', ',  ', ' , '),
      fc.constantFrom(': ', ':', ':  ', ' : '),
    )
    .map(([rows, comma, colon]) => `[${rows.map((r) => `{${Object.entries(r).map(([k, v]) => `${JSON.stringify(k)}${colon}${v}`).join(comma)}}`).join(comma)}]`),
  fc.array(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 }), { maxLength: 8 }).map((v) => JSON.stringify(v)),
  fc.array(fc.array(fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.string())), { maxLength: 8 }).map((v) => JSON.stringify(v)),
  fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 8 }).map((v) => JSON.stringify(v)),
  fc
    .record({ key: fc.constantFrom('instances', 'inputs', 'data', 'records', 'rows', 'other'), value: fc.jsonValue({ maxDepth: 3 }) })
    .map(({ key, value }) => JSON.stringify({ [key]: value })),
  fc.dictionary(fc.string({ maxLength: 3 }), fc.array(fc.integer(), { maxLength: 4 }), { maxKeys: 4 }).map((v) => JSON.stringify(v)),
  fc.dictionary(fc.string({ maxLength: 3 }), fc.dictionary(fc.constantFrom('0', '1', '2', 'a'), fc.integer(), { maxKeys: 3 }), { maxKeys: 4 }).map((v) => JSON.stringify(v)),
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v, null, 2)),
  fc.json({ maxDepth: 3 }),
);

/** Random CSV or JSON Lines text: lines of arbitrary characters, whitespace of every kind, CRLF. */
const linesRequest = fc
  .array(fc.oneof(fc.string(), fc.constantFrom('', ' ', '\t', '\r', '\u00a0', '\u2028', '\ufeff', '\u3000', 'a,b', '{"a":1}'), fc.string({ unit: 'grapheme' })), { maxLength: 8 })
  .map((lines) => lines.join('\n'));

/** Damages a text: cut it short, drop, duplicate or replace one character. */
/**
 * Records that repeat their keys (the WebAssembly lane moves past a key equal to the one at its place in the record
 * before without searching for its end): the same keys, then one replaced, dropped, added or moved, keys that are
 * prefixes of each other, escaped keys, nested values between them.
 */
const KEY_TEXTS = ['"a"', '"ab"', '"abc"', '"b"', '"Soil_Type_1"', '"Soil_Type_10"', '"Horizontal_Distance_To_Hydrology"', '"Horizontal_Distance_To_Hydrologz"', '"é"', '"\\u0061"', '"a\\"b"', '""'];
const repeatedKeyRecords = fc
  .tuple(
    fc.array(fc.constantFrom(...KEY_TEXTS), { minLength: 1, maxLength: 5 }),
    fc.array(
      fc.tuple(fc.constantFrom('same', 'replace', 'drop', 'add', 'swap'), fc.nat(), fc.constantFrom(...KEY_TEXTS), fc.array(fc.oneof(numberText, fc.constantFrom('"x"', '{"k":1}', '[1,{"a":2}]', 'true')), { minLength: 6, maxLength: 6 })),
      { minLength: 2, maxLength: 6 },
    ),
    fc.constantFrom(',', ', '),
  )
  .map(([keys, records, comma]) =>
    `[${records
      .map(([how, at, key, values]) => {
        const k = [...keys];
        const i = at % k.length;
        if (how === 'replace') k[i] = key;
        else if (how === 'drop') k.splice(i, 1);
        else if (how === 'add') k.splice(i, 0, key);
        else if (how === 'swap' && k.length > 1) [k[0], k[k.length - 1]] = [k[k.length - 1]!, k[0]!];
        return `{${k.map((name, j) => `${name}:${values[j % values.length]}`).join(comma)}}`;
      })
      .join(comma)}]`,
  );

const corrupt = (text: string) =>
  fc.record({ at: fc.nat({ max: Math.max(0, text.length) }), how: fc.constantFrom('cut', 'drop', 'dup', 'swap'), ch: fc.constantFrom('[', ']', '{', '}', ',', ':', '"', '\\', ' ', '1', 'a', '\u0000', '\n') }).map(({ at, how, ch }) => {
    if (how === 'cut') return text.slice(0, at);
    if (how === 'drop') return text.slice(0, at) + text.slice(at + 1);
    if (how === 'dup') return text.slice(0, at) + text.slice(at, at + 1) + text.slice(at);
    return text.slice(0, at) + ch + text.slice(at + 1);
  });

const escapeMode = fc.constantFrom<LiteralEscape>('plain', 'unicode-structural', 'unicode-all', 'solidus');

describe('request scan properties (fast-check)', () => {
  it('gives the JSON.parse-based count or refusal on random JSON requests, whatever the line-level escaping', () => {
    fc.assert(
      fc.property(jsonRequest, escapeMode, (text, escape) => {
        agree(literalOf(text, escape), 'json');
      }),
      { numRuns: 1500 },
    );
  });

  it('refuses exactly the requests JSON.parse refuses after random corruption', () => {
    fc.assert(
      fc.property(jsonRequest.chain((text) => corrupt(text)), escapeMode, (text, escape) => {
        agree(literalOf(text, escape), 'json');
      }),
      { numRuns: 1500 },
    );
  });

  it('reads records that repeat their keys (or nearly) as JSON.parse does, whole or randomly corrupted', () => {
    fc.assert(
      fc.property(repeatedKeyRecords, escapeMode, (text, escape) => {
        agree(literalOf(text, escape), 'json');
      }),
      { numRuns: 1500 },
    );
    fc.assert(
      fc.property(repeatedKeyRecords.chain((text) => corrupt(text)), escapeMode, (text, escape) => {
        agree(literalOf(text, escape), 'json');
      }),
      { numRuns: 1500 },
    );
  });

  it('counts the lines of random CSV and JSON Lines requests as payloadLines does', () => {
    fc.assert(
      fc.property(linesRequest, escapeMode, fc.constantFrom<PayloadKind>('csv', 'jsonlines'), (text, escape, kind) => {
        agree(literalOf(text, escape), kind);
      }),
      { numRuns: 1000 },
    );
  });

  it('agrees on random bytes inside the line-level string (invalid UTF-8, raw control characters, stray escapes)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), jsonRequest, fc.nat(), (noise, text, where) => {
        const base = literalOf(text);
        const at = 1 + (where % Math.max(1, base.length - 1));
        const literal = Buffer.concat([base.subarray(0, at), Buffer.from(noise), base.subarray(at)]);
        agree(literal, 'json');
        agree(literal, 'csv');
      }),
      { numRuns: 1000 },
    );
  });
});

describe('the committed WebAssembly', () => {
  it.skipIf(!hasWasmToolchain())('is the build of wasm/request-scan.c (scripts/build-request-scan-wasm.sh)', () => {
    expectCommittedBuild(fileURLToPath(new URL('../../scripts/build-request-scan-wasm.sh', import.meta.url)), fileURLToPath(new URL('./wasm/request-scan-wasm.ts', import.meta.url)), 'REQUEST_SCAN_WASM');
  });
});

describe('requestScans (the engine in use)', () => {
  it(`scans requests longer than ${WASM_MAX_BYTES} bytes in JavaScript, with the same results`, () => {
    const big = `[${'1,'.repeat(9_000_000)}1]`;
    const literal = Buffer.from(JSON.stringify(big));
    const line = Buffer.concat([Buffer.from('{"data":'), literal, Buffer.from('}')]);
    expect(line.length).toBeGreaterThan(WASM_MAX_BYTES);
    expect(requestScans.json(line, 9, line.length)).toEqual({ status: 'ok', end: line.length - 2, counts: [9_000_001, 1] });
    expect(requestScans.skip(line, 9, line.length)).toBe(line.length - 2);
    expect(requestScans.lines(line, 9, line.length)).toEqual({ status: 'ok', end: line.length - 2, count: 1 });
  });
});
