/**
 * Issue 19: the run-state container. unpack(pack(x)) is x for random trees of states (every typed-array type,
 * awkward names and meta such as "__proto__", lone surrogates, -0); every malformed file is an InputError that names
 * the file, found in bounded time.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError, OutputError } from '../errors.ts';
import { ExactSum } from '../metrics/exact-sum.ts';
import { LocalStorage } from '../storage/local.ts';
import type { AccumulatorState, JsonValue, StateArray } from './accumulator-state.ts';
import { readStateFile } from './read-state-file.ts';
import { MAX_HEADER_BYTES, MAX_META_DEPTH, MAX_STATE_DEPTH, pack, STATE_MAGIC, swapElementBytes, unpack } from './state-file.ts';
import type { StateHeaderInput } from './state-header.ts';
import { encodeJson } from './state-json.ts';

const AWKWARD = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '', '0', '10', '\u00fc', '\ud835\udd18', '\ud800', '\udfff', 'a"b\\c', '<img src=x>', '\u0000'];

/** Builds an object with own enumerable keys, even "__proto__" (as JSON.parse and unpack make them). */
function entries<T>(pairs: Array<[string, T]>): Record<string, T> {
  const out = {} as Record<string, T>;
  for (const [k, v] of pairs) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  return out;
}

const name = fc.oneof(fc.constantFrom(...AWKWARD), fc.string({ unit: 'binary', maxLength: 12 }));
const named = <T>(value: fc.Arbitrary<T>, maxLength: number): fc.Arbitrary<Record<string, T>> =>
  fc.uniqueArray(fc.tuple(name, value), { maxLength, selector: ([k]) => k }).map(entries);

const { meta } = fc.letrec<{ meta: JsonValue }>((tie) => ({
  meta: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
    fc.constantFrom(-0, 0, Number.MAX_VALUE, Number.MIN_VALUE, 2 ** 53, -(2 ** 53)),
    fc.string({ unit: 'binary', maxLength: 16 }),
    fc.constantFrom(...AWKWARD),
    fc.array(tie('meta'), { maxLength: 4 }),
    named(tie('meta'), 4),
  ),
}));

const typedArray: fc.Arbitrary<StateArray> = fc.oneof(
  fc.float64Array({ maxLength: 20 }),
  fc.float32Array({ maxLength: 20 }),
  fc.bigInt64Array({ maxLength: 10 }),
  fc.int32Array({ maxLength: 20 }),
  fc.uint32Array({ maxLength: 20 }),
  fc.uint16Array({ maxLength: 20 }),
  fc.uint8Array({ maxLength: 21 }),
  fc.int8Array({ maxLength: 19 }),
);

const { state } = fc.letrec<{ state: AccumulatorState }>((tie) => ({
  state: fc
    .record({
      kind: fc.oneof(fc.constantFrom('exact-sum', 'mq.binary', 'kll'), fc.string({ unit: 'binary', maxLength: 10 })),
      version: fc.nat(1000),
      meta,
      arrays: named(typedArray, 4),
      parts: fc.option(named(tie('state'), 3), { nil: undefined, depthSize: 'small' }),
    })
    .map(({ parts, ...rest }) => (parts === undefined ? rest : { ...rest, parts })),
}));

const time = fc.integer({ min: Date.UTC(2020, 0, 1) / 3_600_000, max: Date.UTC(2030, 0, 1) / 3_600_000 }).map((h) => new Date(h * 3_600_000).toISOString().replace('.000Z', 'Z'));

