import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CaptureRowBuilder, type CaptureRowOptions, type RowSink } from './capture-rows.ts';
import { decodeDataQualityBytes, decodeDataQualityLine } from './decode-capture-rows.ts';
import { FlatRequestReader } from './flat-request.ts';
import { PayloadDecoder, type PayloadRecord } from './payload-records.ts';
import { RecordProblem } from '../ingest/input-errors.ts';

/** Rows, problems and warnings as text, with -0 and NaN told apart from 0. */
class Collect implements RowSink {
  log: string[] = [];
  addRow(names: readonly string[], values: ArrayLike<unknown>, length = names.length): void {
    this.log.push(`row ${show(Array.from({ length }, (_, i) => [names[i], values[i]]))}`);
  }
  countProblem(reason: string, times = 1): void {
    this.log.push(`problem ${reason} ${times}`);
  }
}

const show = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'number' ? (Object.is(x, -0) ? '-0' : Number.isFinite(x) ? x : String(x)) : x));

/** A request's text as the content of the line's JSON string (escaped once more), closing quote included. */
const inLine = (requestText: string): Buffer => Buffer.from(JSON.stringify(requestText).slice(1));

function captureLine(requestText: string, response: string | undefined, contentType = 'application/json', encoding: string | undefined = 'JSON', meta: object = {}): string {
  const input = { observedContentType: contentType, mode: 'INPUT', data: requestText, ...(encoding === undefined ? {} : { encoding }) };
  const output = response === undefined ? undefined : { observedContentType: 'application/json', mode: 'OUTPUT', data: response, encoding: 'JSON' };
  return JSON.stringify({ captureData: { endpointInput: input, ...(output ? { endpointOutput: output } : {}) }, eventMetadata: { eventId: 'e', inferenceTime: '2024-05-01T10:00:00Z', ...meta }, eventVersion: '0' });
}

/** The window of the property tests: lines at 10:00 are in it. */
const WINDOW = { start: Date.parse('2024-05-01T10:00:00Z'), end: Date.parse('2024-05-01T11:00:00Z') };

/** Every line through both paths, each with its own decoder (and reader), in order: what each gave, line by line. */
function bothWays(lines: string[], options: CaptureRowOptions = {}, window: { start?: number; end?: number } = {}): { general: string[]; fast: string[] } {
  const run = (fast: boolean): string[] => {
    const sink = new Collect();
    const rows = new CaptureRowBuilder(options);
    const decoder = new PayloadDecoder();
    const reader = new FlatRequestReader();
    for (const line of lines) {
      const warn = (w: string): void => void sink.log.push(`warn ${w}`);
      try {
        const read = fast ? decodeDataQualityBytes(Buffer.from(line), { window, rows }, decoder, reader, sink, warn) : decodeDataQualityLine(line, { window, rows }, decoder, sink, warn);
        sink.log.push(`read ${show(read)}`);
      } catch (error) {
        if (!(error instanceof RecordProblem)) throw error;
        sink.log.push(`error ${error.reason} ${error.message}`);
      }
    }
    return sink.log;
  };
  return { general: run(false), fast: run(true) };
}

// Requests written as text, so that numbers come in every form JSON allows (and some it does not).
const digits = (min: number, max: number): fc.Arbitrary<string> => fc.array(fc.constantFrom(...'0123456789'), { minLength: min, maxLength: max }).map((d) => d.join(''));
const numberText = fc
  .tuple(fc.constantFrom('', '-'), fc.oneof(fc.constant('0'), fc.tuple(fc.constantFrom(...'123456789'), digits(0, 24)).map(([a, b]) => a + b)), fc.option(digits(1, 24)), fc.option(fc.tuple(fc.constantFrom('e', 'E'), fc.constantFrom('', '+', '-'), digits(1, 4))))
  .map(([sign, int, frac, exp]) => `${sign}${int}${frac === null ? '' : `.${frac}`}${exp === null ? '' : exp.join('')}`);
const badNumber = fc.constantFrom('01', '-', '1.', '.5', '1e', '+1', '1.5.2', 'NaN', '0x10', '1e+');
// Mostly what the fast path reads (so that it does read most lines), with a share of everything it must refuse.
const plainString = fc.string({ unit: fc.constantFrom(...'abc xyz.,:;{}[]-_019é€😀'), maxLength: 8 });
/** Values and keys: mostly what the fast path reads, and with `hostile` a share of everything it must refuse. */
const valueText = (hostile: boolean): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 30, arbitrary: numberText },
    { weight: 8, arbitrary: plainString.map((x) => JSON.stringify(x)) },
    { weight: 4, arbitrary: fc.constantFrom('true', 'false', 'null') },
    { weight: hostile ? 1 : 0, arbitrary: badNumber },
    { weight: hostile ? 1 : 0, arbitrary: fc.oneof(fc.string({ maxLength: 6 }), fc.string({ unit: 'grapheme', maxLength: 4 }), fc.constantFrom('a"b', 'a\\b', 'tab\t', '\u2028')).map((x) => JSON.stringify(x)) },
    { weight: hostile ? 1 : 0, arbitrary: fc.constantFrom('{"n":1}', '[1,2]', '{}', '[]', '"\\u0041"', 'tru', 'nul') },
  );
