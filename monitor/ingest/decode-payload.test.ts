/**
 * @module Decoding captured payloads: content types with parameters, the encoding fallback, BASE64, and the
 * problems counted for undecodable data.
 */
import { describe, expect, it } from 'vitest';
import { problemOf } from '../../test/helpers/record-problem.ts';
import { decodePayload, parsePayloadJson, payloadKindOf, payloadLines, plainPayloadKind } from './decode-payload.ts';

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

describe('payloadKindOf', () => {
  it('ignores parameters and case: charset, header', () => {
    expect(payloadKindOf('text/csv; charset=utf-8')).toBe('csv');
    expect(payloadKindOf('text/csv;header=present')).toBe('csv');
    expect(payloadKindOf('Application/JSON; charset=UTF-8')).toBe('json');
    expect(payloadKindOf('application/jsonlines')).toBe('jsonlines');
    expect(payloadKindOf('application/x-ndjson')).toBe('jsonlines');
  });

  it('reads vendor +json types as JSON and leaves unknown types undecided', () => {
    expect(payloadKindOf('application/vnd.api+json')).toBe('json');
    expect(payloadKindOf('application/x-npy')).toBeUndefined();
    expect(payloadKindOf('')).toBeUndefined();
  });
});

describe('decodePayload', () => {
  it('uses the content type first', () => {
    expect(decodePayload({ data: '1,2\n', encoding: 'CSV', observedContentType: 'text/csv; charset=utf-8' }, 'endpointInput')).toEqual({ text: '1,2\n', kind: 'csv' });
    expect(decodePayload({ data: '{"a":1}\n{"a":2}', encoding: 'JSON', observedContentType: 'application/jsonlines' }, 'endpointInput').kind).toBe('jsonlines');
  });

  it('falls back to the encoding when the content type is missing or unknown', () => {
    expect(decodePayload({ data: '0.3', encoding: 'CSV' }, 'endpointOutput').kind).toBe('csv');
    expect(decodePayload({ data: '[1]', encoding: 'JSON', observedContentType: 'application/x-custom' }, 'endpointOutput').kind).toBe('json');
    expect(decodePayload({ data: '[1]' }, 'endpointOutput').kind).toBe('json');
  });

  it('decodes BASE64 JSON and CSV as UTF-8 and reads them by content type', () => {
    expect(decodePayload({ data: b64('[{"label":"é"}]'), encoding: 'BASE64', observedContentType: 'application/json' }, 'endpointOutput')).toEqual({
      text: '[{"label":"é"}]',
      kind: 'json',
    });
    expect(decodePayload({ data: b64('1\n0\n'), encoding: 'base64', observedContentType: 'text/csv; charset=utf-8' }, 'endpointOutput')).toEqual({ text: '1\n0\n', kind: 'csv' });
  });

  it('guesses the kind of BASE64 data without a content type from its text', () => {
    expect(decodePayload({ data: b64('[1,2]'), encoding: 'BASE64' }, 'x').kind).toBe('json');
    expect(decodePayload({ data: b64('{"a":1}\n{"a":2}'), encoding: 'BASE64' }, 'x').kind).toBe('jsonlines');
    expect(decodePayload({ data: b64('{"a":1}'), encoding: 'BASE64' }, 'x').kind).toBe('json');
    expect(decodePayload({ data: b64('1,2'), encoding: 'BASE64' }, 'x').kind).toBe('csv');
  });

  it('counts BASE64 data that is not base64, and an unknown binary content type', () => {
    expect(problemOf(() => decodePayload({ data: 'not base64!', encoding: 'BASE64', observedContentType: 'application/json' }, 'endpointOutput'))).toMatchObject({
      reason: 'undecodable_payload',
      detail: 'endpointOutput.data is not valid base64',
    });
    expect(problemOf(() => decodePayload({ data: b64('x'), encoding: 'BASE64', observedContentType: 'application/x-npy' }, 'endpointInput'))).toMatchObject({
      reason: 'unsupported_content_type',
      detail: 'endpointInput.observedContentType "application/x-npy" is not JSON, JSON Lines or CSV',
    });
  });

  it('counts an unknown encoding and data that is not a string', () => {
    expect(problemOf(() => decodePayload({ data: 'x', encoding: 'UTF16' }, 'endpointOutput')).detail).toBe('endpointOutput.encoding "UTF16" is not JSON, CSV or BASE64');
    expect(problemOf(() => decodePayload({ data: 3 }, 'endpointOutput')).detail).toBe('endpointOutput.data is not a string');
  });
});

describe('payloadLines and parsePayloadJson', () => {
  it('splits on LF and CRLF and drops blank lines', () => {
    expect(payloadLines('a\r\nb\n\n  \nc')).toEqual(['a', 'b', 'c']);
  });

  it('turns a JSON syntax error into undecodable_payload naming the payload', () => {
    const p = problemOf(() => parsePayloadJson('{', 'endpointOutput'));
    expect(p.reason).toBe('undecodable_payload');
    expect(p.detail).toMatch(/^endpointOutput is not valid JSON: /);
    // An invisible byte order mark is named.
    expect(problemOf(() => parsePayloadJson('\ufeff[{"label":1}]', 'endpointOutput')).detail).toMatch(/ \(it starts with a byte order mark, U\+FEFF: write the payload without one\)$/);
  });

  it('plainPayloadKind is the kind decodePayload gives, for every payload that needs no BASE64 decode', () => {
    let plain = 0;
    for (const encoding of [undefined, null, 'JSON', 'json', 'CSV', 'csv', 'BASE64', 'base64', 5, 'XML']) {
      for (const observedContentType of [undefined, '', 'application/json', 'text/csv; charset=utf-8', 'application/jsonlines', 'text/plain', 'application/vnd.x+json', 7]) {
        for (const data of ['[{"a":1}]', 'a,b\n1,2', '{"a":1}\n{"a":2}']) {
          const payload = { data, encoding, observedContentType };
          const kind = plainPayloadKind(payload);
          if (kind !== undefined) {
            plain++;
            expect(decodePayload(payload, 'endpointInput').kind).toBe(kind);
          } else if (typeof encoding !== 'string' || encoding.toUpperCase() !== 'BASE64') {
            expect(() => decodePayload(payload, 'endpointInput')).toThrow();
          }
        }
      }
    }
    expect(plain).toBe(6 * 8 * 3);
  });
});