const header: fc.Arbitrary<StateHeaderInput> = fc
  .record({
    analysis: fc.constantFrom('model_quality' as const, 'data_quality' as const),
    problem_type: fc.option(fc.constantFrom('BinaryClassification', 'MulticlassClassification', 'Regression'), { nil: null }),
    positive_label: fc.option(fc.oneof(fc.constantFrom(...AWKWARD), fc.string({ unit: 'binary' })), { nil: null }),
    seed: fc.oneof(fc.integer(), fc.constant(-0), fc.double({ noNaN: true, noDefaultInfinity: true })),
    label_dictionary: fc.uniqueArray(fc.oneof(fc.constantFrom(...AWKWARD), fc.string({ unit: 'binary', maxLength: 8 })), { maxLength: 12 }),
    settings_fingerprint: fc.string(),
    times: fc.uniqueArray(time, { minLength: 2, maxLength: 2 }),
    open: fc.constantFrom('none', 'start', 'end'),
    hosts: fc.uniqueArray(fc.string({ unit: 'binary', minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 4 }),
    current: fc.nat(),
    job: fc.record({ name: fc.string({ unit: 'binary' }), source: fc.constantFrom('processing_job' as const, 'run_id' as const) }),
  })
  .map(({ times, open, hosts, current, job, ...h }) => {
    const [start, end] = [...times].sort();
    // fast-check's records have no prototype; the header read back has plain objects.
    return {
      ...h,
      job: { name: job.name, source: job.source },
      window: { start_time: open === 'start' ? null : start!, end_time: open === 'end' ? null : end! },
      host: { current_host: hosts[current % hosts.length]!, hosts },
      tool: { name: 'mpm', version: '0.1.0' },
    };
  });

const HEADER: StateHeaderInput = {
  analysis: 'model_quality',
  problem_type: 'BinaryClassification',
  positive_label: '1',
  seed: 0,
  label_dictionary: ['0', '1'],
  settings_fingerprint: 'sha256:00',
  window: { start_time: '2026-01-15T08:00:00Z', end_time: '2026-01-15T09:00:00Z' },
  host: { current_host: 'algo-1', hosts: ['algo-1', 'algo-2'] },
  job: { name: 'mq-job-1', source: 'processing_job' },
  tool: { name: 'mpm', version: '0.1.0' },
};

/** Byte-exact equality of two trees of states (stricter than toEqual: the array types and every bit). */
function expectSameStates(actual: Record<string, AccumulatorState>, expected: Record<string, AccumulatorState>): void {
  expect(Object.keys(actual)).toEqual(Object.keys(expected));
  for (const key of Object.keys(expected)) {
    const a = actual[key]!;
    const e = expected[key]!;
    expect(Object.hasOwn(actual, key)).toBe(true);
    expect([a.kind, a.version]).toEqual([e.kind, e.version]);
    // encodeJson writes -0 and every own key (also "__proto__" and "constructor"), in order.
    expect(encodeJson(a.meta, 1000)).toBe(encodeJson(e.meta, 1000));
    expect(Object.keys(a.arrays)).toEqual(Object.keys(e.arrays));
    for (const k of Object.keys(e.arrays)) {
      expect(a.arrays[k]!.constructor).toBe(e.arrays[k]!.constructor);
      expect(Buffer.from(a.arrays[k]!.buffer, a.arrays[k]!.byteOffset, a.arrays[k]!.byteLength).equals(Buffer.from(e.arrays[k]!.buffer, e.arrays[k]!.byteOffset, e.arrays[k]!.byteLength))).toBe(true);
    }
    expect(a.parts === undefined).toBe(e.parts === undefined);
    if (e.parts) expectSameStates(a.parts!, e.parts);
  }
}

/** A container around `headerText` and `data` with correct lengths and checksum (to test what lies behind them). */
function craft(headerText: string, data: Uint8Array = new Uint8Array(0), version = 1): Uint8Array {
  const head = Buffer.from(headerText, 'utf8');
  const dataStart = Math.ceil((32 + head.length) / 8) * 8;
  const file = new Uint8Array(dataStart + data.length + 32);
  file.set(STATE_MAGIC, 0);
  const view = new DataView(file.buffer);
  view.setUint32(8, version, true);
  view.setUint32(16, head.length, true);
  view.setBigUint64(24, BigInt(data.length), true);
  file.set(head, 32);
  file.fill(0x20, 32 + head.length, dataStart);
  file.set(data, dataStart);
  file.set(createHash('sha256').update(file.subarray(0, dataStart + data.length)).digest(), dataStart + data.length);
  return file;
}

function headerTextOf(bytes: Uint8Array): string {
  const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(16, true);
  return Buffer.from(bytes.subarray(32, 32 + length)).toString('utf8');
}

function dataOf(bytes: Uint8Array): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const start = Math.ceil((32 + view.getUint32(16, true)) / 8) * 8;
  return bytes.subarray(start, start + Number(view.getBigUint64(24, true)));
}

