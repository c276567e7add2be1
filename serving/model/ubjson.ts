/**
 * @module A UBJSON (Universal Binary JSON, draft 12) decoder, enough for xgboost's `save_model('*.ubj')` output.
 *
 * No maintained npm package decodes UBJSON (the few that exist are barely used), and the format is small, so it
 * lives here. Numbers are big-endian. Optimized containers (`[$d#<count>`) are what xgboost writes for its large
 * arrays; they decode to typed arrays (Float32Array for `d`, Int32Array for `l`, ...) so a 10 MB model does not
 * become millions of boxed numbers.
 */

import { ModelError } from '../errors.ts';

/** A decoded UBJSON value. Optimized numeric containers come back as typed arrays. */
export type UbjsonValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | UbjsonValue[]
  | { [key: string]: UbjsonValue }
  | Int8Array
  | Uint8Array
  | Int16Array
  | Int32Array
  | Float32Array
  | Float64Array;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes one UBJSON value that spans the whole buffer. Throws ModelError on malformed input. */
export function decodeUbjson(bytes: Uint8Array): UbjsonValue {
  const reader = new Reader(bytes);
  const value = reader.readValue(reader.readMarker());
  reader.skipNoOps();
  if (reader.pos !== bytes.length) reader.fail(`trailing bytes after the top-level value (${bytes.length - reader.pos})`);
  return value;
}

class Reader {
  pos = 0;
  private readonly view: DataView;
  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  fail(message: string): never {
    throw new ModelError(`ubjson: ${message} at byte ${this.pos}`);
  }

  private need(n: number): void {
    if (this.pos + n > this.bytes.length) this.fail(`unexpected end of data (needed ${n} more bytes)`);
  }

  readMarker(): number {
    this.skipNoOps();
    this.need(1);
    return this.bytes[this.pos++]!;
  }

  skipNoOps(): void {
    while (this.pos < this.bytes.length && this.bytes[this.pos] === 0x4e /* N */) this.pos++;
  }

  readValue(marker: number): UbjsonValue {
    switch (marker) {
      case 0x5a: // Z
        return null;
      case 0x54: // T
        return true;
      case 0x46: // F
        return false;
      case 0x69: // i
      case 0x55: // U
      case 0x49: // I
      case 0x6c: // l
      case 0x4c: // L
      case 0x64: // d
      case 0x44: // D
        return this.readNumber(marker);
      case 0x48: {
        // H: high-precision number, stored as a string of digits.
        const text = this.readString();
        const value = Number(text);
        if (Number.isNaN(value)) this.fail(`bad high-precision number ${JSON.stringify(text)}`);
        return value;
      }
      case 0x43: // C
        this.need(1);
        return String.fromCharCode(this.bytes[this.pos++]!);
      case 0x53: // S
        return this.readString();
      case 0x5b: // [
        return this.readArray();
      case 0x7b: // {
        return this.readObject();
      default:
        this.pos--;
        return this.fail(`unknown type marker ${showMarker(marker)}`);
    }
  }

  private readNumber(marker: number): number | bigint {
    const { view } = this;
    const at = this.pos;
    switch (marker) {
      case 0x69:
        this.need(1);
        this.pos += 1;
        return view.getInt8(at);
      case 0x55:
        this.need(1);
        this.pos += 1;
        return view.getUint8(at);
      case 0x49:
        this.need(2);
        this.pos += 2;
        return view.getInt16(at);
      case 0x6c:
        this.need(4);
        this.pos += 4;
        return view.getInt32(at);
      case 0x4c: {
        this.need(8);
        this.pos += 8;
        const big = view.getBigInt64(at);
        return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
      }
      case 0x64:
        this.need(4);
        this.pos += 4;
        return view.getFloat32(at);
      case 0x44:
        this.need(8);
        this.pos += 8;
        return view.getFloat64(at);
      default:
        return this.fail(`type marker ${showMarker(marker)} is not a number`);
    }
  }

