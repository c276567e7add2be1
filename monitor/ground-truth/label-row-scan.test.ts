/**
 * @module The byte-level ground-truth row reader against JSON.parse: every line it takes, it reads as JSON.parse
 * would (values, duplicate keys, invalid UTF-8); the ground truth read through it equals the same rows read by
 * JSON.parse (a JSON array file), labels, counts and input errors alike.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { cellOf } from '../ingest/table-rows.ts';
import { InputErrorTally } from '../ingest/input-errors.ts';
import { hashKey, hashKeyAscii } from '../join/key-hash.ts';
import { LabelCodec } from '../join/label-codec.ts';
import { BinaryClasses } from '../metrics/binary-classes.ts';
import { LocalStorage } from '../storage/local.ts';
import { LabelRowScanner, plainIndex, tokenValue } from './label-row-scan.ts';
import { readGroundTruth, type GroundTruthOptions } from './read-ground-truth.ts';

const FIELDS = ['InferenceId', 'payload_index', 'groundTruthLabel'];

/** Whether the scanner reads `line` as JSON.parse does (or leaves it to JSON.parse). */
function agrees(line: Buffer, refuse: string[] = ['groundTruthData']): void {
  const scanner = new LabelRowScanner(FIELDS, refuse);
  if (!scanner.scan(line)) return;
  const parsed: unknown = JSON.parse(line.toString('utf8'));
  expect(parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)).toBe(true);
  for (const key of refuse) expect(Object.hasOwn(parsed as object, key)).toBe(false);
  FIELDS.forEach((field, f) => expect(tokenValue(scanner, line, f)).toStrictEqual(cellOf(parsed, field)));
}

const scalar = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.string({ unit: fc.constantFrom('"', '\\', '\n', '\u0001', '{', '}', ',', ':', 'a', '1', ' ') }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map((n) => Number(n)),
);
const value = fc.oneof({ weight: 6, arbitrary: scalar }, { weight: 1, arbitrary: fc.array(scalar, { maxLength: 2 }) }, { weight: 1, arbitrary: fc.dictionary(fc.string(), scalar, { maxKeys: 2 }) });
const key = fc.oneof(fc.constantFrom(...FIELDS, 'groundTruthData', '__proto__', 'other'), fc.string());
/** Rows as text: JSON.stringify of a flat object, with duplicate keys, odd spacing and some bytes cut or changed. */
const line = fc
  .tuple(fc.array(fc.tuple(key, value), { maxLength: 5 }), fc.constantFrom('', ' ', '\t', ' \r '), fc.option(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.boolean())))
  .map(([members, space, mutation]) => {
    const body = members.map(([k, v]) => `${JSON.stringify(k)}${space}:${space}${JSON.stringify(v) ?? 'null'}`).join(`${space},${space}`);
    const bytes = Buffer.from(`${space}{${space}${body}${space}}${space}`, 'utf8');
    if (mutation === null) return bytes;
    const [at, byte, cut] = mutation;
    const i = at % (bytes.length + 1);
    if (cut) return bytes.subarray(0, i);
    const out = Buffer.from(bytes);
    if (i < out.length) out[i] = byte;
    return out;
  });