function expectInputError(run: () => unknown, pattern: RegExp, file = 'algo-2.mpmstate'): void {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected an InputError matching ${pattern}`).toBeInstanceOf(InputError);
  expect((caught as Error).message).toContain(`state: ${file}: `);
  expect((caught as Error).message).toMatch(pattern);
}

describe('pack and unpack', () => {
  it('unpack(pack(x)) is x for random trees of states and headers', () => {
    fc.assert(
      fc.property(named(state, 4), header, (states, h) => {
        const bytes = pack(states, h);
        const back = unpack(bytes, 'random.mpmstate');
        expectSameStates(back.states, states);
        expect(back.header).toStrictEqual({ format: 'mpm-state', container_version: 1, byte_order: 'little-endian', ...h });
        expect(Object.is(back.header.seed, h.seed)).toBe(true);
        // Deterministic: the same input gives the same bytes, also when packed from what was read back.
        expect(Buffer.from(pack(back.states, back.header)).equals(Buffer.from(bytes))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('stores ExactSum states so that loading and merging gives the same bits', () => {
    const a = new ExactSum();
    const b = new ExactSum();
    const values = [1e308, 1, -1e308, 1e-300, 0.1, 0.2, -0.3, 123456.789, NaN];
    values.forEach((v, i) => (i % 2 === 0 ? a : b).add(v));
    const squares = new ExactSum();
    for (const v of [0.1, 1e200, -3]) squares.addSquare(v);
    const states = { sum_a: a.save(), sum_b: b.save(), model_quality: { kind: 'mq.test', version: 1, meta: { labels: ['__proto__', '1'] }, arrays: { counts: new Float64Array([3, -0, NaN]) }, parts: { squares: squares.save() } } };
    const back = unpack(pack(states, HEADER), 'exact.mpmstate');
    expectSameStates(back.states, states);
    const merged = ExactSum.load(back.states.sum_a!);
    merged.merge(ExactSum.load(back.states.sum_b!));
    const direct = new ExactSum();
    for (const v of values.filter((v) => !Number.isNaN(v))) direct.add(v);
    expect(Number.isNaN(merged.value())).toBe(true); // a NaN term stays counted through the file
    expect(ExactSum.load(back.states.model_quality!.parts!.squares!).value()).toBe(squares.value());
    const finite = [new ExactSum(), new ExactSum()];
    for (const [i, v] of [0.1, 0.2, 0.3, 1e16, -1e16].entries()) finite[i % 2]!.add(v);
    const reloaded = unpack(pack({ x: finite[0]!.save(), y: finite[1]!.save() }, HEADER)).states;
    const sum = ExactSum.load(reloaded.x!);
    sum.merge(ExactSum.load(reloaded.y!));
    // The exact sum rounded once (0.6), not the naive left-to-right one (0.6000000000000001).
    expect(sum.value()).toBe(0.6);
    expect(0.1 + 0.2 + 0.3 + 1e16 - 1e16).not.toBe(0.6);
  });

  it('writes the layout docs/state.md describes: magic, little-endian lengths, 8-byte-aligned arrays, SHA-256 trailer', () => {
    const bytes = pack({ s: { kind: 'k', version: 1, meta: null, arrays: { a: Uint8Array.of(7), b: Float64Array.of(1.5), c: Int32Array.of(-2) } } }, HEADER);
    expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x4d, 0x50, 0x4d, 0x0d, 0x0a, 0x1a, 0x0a]);
    const head = JSON.parse(headerTextOf(bytes)) as { states: Array<{ arrays: Array<{ name: string; type: string; offset: number; length: number }> }> };
    expect(head.states[0]!.arrays).toEqual([
      { name: 'a', type: 'u8', offset: 0, length: 1 },
      { name: 'b', type: 'f64', offset: 8, length: 1 },
      { name: 'c', type: 'i32', offset: 16, length: 1 },
    ]);
    const data = dataOf(bytes);
    expect(data.byteOffset % 8).toBe(0);
    expect([...data.subarray(8, 16)]).toEqual([0, 0, 0, 0, 0, 0, 0xf8, 0x3f]); // 1.5, little-endian
    expect([...data.subarray(16, 20)]).toEqual([0xfe, 0xff, 0xff, 0xff]); // -2
    expect(data.length).toBe(24);
    const end = bytes.length - 32;
    expect(Buffer.from(bytes.subarray(end)).equals(createHash('sha256').update(bytes.subarray(0, end)).digest())).toBe(true);
  });

  it('swaps element bytes (the path a big-endian host takes)', () => {
    const value = new Float64Array([Math.PI, -0]);
    const bytes = new Uint8Array(value.buffer.slice(0));
    swapElementBytes(bytes, 8);
    const view = new DataView(bytes.buffer);
    expect(view.getFloat64(0, false)).toBe(Math.PI);
    expect(Object.is(view.getFloat64(8, false), -0)).toBe(true);
    swapElementBytes(bytes, 8);
    expect(new Float64Array(bytes.buffer)).toEqual(value);
  });

  it('refuses to pack what it could not read back', () => {
    const s = (m: unknown): Record<string, AccumulatorState> => ({ s: { kind: 'k', version: 1, meta: m as JsonValue, arrays: {} } });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    let deep: unknown = 1;
    for (let i = 0; i < MAX_META_DEPTH + 1; i++) deep = [deep];
    let nested: AccumulatorState = { kind: 'k', version: 1, meta: null, arrays: {} };
    for (let i = 0; i < MAX_STATE_DEPTH; i++) nested = { kind: 'k', version: 1, meta: null, arrays: {}, parts: { p: nested } };
    const cases: Array<[Record<string, AccumulatorState>, StateHeaderInput, RegExp]> = [
      [s(NaN), HEADER, /states\.s\.meta: NaN is not a JSON number/],
      [s({ x: [1, Infinity] }), HEADER, /states\.s\.meta\.x\[1\]: Infinity/],
      [s(cyclic), HEADER, /refers to itself/],
      [s(deep), HEADER, /nested deeper than 64 levels/],
      [s({ d: new Date(0) }), HEADER, /a Date object is not JSON data/],
      [s(undefined), HEADER, /a undefined is not JSON data/],
      [{ top: nested }, HEADER, /nested deeper than 32 levels of parts/],
      [{ s: { kind: 'k', version: 1, meta: null, arrays: { c: new Uint8ClampedArray(2) as unknown as StateArray } } }, HEADER, /Uint8ClampedArray; the format stores/],
      [{ s: { kind: 'k', version: 1.5, meta: null, arrays: {} } }, HEADER, /version must be a whole number/],
      [{}, { ...HEADER, label_dictionary: ['a', 'a'] }, /label_dictionary" must be a list of distinct strings/],
      [{}, { ...HEADER, host: { current_host: 'algo-9', hosts: ['algo-1'] } }, /current_host "algo-9" is not in hosts/],
      [{}, { ...HEADER, window: { start_time: '2026-01-15T09:00:00Z', end_time: '2026-01-15T08:00:00Z' } }, /is not before end_time/],
      [{}, { ...HEADER, label_dictionary: Array.from({ length: 200_000 }, (_, i) => `${'x'.repeat(80)}-${i}`) }, /above the 16777216-byte limit/],
    ];
    for (const [states, h, pattern] of cases) {
      let caught: unknown;
      try {
        pack(states, h);
      } catch (error) {
        caught = error;
      }
      expect(caught, String(pattern)).toBeInstanceOf(OutputError);
      expect((caught as Error).message).toMatch(pattern);
    }
  });
});

describe('unpack refuses malformed files with an InputError naming the file', () => {
  const good = pack({ model_quality: { kind: 'mq.binary', version: 1, meta: { n: 3 }, arrays: { counts: Float64Array.of(1, 2, 3), codes: Uint8Array.of(1) } } }, HEADER);
  const text = headerTextOf(good);
  const data = dataOf(good);
  const document = JSON.parse(text) as Record<string, unknown> & { states: Array<Record<string, unknown> & { arrays: Array<Record<string, unknown>> }> };
  const edited = (edit: (d: typeof document) => void): Uint8Array => {
    const copy = structuredClone(document);
    edit(copy);
    return craft(JSON.stringify(copy), data);
  };

  it('accepts the crafted copy of a good file (the helper itself is right)', () => {
    expect(unpack(craft(text, data)).states.model_quality!.arrays.counts).toEqual(Float64Array.of(1, 2, 3));
  });

  it('truncated files', () => {
    expectInputError(() => unpack(good.subarray(0, 10), 'algo-2.mpmstate'), /truncated: 10 bytes, a state file has at least 64/);
    expectInputError(() => unpack(good.subarray(0, good.length - 1), 'algo-2.mpmstate'), new RegExp(`truncated: its lengths say ${good.length} bytes, the file has ${good.length - 1}`));
    expectInputError(() => unpack(new Uint8Array(0), 'algo-2.mpmstate'), /truncated: 0 bytes/);
  });

  it('wrong magic, unknown version or flags', () => {
    expectInputError(() => unpack(Buffer.from(`{"format":"mpm-state"}${' '.repeat(64)}`), 'algo-2.mpmstate'), /not an mpm state file: it starts with 7b 22 66/);
    const gzipped = Uint8Array.from(good);
    gzipped.set([0x1f, 0x8b], 0);
    expectInputError(() => unpack(gzipped, 'algo-2.mpmstate'), /not an mpm state file/);
    expectInputError(() => unpack(craft(text, data, 2), 'algo-2.mpmstate'), /container version 2 is not supported; this mpm reads version 1/);
    const flagged = Uint8Array.from(good);
    new DataView(flagged.buffer).setUint32(12, 4, true);
    expectInputError(() => unpack(flagged, 'algo-2.mpmstate'), /flags 0x4 are not defined/);
  });

  it('lengths that do not add up', () => {
    const longer = new Uint8Array(good.length + 8);
    longer.set(good);
    expectInputError(() => unpack(longer, 'algo-2.mpmstate'), /data after the end/);
    const odd = Uint8Array.from(good);
    new DataView(odd.buffer).setBigUint64(24, 12n, true);
    expectInputError(() => unpack(odd, 'algo-2.mpmstate'), /data length 12 is not a multiple of 8/);
    const huge = Uint8Array.from(good);
    new DataView(huge.buffer).setBigUint64(24, 2n ** 60n, true);
    expectInputError(() => unpack(huge, 'algo-2.mpmstate'), /not a plausible size/);
    expectInputError(() => unpack(edited((d) => (d.states[0]!.arrays[1]!.offset = 16)), 'algo-2.mpmstate'), /lengths do not add up: array "codes" .* starts at 16, the previous one ends at 24/);
    expectInputError(() => unpack(edited((d) => (d.states[0]!.arrays[0]!.length = 5)), 'algo-2.mpmstate'), /lengths do not add up: array "counts" .* ends at 40, past the 32-byte data section/);
    expectInputError(() => unpack(edited((d) => d.states[0]!.arrays.pop()), 'algo-2.mpmstate'), /lengths do not add up: the arrays end at 24, the data section is 32 bytes/);
    expectInputError(() => unpack(edited((d) => (d.states[0]!.arrays[0]!.length = -1)), 'algo-2.mpmstate'), /needs whole-number offset and length/);
  });

  it('a checksum that does not match', () => {
    const flipped = Uint8Array.from(good);
    flipped[flipped.length - 40]! ^= 1;
    expectInputError(() => unpack(flipped, 'algo-2.mpmstate'), /checksum mismatch/);
  });

  it('a 20 MB header, refused from the preamble before anything is read or parsed', () => {
    const bytes = new Uint8Array(20_000_064);
    bytes.set(STATE_MAGIC, 0);
    const view = new DataView(bytes.buffer);
    view.setUint32(8, 1, true);
    view.setUint32(16, 20_000_000, true);
    const started = performance.now();
    expectInputError(() => unpack(bytes, 'algo-2.mpmstate'), new RegExp(`header is 20000000 bytes, above the limit of ${MAX_HEADER_BYTES}`));
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('deep nesting in the header or in meta, in bounded time', () => {
    const deepText = `{"a":${'['.repeat(200_000)}${']'.repeat(200_000)}}`;
    const started = performance.now();
    expectInputError(() => unpack(craft(deepText), 'algo-2.mpmstate'), /header nests deeper than 132 levels/);
    expect(performance.now() - started).toBeLessThan(2000);
    let meta: unknown = 0;
    for (let i = 0; i < MAX_META_DEPTH + 1; i++) meta = { m: meta };
    expectInputError(() => unpack(edited((d) => (d.states[0]!.meta = meta as never)), 'algo-2.mpmstate'), /meta nests deeper than 64 levels/);
    let parts: Record<string, unknown> = { name: 'p', kind: 'k', version: 1, meta: null, arrays: [] };
    for (let i = 0; i < MAX_STATE_DEPTH; i++) parts = { name: 'p', kind: 'k', version: 1, meta: null, arrays: [], parts: [parts] };
    expectInputError(() => unpack(craft(JSON.stringify({ ...document, states: [parts] })), 'algo-2.mpmstate'), /nested deeper than 32 levels of parts/);
  });

  it('a header that is not UTF-8 JSON of the expected shape', () => {
    expectInputError(() => unpack(craft('{"format": "mpm-state",'), 'algo-2.mpmstate'), /header is not valid JSON/);
    const resealed = craft('{}');
    resealed.set([0xc3, 0x28], 32);
    const end = resealed.length - 32;
    resealed.set(createHash('sha256').update(resealed.subarray(0, end)).digest(), end);
    expectInputError(() => unpack(resealed, 'algo-2.mpmstate'), /header is not valid UTF-8/);
    expectInputError(() => unpack(craft('[1,2]'), 'algo-2.mpmstate'), /header is not a JSON object/);
    expectInputError(() => unpack(edited((d) => (d.format = 'other')), 'algo-2.mpmstate'), /header format is "other", expected "mpm-state"/);
    expectInputError(() => unpack(edited((d) => (d.container_version = 3)), 'algo-2.mpmstate'), /header says container version 3, its preamble 1/);
    expectInputError(() => unpack(edited((d) => (d.byte_order = 'big-endian')), 'algo-2.mpmstate'), /byte order is "big-endian"/);
    expectInputError(() => unpack(edited((d) => (d.seed = 'x')), 'algo-2.mpmstate'), /header field "seed" must be a finite number; found "x"/);
    expectInputError(() => unpack(edited((d) => delete d.window), 'algo-2.mpmstate'), /header field "window" must be an object; found nothing/);
    expectInputError(() => unpack(edited((d) => (d.window = { start_time: 'yesterday', end_time: null })), 'algo-2.mpmstate'), /"start_time" is null or a time/);
    expectInputError(() => unpack(edited((d) => (d.states[0]!.arrays[0]!.type = 'f16')), 'algo-2.mpmstate'), /has type "f16"; known types are f64, f32, i64/);
    expectInputError(() => unpack(edited((d) => (d.states[0]!.arrays[1]!.name = 'counts')), 'algo-2.mpmstate'), /two arrays named "counts"/);
    expectInputError(() => unpack(edited((d) => d.states.push({ ...d.states[0]!, arrays: [] })), 'algo-2.mpmstate'), /two states named "model_quality"/);
    expectInputError(() => unpack(edited((d) => delete d.states[0]!.meta), 'algo-2.mpmstate'), /has no meta/);
    expectInputError(() => unpack(edited((d) => delete (d as Partial<typeof d>).states), 'algo-2.mpmstate'), /no "states" list/);
  });

  it('garbage behind a valid magic fails fast', () => {
    const garbage = new Uint8Array(30_000_000);
    for (let i = 0; i < garbage.length; i += 4096) garbage[i] = (i * 7919) & 0xff;
    garbage.set(STATE_MAGIC, 0);
    new DataView(garbage.buffer).setUint32(8, 1, true);
    const started = performance.now();
    expectInputError(() => unpack(garbage, 'algo-2.mpmstate'), /./);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('readStateFile', () => {
  const dirs: string[] = [];
  afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  it('reads a good file and refuses bad ones by name, reading no more than the lengths declare', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'mpm-state-'));
    dirs.push(dir);
    const storage = new LocalStorage(dir);
    const good = pack({ s: new ExactSum().save() }, HEADER);
    await writeFile(path.join(dir, 'good.mpmstate'), good);
    expect((await readStateFile(storage, 'good.mpmstate')).header.job.name).toBe('mq-job-1');

    const longer = Buffer.concat([Buffer.from(good), Buffer.alloc(100)]);
    await writeFile(path.join(dir, 'longer.mpmstate'), longer);
    await expect(readStateFile(storage, 'longer.mpmstate')).rejects.toThrow(`state: ${path.join(dir, 'longer.mpmstate')}: the file is longer than the ${good.length} bytes`);

    await writeFile(path.join(dir, 'short.mpmstate'), good.subarray(0, good.length - 3));
    await expect(readStateFile(storage, 'short.mpmstate')).rejects.toThrow(/short\.mpmstate: truncated/);

    const big = Buffer.alloc(64);
    big.set(STATE_MAGIC, 0);
    big.writeUInt32LE(1, 8);
    big.writeUInt32LE(20_000_000, 16);
    await writeFile(path.join(dir, 'big-header.mpmstate'), big);
    await expect(readStateFile(storage, 'big-header.mpmstate')).rejects.toThrow(/big-header\.mpmstate: its header is 20000000 bytes, above the limit/);

    const declared = Buffer.alloc(64);
    declared.set(STATE_MAGIC, 0);
    declared.writeUInt32LE(1, 8);
    declared.writeBigUInt64LE(2n ** 40n, 24);
    await writeFile(path.join(dir, 'declares-1tb.mpmstate'), declared);
    await expect(readStateFile(storage, 'declares-1tb.mpmstate', 1 << 20)).rejects.toThrow(/declares-1tb\.mpmstate: its lengths say \d+ bytes, above the 1048576-byte limit/);

    await expect(readStateFile(storage, 'missing.mpmstate')).rejects.toThrow(/missing\.mpmstate: cannot be read/);
    await writeFile(path.join(dir, 'text.mpmstate'), 'x'.repeat(100));
    await expect(readStateFile(storage, 'text.mpmstate')).rejects.toThrow(InputError);
    await expect(readStateFile(storage, 'text.mpmstate')).rejects.toThrow(/text\.mpmstate: not an mpm state file: it starts with 78 78 78 78 78 78 78 78, expected /);
  });
});
