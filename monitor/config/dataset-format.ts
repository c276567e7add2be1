/**
 * @module The contract's dataset_format variable: a JSON string naming the format of dataset_source.
 */
import { ConfigError, showValue } from '../errors.ts';

export type DatasetFormat =
  | { kind: 'sagemakerCaptureJson'; captureIndexNames: string[] }
  | { kind: 'sagemakerMergeJson'; captureIndexNames: string[] }
  | { kind: 'csv'; header: boolean; outputColumnsPosition?: 'START' | 'END' }
  | { kind: 'json'; lines: boolean }
  | { kind: 'parquet' };

const EXPECTED =
  'a JSON object with one key: sagemakerCaptureJson, sagemakerMergeJson, csv, json or parquet, ' +
  'e.g. {"sagemakerCaptureJson":{"captureIndexNames":["endpointInput","endpointOutput"]}}';

function fail(raw: string, why: string): never {
  throw new ConfigError(`config: dataset_format ${showValue(raw)} ${why}; expected ${EXPECTED}`);
}

function asBool(raw: string, value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  fail(raw, `has ${name} = ${showValue(value)}, not true or false`);
}

/** Parses dataset_format. Keys are matched case-insensitively (the API spells them Csv, Json, Parquet). */
export function parseDatasetFormat(raw: string): DatasetFormat {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    fail(raw, 'is not valid JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) fail(raw, 'is not a JSON object');
  const keys = Object.keys(parsed);
  if (keys.length !== 1) fail(raw, `has ${keys.length} keys`);
  const key = keys[0]!;
  const body = (parsed as Record<string, unknown>)[key];
  const opts: Record<string, unknown> = body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  const lower = (k: string): unknown => {
    for (const [name, v] of Object.entries(opts)) if (name.toLowerCase() === k.toLowerCase()) return v;
    return undefined;
  };
  switch (key.toLowerCase()) {
    case 'sagemakercapturejson':
    case 'sagemakermergejson': {
      const names = lower('captureIndexNames') ?? ['endpointInput', 'endpointOutput'];
      if (!Array.isArray(names)) fail(raw, `has captureIndexNames ${showValue(names)}: expected an array such as ["endpointInput","endpointOutput"]`);
      if ((names as unknown[]).some((n) => n !== 'endpointInput' && n !== 'endpointOutput')) {
        fail(raw, `has captureIndexNames ${showValue(names)}: only "endpointInput" and "endpointOutput" are valid`);
      }
      return {
        kind: key.toLowerCase() === 'sagemakercapturejson' ? 'sagemakerCaptureJson' : 'sagemakerMergeJson',
        captureIndexNames: names as string[],
      };
    }
    case 'csv': {
      const pos = lower('output_columns_position');
      if (pos !== undefined && pos !== 'START' && pos !== 'END') fail(raw, `has output_columns_position ${showValue(pos)}, not START or END`);
      return { kind: 'csv', header: asBool(raw, lower('header'), 'header', false), outputColumnsPosition: pos as 'START' | 'END' | undefined };
    }
    case 'json':
      // The docs write "line", the SDK writes "lines": both are read. JSON Lines is the default.
      return { kind: 'json', lines: asBool(raw, lower('lines') ?? lower('line'), 'lines', true) };
    case 'parquet':
      return { kind: 'parquet' };
    default:
      fail(raw, `has the unknown key ${showValue(key)}`);
  }
}