describe('LabelRowScanner', () => {
  it('reads every line it takes as JSON.parse does', () => {
    fc.assert(fc.property(line, (bytes) => agrees(bytes)), { numRuns: 3000 });
  });

  it('reads a line in the middle of a buffer as the same line alone, never past its end', () => {
    // Bytes around the line that would continue a number, a literal or a string if the scanner read past its range.
    const around = fc.array(fc.constantFrom(...'0123456789.eE+-"}, tru\\\n'.split('')), { maxLength: 6 }).map((c) => Buffer.from(c.join('')));
    fc.assert(
      fc.property(line, around, around, (bytes, before, after) => {
        const alone = new LabelRowScanner(FIELDS, ['groundTruthData']);
        const framed = new LabelRowScanner(FIELDS, ['groundTruthData']);
        const buffer = Buffer.concat([before, bytes, after]);
        const took = alone.scan(bytes);
        expect(framed.scan(buffer, before.length, before.length + bytes.length)).toBe(took);
        if (!took) return;
        FIELDS.forEach((_, f) => expect(tokenValue(framed, buffer, f)).toStrictEqual(tokenValue(alone, bytes, f)));
      }),
      { numRuns: 3000 },
    );
    // Cut just before what would have completed it: a number's exponent, a literal, a string's closing quote.
    const framed = new LabelRowScanner(FIELDS);
    for (const [text, cut] of [['{"InferenceId":1e5}', 17], ['{"InferenceId":true}', 18], ['{"InferenceId":"ab"}', 18]] as const) {
      expect(framed.scan(Buffer.from(text), 0, cut), text.slice(0, cut)).toBe(false);
    }
  });

  it('takes the seed rows and keeps the last of duplicate keys, as JSON.parse', () => {
    const scanner = new LabelRowScanner(FIELDS);
    const seed = Buffer.from('{"InferenceId":"12","payload_index":3,"groundTruthLabel":4}');
    expect(scanner.scan(seed)).toBe(true);
    expect([tokenValue(scanner, seed, 0), tokenValue(scanner, seed, 1), tokenValue(scanner, seed, 2)]).toEqual(['12', 3, 4]);
    const twice = Buffer.from('{"InferenceId":"a","InferenceId":"b","groundTruthLabel":true}');
    expect(scanner.scan(twice)).toBe(true);
    expect([tokenValue(scanner, twice, 0), tokenValue(scanner, twice, 1), tokenValue(scanner, twice, 2)]).toEqual(['b', undefined, true]);
    agrees(twice);
    // Keys that begin like a field name, or are one cut short, are other keys.
    const near = Buffer.from('{"InferenceIdX":"a","payload_inde":1,"groundTruthLabel":2,"InferenceI":"b"}');
    expect(scanner.scan(near)).toBe(true);
    expect([tokenValue(scanner, near, 0), tokenValue(scanner, near, 1), tokenValue(scanner, near, 2)]).toEqual([undefined, undefined, 2]);
    agrees(near);
  });

  it('decodes invalid UTF-8 in a value to U+FFFD as the line decode does', () => {
    const bytes = Buffer.concat([Buffer.from('{"InferenceId":"a'), Buffer.from([0xff, 0xc3]), Buffer.from('","groundTruthLabel":"\u00e9"}')]);
    const scanner = new LabelRowScanner(FIELDS);
    expect(scanner.scan(bytes)).toBe(true);
    expect(scanner.ascii[0]).toBe(0);
    agrees(bytes);
  });

  it('leaves to JSON.parse what it does not read exactly', () => {
    const scanner = new LabelRowScanner(FIELDS, ['groundTruthData']);
    for (const text of [
      '',
      '[1]',
      '{"InferenceId":"a\\"b"}',
      '{"InferenceId":01}',
      '{"InferenceId":1.}',
      '{"InferenceId":-}',
      '{"InferenceId":1e}',
      '{"InferenceId":tru}',
      '{"InferenceId":"a"} x',
      '{"InferenceId":"a",}',
      '{"InferenceId":{"x":1}}',
      '{"groundTruthData":"1"}',
      '{"caf\u00e9":1}',
      '\ufeff{"InferenceId":"a"}',
      '{"InferenceId":"a\tb"}',
    ]) {
      expect(scanner.scan(Buffer.from(text)), text).toBe(false);
    }
  });

  it('gives a payload index written as plain digits, and leaves other spellings to the general way', () => {
    const scanner = new LabelRowScanner(FIELDS);
    const index = (text: string): number => {
      const bytes = Buffer.from(`{"payload_index":${text}}`);
      expect(scanner.scan(bytes)).toBe(true);
      return plainIndex(scanner, bytes, 1, 2_147_483_647);
    };
    expect([index('0'), index('2147483647'), index('2147483648'), index('-1'), index('1.0'), index('1e2'), index('"3"'), index('null')]).toEqual([0, 2147483647, -1, -1, -1, -1, -1, -2]);
  });

  it('hashes ASCII ids from their bytes as hashKey hashes the string', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.integer({ min: 0, max: 127 }).map((c) => String.fromCharCode(c)) }), fc.integer({ min: 0, max: 2_147_483_647 }), (id, index) => {
        const bytes = Buffer.from(`xx${id}yy`, 'latin1');
        expect(hashKeyAscii(bytes, 2, 2 + id.length, index, { lo: 0, hi: 0 })).toEqual(hashKey(id, index, { lo: 0, hi: 0 }));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('readGroundTruth with the byte-level reader', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  const OPTIONS: GroundTruthOptions = { format: 'auto', idField: 'InferenceId', indexField: 'payload_index', labelField: 'groundTruthLabel', range: {} };

  async function readAs(name: string, body: string, problemType: 'MulticlassClassification' | 'BinaryClassification' | 'Regression') {
    const root = mkdtempSync(path.join(os.tmpdir(), 'mpm-gt-scan-'));
    dirs.push(root);
    writeFileSync(path.join(root, name), body);
    const codec = new LabelCodec(problemType);
    const tally = new InputErrorTally(100);
    const binary = problemType === 'BinaryClassification' ? new BinaryClasses('1') : undefined;
    const { store, summary } = await readGroundTruth(new LocalStorage(root), { ...OPTIONS, binary }, codec, tally);
    return { store, summary: { ...summary, location: '' }, tally, codec };
  }

  const id = fc.oneof(fc.constantFrom('0', '1', '2', '', 'é', 'a\u0000'), fc.string({ maxLength: 3 }), fc.integer({ min: -2, max: 3 }), fc.constant(null));
  const index = fc.oneof(fc.integer({ min: -1, max: 3 }), fc.constantFrom('1', ' 2 ', '', 'x', 1.5, 2_147_483_648, null, 1e2));
  const label = fc.oneof(fc.constantFrom(0, 1, 2, '1', '1.0', 1.0, ' 2 ', '', 'cat', true, null, [1], { a: 1 }), fc.double({ noNaN: true }), fc.string({ maxLength: 3 }));
  const row = fc.record({ InferenceId: id, payload_index: index, groundTruthLabel: label }, { requiredKeys: [] });

  it('stores the same labels and counts the same errors as JSON.parse of the same rows', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 30 }), fc.constantFrom('MulticlassClassification', 'BinaryClassification', 'Regression') as fc.Arbitrary<'MulticlassClassification' | 'BinaryClassification' | 'Regression'>, async (rows, problemType) => {
        const lines = await readAs('a.jsonl', rows.map((r) => JSON.stringify(r)).join('\n') + '\n', problemType);
        const array = await readAs('a.json', JSON.stringify(rows), problemType);
        expect(lines.summary).toEqual(array.summary);
        // Same reasons, counts, lines and details (the file names differ).
        const errors = (t: InputErrorTally) => [...t.byReason.entries()].map(([reason, e]) => [reason, e.count, e.samples.map((x) => [x.line, x.detail])]);
        expect(errors(lines.tally)).toEqual(errors(array.tally));
        expect(lines.codec.labels).toEqual(array.codec.labels);
        for (const r of rows) {
          const key = hashKey(String(r.InferenceId), typeof r.payload_index === 'number' && Number.isInteger(r.payload_index) && r.payload_index >= 0 ? r.payload_index : 0, { lo: 0, hi: 0 });
          expect(lines.store.take({ ...key })).toStrictEqual(array.store.take({ ...key }));
        }
      }),
      { numRuns: 150 },
    );
  });
});
