/**
 * @module Decoding one capture line: the window [start, end), shadow traffic, the join key (inferenceId, else
 * eventId, never coerced), the request/response count check and merged records' labels.
 */
import { describe, expect, it } from 'vitest';
import { problemOf as problemOfCall } from '../../test/helpers/record-problem.ts';
import { decodeCaptureLine, type CaptureLineOptions, type LineWarning } from './decode-capture-line.ts';
import type { RecordProblem } from './input-errors.ts';

const START = Date.UTC(2024, 4, 6, 22);
const END = Date.UTC(2024, 4, 6, 23);
const CAPTURE: CaptureLineOptions['format'] = { kind: 'sagemakerCaptureJson', captureIndexNames: ['endpointInput', 'endpointOutput'] };
const options = (extra: Partial<CaptureLineOptions> = {}): CaptureLineOptions => ({
  response: { problemType: 'MulticlassClassification', positiveLabel: '1', negativeLabel: '0' },
  window: { start: START, end: END },
  format: CAPTURE,
  checkRequestCount: true,
  ...extra,
});

function line(meta: Record<string, unknown>, extra: { request?: unknown[]; response?: unknown[]; groundTruthData?: unknown } = {}): string {
  const request = extra.request ?? [{ a: 1 }, { a: 2 }];
  const response = extra.response ?? [
    { payload_index: 0, label: 1 },
    { payload_index: 1, label: 0 },
  ];
  return JSON.stringify({
    captureData: {
      endpointInput: { observedContentType: 'application/json', mode: 'INPUT', data: JSON.stringify(request), encoding: 'JSON' },
      endpointOutput: { observedContentType: 'application/json', mode: 'OUTPUT', data: JSON.stringify(response), encoding: 'JSON' },
    },
    eventMetadata: { eventId: 'e-1', inferenceTime: '2024-05-06T22:10:00Z', ...meta },
    eventVersion: '0',
    ...(extra.groundTruthData !== undefined ? { groundTruthData: extra.groundTruthData } : {}),
  });
}

function decode(text: string, o = options()) {
  const warnings: LineWarning[] = [];
  return { decoded: decodeCaptureLine(text, o, (w) => warnings.push(w)), warnings };
}
function problemOf(text: string, o = options()): RecordProblem {
  return problemOfCall(() => decode(text, o));
}

describe('decodeCaptureLine window', () => {
  it('reads a record at start_time (inclusive) and skips one at end_time (exclusive) or before start', () => {
    expect(decode(line({ inferenceId: '0', inferenceTime: '2024-05-06T22:00:00Z' })).decoded.status).toBe('ok');
    expect(decode(line({ inferenceId: '0', inferenceTime: '2024-05-06T23:00:00Z' })).decoded).toEqual({ status: 'skipped', reason: 'outside_window' });
    expect(decode(line({ inferenceId: '0', inferenceTime: '2024-05-06T21:59:59Z' })).decoded).toEqual({ status: 'skipped', reason: 'outside_window' });
  });

  it('counts a record whose inferenceTime cannot be read when there is a window', () => {
    expect(problemOf(line({ inferenceTime: '{%s}' }))).toMatchObject({ reason: 'invalid_inference_time', detail: 'inferenceTime "{%s}"' });
  });

  it('reads it with a warning when there is no window', () => {
    const { decoded, warnings } = decode(line({ inferenceTime: '{%s}' }), options({ window: {} }));
    expect(decoded.status).toBe('ok');
    expect(warnings).toEqual(['no_inference_time']);
  });

  it('skips shadow-variant traffic', () => {
    expect(decode(line({ invocationSource: 'ShadowExperiment' })).decoded).toEqual({ status: 'skipped', reason: 'shadow_traffic' });
  });
});

describe('decodeCaptureLine key', () => {
  it('keys by inferenceId as written: "007" stays "007"', () => {
    expect(decode(line({ inferenceId: '007' })).decoded).toMatchObject({ status: 'ok', id: '007', idSource: 'inferenceId' });
    expect(decode(line({ inferenceId: 7 })).decoded).toMatchObject({ id: '7', idSource: 'inferenceId' });
  });

  it('falls back to eventId without an inferenceId (or with an empty one)', () => {
    expect(decode(line({})).decoded).toMatchObject({ id: 'e-1', idSource: 'eventId' });
    expect(decode(line({ inferenceId: '' })).decoded).toMatchObject({ id: 'e-1', idSource: 'eventId' });
  });

  it('counts a record with neither id', () => {
    expect(problemOf(line({ eventId: undefined })).reason).toBe('missing_event_id');
  });

  it('counts a record whose id is not valid Unicode, or a number JSON cannot keep exactly (the store turned both lone surrogates into one U+FFFD)', () => {
    for (const id of ['\ud800', 'ab\udc00', '\ude00\ud83d']) {
      expect(problemOf(line({ inferenceId: id }))).toMatchObject({ reason: 'invalid_inference_id', detail: expect.stringMatching(/^inferenceId holds a lone surrogate \\u(d800|dc00|de00) at character \d: not valid Unicode$/) });
    }
    expect(problemOf(line({ inferenceId: undefined, eventId: 'e\ud800' }))).toMatchObject({ reason: 'invalid_inference_id', detail: expect.stringMatching(/^eventId holds/) });
    expect(problemOf(line({ inferenceId: 2 ** 53 + 2 })).reason).toBe('invalid_inference_id');
    expect(problemOf(line({ inferenceId: 1.5 })).reason).toBe('invalid_inference_id');
    // A pair (an emoji) is valid text, and a safe whole number keeps its digits.
    expect(decode(line({ inferenceId: 'r\ud83d\ude00' })).decoded).toMatchObject({ id: 'r\ud83d\ude00' });
    expect(decode(line({ inferenceId: 9007199254740991 })).decoded).toMatchObject({ id: '9007199254740991' });
  });
});

