import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { determineType, fileType, KIND, numberKind, parsedNumber, parsedRespelled, textKind, textKindAndNumber, textNumber, typeMatchShare, type TypeCounts } from './value-type.ts';

// Deequ's StatefulDataType patterns, verbatim.
const FRACTIONAL = /^(-|\+)? ?\d+((\.\d+)|((?:\.\d+)?[Ee][-+]?\d+))$/;
const INTEGRAL = /^(-|\+)? ?\d+$/;
const BOOLEAN = /^(true|false)$/;

function deequKind(s: string): number {
  if (FRACTIONAL.test(s)) return KIND.fractional;
  if (INTEGRAL.test(s)) return KIND.integral;
  if (BOOLEAN.test(s)) return KIND.boolean;
  return KIND.string;
}

const counts = (c: Partial<TypeCounts>): TypeCounts => ({ fractional: 0, integral: 0, boolean: 0, string: 0, integralText: 0, ...c });

describe("Deequ's value types", () => {
  it.each([
    ['42', KIND.integral],
    ['-7', KIND.integral],
    ['+7', KIND.integral],
    ['- 7', KIND.integral],
    [' 7', KIND.integral],
    ['007', KIND.integral],
    ['3.25', KIND.fractional],
    ['-0.5', KIND.fractional],
    ['1e5', KIND.fractional],
    ['1.5E-3', KIND.fractional],
    ['1.', KIND.string],
    ['.5', KIND.string],
    ['1e', KIND.string],
    ['7 ', KIND.string],
    ['NaN', KIND.string],
    ['Infinity', KIND.string],
    ['0x1F', KIND.string],
    ['１２', KIND.string],
    ['true', KIND.boolean],
    ['false', KIND.boolean],
    ['True', KIND.string],
    ['TRUE', KIND.string],
    ['', KIND.string],
    ['abc', KIND.string],
  ])('text %j is kind %i', (text, kind) => {
    expect(textKind(text)).toBe(kind);
    expect(deequKind(text)).toBe(kind);
  });

  it('agrees with the three Deequ patterns on any text built from digits, signs, dots, exponents and letters', () => {
    const piece = fc.constantFrom('0', '1', '9', '-', '+', ' ', '.', 'e', 'E', 'a', 't', 'rue', 'false', 'true', '12', '3.4');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }).map((p) => p.join('')), (s) => {
        expect(textKind(s)).toBe(deequKind(s));
      }),
      { numRuns: 5000 },
    );
    fc.assert(
      fc.property(fc.string(), (s) => {
        expect(textKind(s)).toBe(deequKind(s));
      }),
      { numRuns: 2000 },
    );
  });

  it('reads the number of numeric text, including the one space Deequ allows after the sign', () => {
    expect(textNumber('- 7')).toBe(-7);
    expect(textNumber(' 7')).toBe(7);
    expect(textNumber('+1.5e2')).toBe(150);
  });

  it('types JSON numbers by whether they are whole (Spark reads 3 as a long and 3.5 as a double)', () => {
    expect(numberKind(3)).toBe(KIND.integral);
    expect(numberKind(-0)).toBe(KIND.integral);
    expect(numberKind(3.5)).toBe(KIND.fractional);
    expect(numberKind(Infinity)).toBe(KIND.string);
  });

  it('decides the feature type as determineType does: the most general type seen wins', () => {
    expect(determineType(counts({}))).toBe('Unknown');
    expect(determineType(counts({ integral: 5 }))).toBe('Integral');
    expect(determineType(counts({ integral: 5, fractional: 1 }))).toBe('Fractional');
    expect(determineType(counts({ integral: 5, fractional: 1, string: 1 }))).toBe('String');
    expect(determineType(counts({ boolean: 3 }))).toBe('Boolean');
    // Booleans mixed with numbers are String (Spark would read such a JSON column as strings).
    expect(determineType(counts({ boolean: 3, integral: 1 }))).toBe('String');
    expect(fileType('Boolean')).toBe('String');
    expect(fileType('Fractional')).toBe('Fractional');
  });

  it('measures the share of values matching an expected type for data_type_check', () => {
    const c = counts({ integral: 6, fractional: 2, string: 2 });
    expect(typeMatchShare('Integral', c)).toBe(0.6);
    expect(typeMatchShare('Fractional', c)).toBe(0.8);
    expect(typeMatchShare('String', c)).toBe(1);
    expect(typeMatchShare('Unknown', c)).toBeNaN();
    expect(typeMatchShare('Integral', counts({}))).toBeNaN();
    // Whole text ("7" in a CSV cell) is Integral to Deequ's pattern and does not satisfy Fractional; a whole JSON
    // number does (it may have been written 7.0).
    const text = counts({ integral: 6, integralText: 4, fractional: 2, string: 2 });
    expect(typeMatchShare('Fractional', text)).toBe(0.4);
    expect(typeMatchShare('Integral', text)).toBe(0.6);
  });
});

describe('the one-pass kind and number', () => {
  it('gives the kind of textKind and exactly the number Number() gives', () => {
    const check = (s: string): void => {
      const kind = textKindAndNumber(s);
      expect(kind).toBe(textKind(s));
      // parsedNumber is a live binding: it holds the number of the text just read.
      if (kind === KIND.integral || kind === KIND.fractional) expect(parsedNumber === textNumber(s) || (Number.isNaN(parsedNumber) && Number.isNaN(textNumber(s)))).toBe(true);
    };
    for (const s of ['0', '-0', '12', '- 12', '+3.25', '0.1', '123456789012345', '1234567890123456789', '9007199254740993', '0.000000000000000000000001', '1.7976931348623157e308', '1e400', '12.50', '007.0100', 'x1', '']) check(s);
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.nat(20), (x, k) => {
        check(String(x));
        check(Math.abs(x) < 1e21 ? x.toFixed(k) : String(x));
      }),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), fc.nat(25), (m, k) => {
        const digits = (m < 0n ? -m : m).toString().padStart(k + 1, '0');
        check(`${m < 0n ? '-' : ''}${digits.slice(0, digits.length - k)}${k > 0 ? `.${digits.slice(digits.length - k)}` : ''}`);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('numeric text spelled otherwise than its number', () => {
  it('is exactly the text whose number String() writes differently', () => {
    const check = (s: string): void => {
      const kind = textKind(s);
      if (kind !== KIND.integral && kind !== KIND.fractional) return;
      textKindAndNumber(s);
      const x = textNumber(s);
      expect(parsedNumber).toBe(x);
      expect(parsedRespelled, s).toBe(String(x) !== s);
    };
    for (const s of ['0', '-0', '00', '05', '5', '5.0', '5.50', '+5', '- 5', ' 5', '1e3', '0.5', '-0.5', '0.0', '-0.0', '0.000001', '0.0000001', '123456789012345', '1234567890123456', '12345678901234567890', '0.1', '100', '1.5E2']) check(s);
    const piece = fc.constantFrom('0', '1', '9', '-', '+', ' ', '.', 'e', 'E', '00', '10', '3.4', '000001');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 10 }).map((p) => p.join('')), check),
      { numRuns: 5000 },
    );
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.nat(20), (x, k) => {
        check(String(x));
        if (Math.abs(x) < 1e21) check(x.toFixed(k));
      }),
      { numRuns: 3000 },
    );
  });
});