const keyText = (hostile: boolean): fc.Arbitrary<string> =>
  fc
    .oneof(
      { weight: 40, arbitrary: fc.constantFrom('a', 'b', 'c', 'Elevation', 'x.y', '__proto__', 'k k', 'é') },
      // Keys JavaScript orders first (array indices), and near misses it does not.
      { weight: 3, arbitrary: fc.constantFrom('0', '1', '01', '1a', '4294967295', '-1') },
      { weight: hostile ? 1 : 0, arbitrary: fc.constantFrom('a"b', 'a\\b', '') },
      { weight: hostile ? 1 : 0, arbitrary: fc.string({ maxLength: 5 }) },
    )
    .map((k) => JSON.stringify(k));
const space = (hostile: boolean): fc.Arbitrary<string> => fc.oneof({ weight: 30, arbitrary: fc.constantFrom('', ' ', '  ') }, { weight: hostile ? 1 : 0, arbitrary: fc.constantFrom('\n', '\t', '\r') });
const recordText = (hostile: boolean): fc.Arbitrary<string> => {
  const member = fc.tuple(keyText(hostile), valueText(hostile), space(hostile), space(hostile));
  // Mostly distinct keys; sometimes one given twice (the last one wins in JSON.parse).
  return fc
    .oneof({ weight: 8, arbitrary: fc.uniqueArray(member, { maxLength: 6, selector: (m) => m[0] }) }, { weight: 1, arbitrary: fc.array(member, { maxLength: 6 }) })
    .map((members) => `{${members.map(([k, v, s1, s2]) => `${s1}${k}${s2}:${s1}${v}${s2}`).join(',')}}`);
};
const requestText = (hostile: boolean): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 12, arbitrary: fc.tuple(fc.array(recordText(hostile), { minLength: hostile ? 0 : 1, maxLength: 5 }), space(hostile)).map(([records, s]) => `${s}[${records.join(`${s},`)}]${s}`) },
    { weight: hostile ? 1 : 0, arbitrary: fc.constantFrom('[1,2,3]', '{"instances":[{"a":1}]}', '[{"a":1}', '[{"a":1}]x', '[[1,2]]', '', '{"a":[1,2]}', '[{"a":1},]') },
  );