describe('decodeCaptureLine records', () => {
  it('explodes the response into one prediction per record', () => {
    expect(decode(line({ inferenceId: 'r' })).decoded).toMatchObject({
      predictions: [
        { index: 0, label: '1' },
        { index: 1, label: '0' },
      ],
    });
  });

  it('counts a response whose length differs from the request', () => {
    expect(problemOf(line({ inferenceId: 'r' }, { request: [{ a: 1 }, { a: 2 }, { a: 3 }] }))).toMatchObject({
      reason: 'count_mismatch',
      detail: 'request has 3 records, response has 2 predictions',
    });
  });

  it('reads a one-line CSV response of one value per record by the request count (older SageMaker XGBoost)', () => {
    const csvLine = (records: number, response: string): string =>
      JSON.stringify({
        captureData: {
          endpointInput: { observedContentType: 'text/csv', mode: 'INPUT', data: Array.from({ length: records }, (_, i) => `${i},1`).join('\n'), encoding: 'CSV' },
          endpointOutput: { observedContentType: 'text/csv', mode: 'OUTPUT', data: response, encoding: 'CSV' },
        },
        eventMetadata: { eventId: 'e-1', inferenceId: 'c', inferenceTime: '2024-05-06T22:10:00Z' },
        eventVersion: '0',
      });
    const binary = options({ response: { problemType: 'BinaryClassification', positiveLabel: '1', negativeLabel: '0', binaryStrict: true }, keepRaw: true });
    expect(decode(csvLine(3, '0.2,0.8,0.6\n'), binary).decoded).toMatchObject({
      predictions: [
        { index: 0, label: '0', score: 0.2 },
        { index: 1, label: '1', score: 0.8 },
        { index: 2, label: '1', score: 0.6 },
      ],
      raw: [
        { index: 0, score: 0.2 },
        { index: 1, score: 0.8 },
        { index: 2, score: 0.6 },
      ],
    });
    // Two values that would read as one probability pair, for a request of two records.
    expect(decode(csvLine(2, '0.3,0.7'), binary).decoded).toMatchObject({ predictions: [{ score: 0.3 }, { score: 0.7 }] });
    expect(decode(csvLine(3, '0,2,1')).decoded).toMatchObject({ predictions: [{ label: '0' }, { label: '2' }, { label: '1' }] });
    const regression = options({ response: { problemType: 'Regression', positiveLabel: '1', negativeLabel: '0' } });
    expect(decode(csvLine(2, '1.5,-2.5'), regression).decoded).toMatchObject({ predictions: [{ value: 1.5 }, { value: -2.5 }] });
    // A line of label,score for a one-record request stays one record; a count no reading gives is still counted.
    expect(decode(csvLine(1, '1,0.8'), binary).decoded).toMatchObject({ predictions: [{ label: '1', score: 0.8 }] });
    expect(problemOf(csvLine(4, '1.5,-2.5'), regression)).toMatchObject({ reason: 'count_mismatch', detail: 'request has 4 records, response has 1 predictions' });
    // Without the count check the request is never read, and the line is one record as it reads alone.
    expect(decode(csvLine(2, '1.5,-2.5'), { ...regression, checkRequestCount: false }).decoded).toMatchObject({ predictions: [{ value: 1.5 }] });
  });

  it('counts lines that are not JSON or not capture records', () => {
    expect(problemOf('{"captureData":').reason).toBe('invalid_json');
    expect(problemOf('[]').reason).toBe('not_a_capture_record');
    expect(problemOf('{"eventMetadata":{}}').reason).toBe('not_a_capture_record');
  });

  it('reads groundTruthData of merged records, and counts a merged record without it', () => {
    const merge = options({ format: { kind: 'sagemakerMergeJson', captureIndexNames: ['endpointOutput'] } });
    const { decoded } = decode(line({ inferenceId: 'm' }, { groundTruthData: { data: '1\n1', encoding: 'CSV' } }), merge);
    expect(decoded.status === 'ok' && [...decoded.labels!.entries()]).toEqual([
      [0, '1'],
      [1, '1'],
    ]);
    expect(problemOf(line({ inferenceId: 'm' }), merge).reason).toBe('missing_ground_truth_in_record');
  });
});
