/**
 * The byte reader of JSON record lists (json-record-bytes.ts) against the JSON.parse reader it stands in front of
 * (decode-json.ts): whatever it accepts gives bit for bit the same float32 matrix, and whatever the JSON.parse reader
 * refuses (invalid JSON, unknown, missing or repeated features, wrong value types) it does not accept. On edge cases
 * and on random bodies, valid and mutated (fast-check).
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeJson } from '../../serving/codec/decode-json.ts';
import { decodeRequest } from '../../serving/codec/decode-request.ts';
import { createFeatureSchema, type FeatureRows, type FeatureSchema } from '../../serving/codec/feature-rows.ts';
import { decodeJsonRecordBytes, readJsonNumber } from '../../serving/codec/json-record-bytes.ts';

const schema3 = createFeatureSchema(['a', 'bb', 'Soil_Type1'], 3);

/** The matrix's values as bit patterns (NaN and -0 compared exactly). */
function bits(rows: FeatureRows): number[] {
  const { values, numRows } = rows.matrix();
  return [numRows, ...new Uint32Array(values.buffer, values.byteOffset, values.length)];
}

type Outcome = { rows: number[] } | { error: string };

/** The JSON.parse reader's answer for the body. */
function reference(body: Uint8Array, schema: FeatureSchema): Outcome {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(body);
    return { rows: bits(decodeJson(text, schema)) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/** Asserts the byte reader agrees with the reference; returns whether it took the body. */
function agrees(text: string | Uint8Array, schema: FeatureSchema): boolean {
  const body = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const fast = decodeJsonRecordBytes(body, schema);
  const expected = reference(body, schema);
  if (fast === undefined) return false;
  expect(expected).toEqual({ rows: bits(fast) });
  return true;
}

describe('decodeJsonRecordBytes', () => {
  it('reads records of numbers and nulls in any key order, with any JSON white space', () => {
    const body = ' \n[ {"a": 1, "bb": -2.5, "Soil_Type1": null},\r\n\t{"Soil_Type1":3e2,"a":0.1,"bb":-0} ] \n';
    expect(agrees(body, schema3)).toBe(true);
    const rows = decodeJsonRecordBytes(Buffer.from(body), schema3)!;
    expect(Array.from(rows.matrix().values)).toEqual([1, -2.5, NaN, Math.fround(0.1), -0, 300]);
  });

  it('converts every spelling of a number exactly as JSON.parse does', () => {
    const numbers = [
      '0', '-0', '0.0', '-0.000', '1', '-1', '9007199254740993', '123456789012345', '1234567890123456', '0.1', '0.30000000000000004',
      '1e22', '1e23', '1E-22', '1e-23', '4.9e-324', '1e-400', '1.7976931348623157e308', '1e309', '-1e309', '2.5E+3', '2.5e-0',
      '0.000000000000000000001', '123.456e-5', '100000000000000000000000', '3.4028235677973366e38', '1.401298464324817e-45',
      '0e1000000', '1e0000001', '1.00000000000000000000001', '0.1e1', '12e-3', '16777217', '16777217.000000001',
    ];
    for (const n of numbers) expect(agrees(`[{"a":${n},"bb":${n},"Soil_Type1":${n}}]`, schema3), n).toBe(true);
  });

  it('reads a number into the double JSON.parse gives, or refuses what JSON.parse refuses (fast-check)', () => {
    const text = fc.oneof(
      fc.double().map((d) => (Number.isFinite(d) ? JSON.stringify(d) : '1e400')),
      fc
        .tuple(fc.boolean(), fc.stringMatching(/^(0|[1-9][0-9]{0,19})$/), fc.option(fc.stringMatching(/^[0-9]{1,20}$/)), fc.option(fc.tuple(fc.constantFrom('e', 'E'), fc.constantFrom('', '+', '-'), fc.stringMatching(/^[0-9]{1,4}$/))))
        .map(([neg, int, frac, exp]) => `${neg ? '-' : ''}${int}${frac === null ? '' : `.${frac}`}${exp === null ? '' : exp.join('')}`),
      fc.stringMatching(/^[-+0-9.eE]{1,8}$/),
    );
    fc.assert(
      fc.property(text, (t) => {
        const out = { value: NaN };
        const end = readJsonNumber(Buffer.from(`${t},`), 0, out);
        let parsed: number | undefined;
        try {
          parsed = JSON.parse(t) as number;
        } catch {
          parsed = undefined;
        }
        if (parsed === undefined) expect(end === -1 || end < t.length, t).toBe(true);
        else {
          expect(end, t).toBe(t.length);
          expect(Object.is(out.value, parsed), `${t}: ${out.value} against ${parsed}`).toBe(true);
        }
      }),
      { numRuns: 20000 },
    );
  });

  it('reads a megabyte-long number, and hands a megabyte-long key over, as JSON.parse would', () => {
    const digits = '7'.repeat(1 << 20);
    expect(agrees(`[{"a":${digits},"bb":0.${digits},"Soil_Type1":-${digits}e-1048000}]`, schema3)).toBe(true);
    expect(agrees(`[{"${'a'.repeat(1 << 20)}":1,"bb":2,"Soil_Type1":3}]`, schema3)).toBe(false);
  });

  it('leaves every other shape and every refused body to the JSON.parse reader', () => {
    const refused = [
      '', '[]', '[{}]', '{"a":1,"bb":2,"Soil_Type1":3}', '{"instances":[{"a":1,"bb":2,"Soil_Type1":3}]}', '[[1,2,3]]',
      '[{"features":[1,2,3]}]', '[{"a":1,"bb":2}]', '[{"a":1,"bb":2,"Soil_Type1":3,"c":4}]', '[{"a":1,"a":2,"bb":2,"Soil_Type1":3}]',
      '[{"a":"1","bb":2,"Soil_Type1":3}]', '[{"a":true,"bb":2,"Soil_Type1":3}]', '[{"a":[1],"bb":2,"Soil_Type1":3}]',
      '[{"\\u0061":1,"bb":2,"Soil_Type1":3}]', '[{"a":01,"bb":2,"Soil_Type1":3}]', '[{"a":1.,"bb":2,"Soil_Type1":3}]',
      '[{"a":.5,"bb":2,"Soil_Type1":3}]', '[{"a":+1,"bb":2,"Soil_Type1":3}]', '[{"a":NaN,"bb":2,"Soil_Type1":3}]',
      '[{"a":1e,"bb":2,"Soil_Type1":3}]', '[{"a":-,"bb":2,"Soil_Type1":3}]', '[{"a":nul,"bb":2,"Soil_Type1":3}]',
      '[{"a":1,"bb":2,"Soil_Type1":3},]', '[{"a":1,"bb":2,"Soil_Type1":3,}]', '[{"a":1,"bb":2,"Soil_Type1":3}', '[{"a":1,"bb":2,"Soil_Type1":3}]x',
      '\uFEFF[{"a":1,"bb":2,"Soil_Type1":3}]', '[{"a":1,"bb":2,"Soil_Type1":3}][]', '[{"a" 1,"bb":2,"Soil_Type1":3}]', '[{"a\t":1,"bb":2,"Soil_Type1":3}]',
      '[{"é":1,"bb":2,"Soil_Type1":3}]', '[{"a":1 "bb":2,"Soil_Type1":3}]', '[{"a":1,"bb":2,"Soil_Type1":3}\u00a0]', '[{"a":Infinity,"bb":2,"Soil_Type1":3}]',
    ];
    for (const body of refused) expect(agrees(body, schema3), body).toBe(false);
    // The request decoder gives the JSON.parse reader's answer for them (here: its 400s).
    expect(() => decodeRequest(Buffer.from('[{"a":1,"bb":2}]'), 'json', schema3)).toThrow(/missing feature "Soil_Type1"/);
    expect(() => decodeRequest(Buffer.from('[{"a":01,"bb":2,"Soil_Type1":3}]'), 'json', schema3)).toThrow(/not valid JSON/);
  });

  it('reads a body with invalid UTF-8 only through the JSON.parse reader (its 400)', () => {
    const body = Buffer.concat([Buffer.from('[{"a'), Buffer.from([0xff]), Buffer.from('":1,"bb":2,"Soil_Type1":3}]')]);
    expect(decodeJsonRecordBytes(body, schema3)).toBeUndefined();
    expect(() => decodeRequest(body, 'json', schema3)).toThrow(/not valid UTF-8/);
  });

  it('agrees with the JSON.parse reader on random record lists, valid and mutated', () => {
    const numberText = fc.oneof(
      fc.double().map((d) => (Number.isFinite(d) ? JSON.stringify(d) : '1e400')),
      fc.integer().map(String),
      fc
        .tuple(fc.boolean(), fc.stringMatching(/^(0|[1-9][0-9]{0,19})$/), fc.option(fc.stringMatching(/^[0-9]{1,20}$/)), fc.option(fc.tuple(fc.constantFrom('e', 'E'), fc.constantFrom('', '+', '-'), fc.stringMatching(/^[0-9]{1,4}$/))))
        .map(([neg, int, frac, exp]) => `${neg ? '-' : ''}${int}${frac === null ? '' : `.${frac}`}${exp === null ? '' : exp.join('')}`),
    );
    const value = fc.oneof({ weight: 60, arbitrary: numberText }, { weight: 6, arbitrary: fc.constant('null') }, { weight: 1, arbitrary: fc.constantFrom('"1"', 'true', '[1]', '{}', '1.', '01', '-', 'nul') });
    const ws = fc.oneof({ weight: 20, arbitrary: fc.constantFrom('', ' ', '\n', '\r\n\t ') }, { weight: 1, arbitrary: fc.constant('\u00a0') });
    const rarely = <T,>(arbitrary: fc.Arbitrary<T>) => fc.oneof({ weight: 6, arbitrary: fc.constant(null) }, { weight: 1, arbitrary });
    const names = fc.uniqueArray(fc.oneof({ weight: 20, arbitrary: fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_ ]{0,8}$/) }, { weight: 1, arbitrary: fc.stringMatching(/^[a-zé\\"]{1,3}$/) }), { minLength: 1, maxLength: 5 });
    const body = names.chain((featureNames) =>
      fc.record({
        featureNames: fc.constant(featureNames),
        text: fc
          .array(
            fc.tuple(
              fc.oneof({ weight: 6, arbitrary: fc.shuffledSubarray(featureNames, { minLength: featureNames.length }) }, { weight: 1, arbitrary: fc.shuffledSubarray(featureNames, { minLength: Math.max(0, featureNames.length - 1) }) }),
              fc.array(value, { minLength: featureNames.length + 1, maxLength: featureNames.length + 1 }),
              rarely(fc.constantFrom('a', 'zz', featureNames[0]!)),
              ws,
            ),
            { minLength: 0, maxLength: 4 },
          )
          .map((records) => `[${records.map(([keys, values, extra, space]) => `{${[...keys, ...(extra === null ? [] : [extra])].map((k, i) => `${space}${JSON.stringify(k)}${space}:${space}${values[i]}`).join(',')}}`).join(`,${records[0]?.[3] ?? ''}`)}]`),
        cut: rarely(fc.tuple(fc.nat(), fc.nat({ max: 3 }), fc.constantFrom('', ',', '"', '}', ']', '{', '1', ' '))),
      }),
    );
    let taken = 0;
    fc.assert(
      fc.property(body, ({ featureNames, text, cut }) => {
        const schema = createFeatureSchema(featureNames, featureNames.length);
        let t = text;
        if (cut !== null) {
          const at = cut[0] % (t.length + 1);
          t = t.slice(0, at) + cut[2] + t.slice(at + cut[1]);
        }
        if (agrees(t, schema)) taken++;
      }),
      { numRuns: 3000 },
    );
    // The byte reader is really exercised, not always handing over.
    expect(taken).toBeGreaterThan(300);
  });
});