/** A response of n items, or one of the wrong count, or none captured. */
const responseFor = (n: number): fc.Arbitrary<string | undefined> =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constant(JSON.stringify(Array.from({ length: n }, (_, i) => ({ label: i % 3, score: 0.5 })))) },
    { weight: 1, arbitrary: fc.constant(JSON.stringify([{ label: 1 }, { label: 2 }])) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
const lineArb = (hostile: boolean): fc.Arbitrary<string> => requestText(hostile).chain((text) => {
  let n = 1;
  try {
    const parsed: unknown = JSON.parse(text);
    n = Array.isArray(parsed) ? parsed.length : 1;
  } catch {
    // a broken request: any response
  }
  // Mostly inside the window; sometimes outside it, without a usable time, or shadow traffic (read, then not taken).
  const meta = fc.oneof(
    { weight: 12, arbitrary: fc.constant({}) },
    { weight: 1, arbitrary: fc.constantFrom({ inferenceTime: '2024-05-01T12:00:00Z' }, { inferenceTime: 'soon' }, { invocationSource: 'ShadowExperiment' }) },
  );
  return fc.tuple(responseFor(n), meta).map(([response, m]) => captureLine(text, response, 'application/json', 'JSON', m));
});

describe('data quality: flat records read from the bytes', () => {
  for (const hostile of [false, true]) {
    it(`gives the rows, problems and warnings of the general path, line after line (property, ${hostile ? 'hostile' : 'well-formed'} requests)`, () => {
      fc.assert(
        fc.property(fc.array(lineArb(hostile), { minLength: 1, maxLength: 6 }), (lines) => {
          const { general, fast } = bothWays(lines, {}, WINDOW);
          expect(fast).toEqual(general);
        }),
        { numRuns: 500 },
      );
    });
  }

  it('reads numbers as JSON.parse does, in every form (property over doubles and their texts)', () => {
    const reader = new FlatRequestReader();
    const forms = (x: number): string[] => {
      const out = [JSON.stringify(x), x.toExponential(), x.toExponential(3).replace('e+', 'E'), x.toPrecision(17)];
      if (Math.abs(x) < 1e21) out.push(x.toFixed(5), x.toFixed(20));
      return out.filter((t) => !/^-?(Infinity|NaN)/.test(t));
    };
    fc.assert(
      fc.property(fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.double({ min: -1e6, max: 1e6, noNaN: true })), (x) => {
        const texts = forms(x);
        const request = `[${texts.map((t, i) => `{"v${i}":${t}}`).join(',')}]`;
        const bytes = inLine(request);
        expect(reader.scan(bytes, 0, bytes.length)).toBe(bytes.length - 1);
        const records = reader.records(bytes, 0)!;
        expect(show(records.map((r) => r.values[0]))).toBe(show(texts.map((t) => JSON.parse(t) as number)));
      }),
      { numRuns: 2000 },
    );
  });

  it('reads an array of flat objects itself, and leaves every other request to the general path', () => {
    const reader = new FlatRequestReader();
    const read = (request: string): PayloadRecord[] | undefined => {
      const bytes = inLine(request);
      return reader.scan(bytes, 0, bytes.length) < 0 ? undefined : reader.records(bytes, 0);
    };
    const flat = read('[{"a":1,"b":"x","c":true,"d":null,"e":-0.5e2}, {"a":2, "b":"y", "c":false, "d":null, "e":1E400}]');
    expect(flat).toEqual([
      { names: ['a', 'b', 'c', 'd', 'e'], values: [1, 'x', true, null, -50] },
      { names: ['a', 'b', 'c', 'd', 'e'], values: [2, 'y', false, null, Infinity] },
    ]);
    // One names array for records of one layout, also across requests: the profile resolves a layout once.
    expect(flat![1]!.names).toBe(flat![0]!.names);
    expect(read('[{"a":3,"b":"z","c":true,"d":null,"e":0}]')![0]!.names).toBe(flat![0]!.names);
    for (const other of ['[{"a":{"b":1}}]', '[{"a":[1]}]', '[{"a":"\\n"}]', '[{"a\\u0062":1}]', '[1,2]', '[]', '{"a":1}', '[{"a":1}]]', '[{"a":01}]', '[\n{"a":1}]']) {
      expect(read(other), other).toBeUndefined();
    }
    // Keys JavaScript orders differently, or a key given twice: the general path decides.
    expect(read('[{"b":1,"0":2}]')).toBeUndefined();
    expect(read('[{"a":1,"a":2}]')).toBeUndefined();
  });

  it('takes the records only for the request it read last', () => {
    const reader = new FlatRequestReader();
    const bytes = inLine('[{"a":1}]');
    reader.scan(bytes, 0, bytes.length);
    expect(reader.records(Buffer.from(bytes), 0)).toBeUndefined();
    reader.scan(bytes, 0, bytes.length);
    expect(reader.records(bytes, 0)).toEqual([{ names: ['a'], values: [1] }]);
    expect(reader.records(bytes, 0)).toBeUndefined();
  });

  it('forgets the record layout after a request it could not read, so a later record never takes stale names', () => {
    const response = (n: number): string => JSON.stringify(Array.from({ length: n }, () => ({ label: 1 })));
    const line = (request: string, n: number): string => captureLine(request, response(n));
    // The module compares each record's keys with the last record's it read, even in a request that fails later
    // (a nested value in the second record) or one whose keys the reader refuses (an array index, a key twice).
    for (const refused of ['[{"x":1,"y":2},{"z":{"n":1}}]', '[{"x":1,"0":2}]', '[{"x":1,"x":2}]']) {
      const after = refused.startsWith('[{"x":1,"y":2}') ? '[{"x":1,"y":2}]' : refused;
      const { general, fast } = bothWays([line('[{"a":1,"b":2}]', 1), line(refused, refused.split('{').length - 1), line(after, 1)]);
      expect(fast, refused).toEqual(general);
    }
  });

  it('forgets the record layout when a scan fails, whether or not records() is asked for next', () => {
    const reader = new FlatRequestReader();
    const scanned = (request: string): PayloadRecord[] | undefined => {
      const bytes = inLine(request);
      return reader.scan(bytes, 0, bytes.length) < 0 ? undefined : reader.records(bytes, 0);
    };
    scanned('[{"a":1,"b":2}]');
    expect(scanned('[{"x":1,"y":2},{"z":{"n":1}}]')).toBeUndefined();
    expect(scanned('[{"x":1,"y":2}]')).toEqual([{ names: ['x', 'y'], values: [1, 2] }]);
  });

  it('a line read but not taken (outside the window, shadow traffic, not JSON by its type) leaves no stale names', () => {
    const at = (time: string, request: string, extra: object = {}, contentType = 'application/json'): string =>
      JSON.stringify({
        captureData: { endpointInput: { observedContentType: contentType, mode: 'INPUT', data: request, encoding: 'JSON' } },
        eventMetadata: { eventId: 'e', inferenceTime: time, ...extra },
        eventVersion: '0',
      });
    const inside = '2024-05-01T10:30:00Z';
    const lines = [
      at(inside, '[{"a":1,"b":2}]'),
      at('2024-05-01T12:00:00Z', '[{"x":1,"y":2}]'),
      at(inside, '[{"x":3,"y":4}]'),
      at(inside, '[{"p":1}]', { invocationSource: 'ShadowExperiment' }),
      at(inside, '[{"p":2}]'),
      at(inside, '[{"q":1}]', {}, 'text/csv'),
      at(inside, '[{"q":2}]'),
      at('not a time', '[{"r":1}]'),
      at(inside, '[{"r":2}]'),
    ];
    const options = { window: { start: Date.parse('2024-05-01T10:00:00Z'), end: Date.parse('2024-05-01T11:00:00Z') }, rows: new CaptureRowBuilder({ captureIndexNames: ['endpointInput'] }) };
    const run = (fast: boolean): string[] => {
      const sink = new Collect();
      const decoder = new PayloadDecoder();
      const reader = new FlatRequestReader();
      for (const line of lines) {
        try {
          const read = fast ? decodeDataQualityBytes(Buffer.from(line), options, decoder, reader, sink, () => {}) : decodeDataQualityLine(line, options, decoder, sink, () => {});
          sink.log.push(`read ${show(read)}`);
        } catch (error) {
          sink.log.push(`error ${(error as RecordProblem).reason}`);
        }
      }
      return sink.log;
    };
    const general = run(false);
    expect(run(true)).toEqual(general);
    expect(general.filter((l) => l.startsWith('row'))).toEqual(['row [["a",1],["b",2]]', 'row [["x",3],["y",4]]', 'row [["p",2]]', 'row [["_c0","[{\\"q\\":1}]"]]', 'row [["q",2]]', 'row [["r",2]]']);
  });

  it('rests after 16 lines in a row it could not read, trying one line in 256, and reads every line again after a read', () => {
    const reader = new FlatRequestReader();
    const attempt = (request: string): boolean => {
      if (!reader.worthTrying()) return false;
      const bytes = inLine(request);
      if (reader.scan(bytes, 0, bytes.length) >= 0) reader.records(bytes, 0);
      reader.settle();
      return true;
    };
    for (let i = 0; i < 16; i++) expect(attempt('a,b\n1,2')).toBe(true);
    const tried: number[] = [];
    for (let i = 0; i < 600; i++) if (attempt('a,b\n1,2')) tried.push(i);
    expect(tried).toEqual([255, 511]);
    // The rest that began at line 512 runs to line 766; a flat request on the next try ends it: every line is tried.
    let waited = 0;
    while (!attempt('[{"a":1}]')) waited++;
    expect(waited).toBe(766 - 599);
    for (let i = 0; i < 20; i++) expect(attempt(i % 2 === 0 ? '[{"a":1}]' : 'a,b\n1,2')).toBe(true);
  });

  it('a capture line with the request given twice reads the last one, as JSON.parse does', () => {
    const first = JSON.stringify('[{"a":1}]');
    const second = JSON.stringify('[{"b":2},{"b":3}]');
    const line = `{"captureData":{"endpointInput":{"observedContentType":"application/json","mode":"INPUT","data":${first},"data":${second},"encoding":"JSON"}},"eventMetadata":{"eventId":"e","inferenceTime":"2024-05-01T10:00:00Z"},"eventVersion":"0"}`;
    const { general, fast } = bothWays([line], { captureIndexNames: ['endpointInput'] });
    expect(fast).toEqual(general);
    expect(general.filter((l) => l.startsWith('row'))).toHaveLength(2);
  });

  it('BASE64, CSV and JSON Lines requests and excluded features give the general path\'s rows', () => {
    const records = '[{"a":1,"b":2},{"a":3,"b":4}]';
    const response = JSON.stringify([{ label: 1 }, { label: 0 }]);
    const lines = [
      captureLine(Buffer.from(records).toString('base64'), response, 'application/json', 'BASE64'),
      captureLine(records, response, 'text/csv', 'CSV'),
      captureLine(records, response, '', undefined),
      captureLine('{"a":1}\n{"a":2}', response, 'application/jsonlines'),
      captureLine(records, response, 'application/vnd.x+json'),
    ];
    const { general, fast } = bothWays(lines, { excludeFeatures: ['b'], outputColumnsPosition: 'END' });
    expect(fast).toEqual(general);
  });
});