  /** A length: any integer type marker followed by a non-negative integer. */
  private readLength(): number {
    const marker = this.readMarker();
    if (![0x69, 0x55, 0x49, 0x6c, 0x4c].includes(marker)) this.fail(`expected an integer length, got ${showMarker(marker)}`);
    const n = this.readNumber(marker);
    if (typeof n !== 'number' || n < 0) this.fail(`bad length ${String(n)}`);
    return n;
  }

  private readString(): string {
    const length = this.readLength();
    this.need(length);
    const start = this.pos;
    this.pos += length;
    try {
      return utf8.decode(this.bytes.subarray(start, start + length));
    } catch (cause) {
      this.pos = start;
      return this.fail(`string is not valid UTF-8 (${String(cause)})`);
    }
  }

  /** Reads the optional `$type` and `#count` header of a container. */
  private readContainerHeader(): { type: number | undefined; count: number | undefined } {
    let type: number | undefined;
    let count: number | undefined;
    if (this.bytes[this.pos] === 0x24 /* $ */) {
      this.pos++;
      this.need(1);
      type = this.bytes[this.pos++]!;
      if (this.bytes[this.pos] !== 0x23) this.fail('a typed container ($) must give its count (#)');
    }
    if (this.bytes[this.pos] === 0x23 /* # */) {
      this.pos++;
      count = this.readLength();
    }
    return { type, count };
  }

  private readArray(): UbjsonValue {
    const { type, count } = this.readContainerHeader();
    if (type !== undefined && count !== undefined) {
      const typed = this.readTypedArray(type, count);
      if (typed) return typed;
    }
    const out: UbjsonValue[] = [];
    if (count !== undefined) {
      // Every element takes at least one byte unless its type carries no payload; guard against absurd counts.
      if (type === undefined || !isPayloadFree(type)) this.need(Math.min(count, this.bytes.length));
      for (let i = 0; i < count; i++) out.push(this.readValue(type ?? this.readMarker()));
      return out;
    }
    for (;;) {
      const marker = this.readMarker();
      if (marker === 0x5d /* ] */) return out;
      out.push(this.readValue(marker));
    }
  }

  private readTypedArray(type: number, count: number): UbjsonValue | undefined {
    const size = { 0x69: 1, 0x55: 1, 0x49: 2, 0x6c: 4, 0x64: 4, 0x44: 8 }[type];
    if (size === undefined) return undefined;
    this.need(count * size);
    const { view } = this;
    const start = this.pos;
    this.pos += count * size;
    switch (type) {
      case 0x69:
        return new Int8Array(this.bytes.slice(start, start + count).buffer);
      case 0x55:
        return this.bytes.slice(start, start + count);
      case 0x49: {
        const out = new Int16Array(count);
        for (let i = 0; i < count; i++) out[i] = view.getInt16(start + 2 * i);
        return out;
      }
      case 0x6c: {
        const out = new Int32Array(count);
        for (let i = 0; i < count; i++) out[i] = view.getInt32(start + 4 * i);
        return out;
      }
      case 0x64: {
        const out = new Float32Array(count);
        for (let i = 0; i < count; i++) out[i] = view.getFloat32(start + 4 * i);
        return out;
      }
      default: {
        const out = new Float64Array(count);
        for (let i = 0; i < count; i++) out[i] = view.getFloat64(start + 8 * i);
        return out;
      }
    }
  }

  private readObject(): UbjsonValue {
    const { type, count } = this.readContainerHeader();
    const out: { [key: string]: UbjsonValue } = {};
    const readEntry = (): void => {
      const key = this.readString();
      const value = this.readValue(type ?? this.readMarker());
      Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
    };
    if (count !== undefined) {
      for (let i = 0; i < count; i++) readEntry();
      return out;
    }
    for (;;) {
      this.skipNoOps();
      if (this.bytes[this.pos] === 0x7d /* } */) {
        this.pos++;
        return out;
      }
      readEntry();
    }
  }
}

function isPayloadFree(type: number): boolean {
  return type === 0x5a || type === 0x54 || type === 0x46;
}

function showMarker(marker: number): string {
  const char = String.fromCharCode(marker);
  return /[\x21-\x7e]/.test(char) ? `'${char}' (0x${marker.toString(16)})` : `0x${marker.toString(16)}`;
}
