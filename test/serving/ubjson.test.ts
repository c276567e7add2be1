/**
 * The UBJSON decoder: every type marker, optimized containers (typed arrays), and the error messages.
 */

import { describe, expect, it } from 'vitest';
import { decodeUbjson } from '../../serving/model/ubjson.ts';

/** Builds bytes from a mix of ASCII strings (markers, text) and byte arrays. */
function bytes(...parts: (string | number[] | Uint8Array)[]): Uint8Array {
  const out: number[] = [];
  for (const p of parts) {
    if (typeof p === 'string') for (const c of Buffer.from(p, 'utf8')) out.push(c);
    else out.push(...p);
  }
  return Uint8Array.from(out);
}

const be = (size: number, write: (v: DataView) => void): number[] => {
  const view = new DataView(new ArrayBuffer(size));
  write(view);
  return Array.from(new Uint8Array(view.buffer));
};

describe('decodeUbjson', () => {
  it('decodes scalars of every type', () => {
    expect(decodeUbjson(bytes('Z'))).toBe(null);
    expect(decodeUbjson(bytes('T'))).toBe(true);
    expect(decodeUbjson(bytes('F'))).toBe(false);
    expect(decodeUbjson(bytes('i', [0xff]))).toBe(-1);
    expect(decodeUbjson(bytes('U', [0xff]))).toBe(255);
    expect(decodeUbjson(bytes('I', be(2, (v) => v.setInt16(0, -300))))).toBe(-300);
    expect(decodeUbjson(bytes('l', be(4, (v) => v.setInt32(0, -70000))))).toBe(-70000);
    expect(decodeUbjson(bytes('L', be(8, (v) => v.setBigInt64(0, 2n ** 40n))))).toBe(2 ** 40);
    expect(decodeUbjson(bytes('L', be(8, (v) => v.setBigInt64(0, 2n ** 60n))))).toBe(2n ** 60n);
    expect(decodeUbjson(bytes('d', be(4, (v) => v.setFloat32(0, 0.1))))).toBe(Math.fround(0.1));
    expect(decodeUbjson(bytes('D', be(8, (v) => v.setFloat64(0, 0.1))))).toBe(0.1);
    expect(decodeUbjson(bytes('H', 'U', [4], '3.25'))).toBe(3.25);
    expect(decodeUbjson(bytes('C', 'x'))).toBe('x');
    expect(decodeUbjson(bytes('S', 'U', [5], 'héll'))).toBe('héll');
  });

  it('decodes unsized arrays and objects, skipping no-ops', () => {
    expect(decodeUbjson(bytes('[', 'U', [1], 'N', 'S', 'U', [1], 'a', ']'))).toEqual([1, 'a']);
    expect(decodeUbjson(bytes('{', 'U', [1], 'a', 'U', [7], 'U', [1], 'b', '[', ']', '}'))).toEqual({ a: 7, b: [] });
  });

  it('decodes counted containers, with and without a type', () => {
    expect(decodeUbjson(bytes('[', '#', 'U', [2], 'T', 'Z'))).toEqual([true, null]);
    expect(decodeUbjson(bytes('{', '$', 'U', '#', 'U', [2], 'U', [1], 'a', [1], 'U', [1], 'b', [2]))).toEqual({ a: 1, b: 2 });
    expect(decodeUbjson(bytes('[', '$', 'S', '#', 'U', [2], 'U', [1], 'x', 'U', [1], 'y'))).toEqual(['x', 'y']);
  });

  it('decodes typed numeric arrays (what xgboost writes) into typed arrays', () => {
    const floats = decodeUbjson(bytes('[', '$', 'd', '#', 'L', be(8, (v) => v.setBigInt64(0, 2n)), be(8, (v) => (v.setFloat32(0, 1.5), v.setFloat32(4, -2)))));
    expect(floats).toBeInstanceOf(Float32Array);
    expect(Array.from(floats as Float32Array)).toEqual([1.5, -2]);
    const ints = decodeUbjson(bytes('[', '$', 'l', '#', 'U', [2], be(8, (v) => (v.setInt32(0, -1), v.setInt32(4, 7)))));
    expect(ints).toBeInstanceOf(Int32Array);
    expect(Array.from(ints as Int32Array)).toEqual([-1, 7]);
    const u8 = decodeUbjson(bytes('[', '$', 'U', '#', 'U', [3], [0, 1, 1]));
    expect(Array.from(u8 as Uint8Array)).toEqual([0, 1, 1]);
    const doubles = decodeUbjson(bytes('[', '$', 'D', '#', 'U', [1], be(8, (v) => v.setFloat64(0, 0.1))));
    expect(Array.from(doubles as Float64Array)).toEqual([0.1]);
  });

  it('keeps a "__proto__" key as data', () => {
    const value = decodeUbjson(bytes('{', 'U', [9], '__proto__', 'U', [1], '}')) as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
  });

  it('names the problem and the byte offset of malformed input', () => {
    expect(() => decodeUbjson(bytes('X'))).toThrow("ubjson: unknown type marker 'X' (0x58) at byte 0");
    expect(() => decodeUbjson(bytes('S', 'U', [9], 'ab'))).toThrow('ubjson: unexpected end of data (needed 9 more bytes) at byte 3');
    expect(() => decodeUbjson(bytes('T', 'T'))).toThrow('ubjson: trailing bytes after the top-level value (1) at byte 1');
    expect(() => decodeUbjson(bytes('[', '$', 'd', 'U', [1]))).toThrow('ubjson: a typed container ($) must give its count (#)');
    expect(() => decodeUbjson(bytes('[', '$', 'd', '#', 'L', be(8, (v) => v.setBigInt64(0, 10n ** 12n))))).toThrow('ubjson: unexpected end of data');
    expect(() => decodeUbjson(bytes('S', 'i', [0xff]))).toThrow('ubjson: bad length -1');
  });
});
