/**
 * @module The validation rules a setting can declare: a function from the setting's text to its typed value, or to a
 * Refusal that says what was expected; load-config.ts turns it into "config: NAME "value" is not valid; expected …".
 * (Plain functions: every rule is a transform of one string, and a schema library cost a tenth of a second of every
 * run's start-up to load.)
 */
import { availableParallelism } from 'node:os';
import { parseDatasetFormat, type DatasetFormat } from './dataset-format.ts';
import { parseContractTime } from './time.ts';
import { readDecimal } from '../runtime/decimal.ts';
import { canonicalLabel } from '../metrics/labels.ts';
import { parseCategoricalDriftMethod, type CategoricalDriftMethod } from '../data-quality/load-constraints.ts';
import { parseS3Uri } from '../storage/s3-uri.ts';

/** Why a rule refused a setting's text. */
export class Refusal {
  constructor(
    /** The message: the tail after the quoted value ("is not valid; expected …"), or a whole message of its own. */
    readonly message: string,
    readonly whole = false,
    /** The value to quote instead of the text given (e.g. the text trimmed). */
    readonly shown?: string,
  ) {}
}

/** A setting's rule: its text in, its value out, or a Refusal. */
export type Rule<T> = (text: string) => T | Refusal;

/** Refuses the value with "is not valid; expected `expected`" (quoting `shown` instead of the text, when given). */
export function invalid(expected: string, shown?: string): Refusal {
  return new Refusal(`is not valid; expected ${expected}`, false, shown);
}

/** Refuses the value with a message of its own (the text after the quoted value), e.g. "is not supported; …". */
export function fail(message: string): Refusal {
  return new Refusal(message);
}

/** Any text, as given. */
export const text = (): Rule<string> => (value) => value;

/** A URI scheme and its slash ("S3:/", "ftp://", "s3:/"): what a local path never starts with by intent. */
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]+):\//;

/**
 * A location: a local path or, with `s3`, an s3:// URI checked in full. Any other scheme ("S3://b", "s3:/b",
 * "ftp://h") is refused: it used to be taken for a relative folder named "S3:", so reports went to the working
 * directory and were never uploaded.
 */
export function location(s3: boolean): Rule<string> {
  const expected = s3 ? 'a local path or an s3:// URI (lower-case s3://bucket/prefix)' : 'a local path (this setting names a file or folder of the container)';
  return (value) => {
    const scheme = SCHEME.exec(value);
    if (scheme === null) return value;
    if (!s3 || !value.startsWith('s3://')) return fail(`has the scheme "${scheme[1]}:", which is not supported; expected ${expected}`);
    try {
      parseS3Uri(value);
    } catch (error) {
      const why = /\((.*)\); expected/.exec((error as Error).message)?.[1] ?? (error as Error).message;
      return fail(`is not a valid S3 location (${why}); expected s3://bucket or s3://bucket/prefix/`);
    }
    return value;
  };
}

/**
 * One of `choices`, in any case and with spaces around it ignored (as for numbers): `binaryclassification`, `INFO` and
 * ` Fail ` are the choices they spell. Only `enabled()` and `START`/`END` were read so; the rest wanted the exact case.
 */
export function oneOf<const T extends string>(choices: readonly T[]): Rule<T> {
  return (value) => {
    const text = value.trim().toLowerCase();
    return choices.find((c) => c.toLowerCase() === text) ?? invalid(`one of ${choices.join(', ')}`);
  };
}

/** Enabled or Disabled, in any case, as a boolean. */
export const enabled = (): Rule<boolean> => {
  const choice = oneOf(['Enabled', 'Disabled'] as const);
  return (value) => {
    const v = choice(value);
    return v instanceof Refusal ? v : v === 'Enabled';
  };
};

/** A finite decimal number for which `ok` holds. */
export function number(expected: string, ok: (n: number) => boolean = () => true): Rule<number> {
  return (value) => {
    const n = readDecimal(value);
    return n === undefined || !ok(n) ? invalid(expected) : n;
  };
}

/** A whole number in [min, max]. */
export const integer = (expected: string, min: number, max = Number.MAX_SAFE_INTEGER): Rule<number> =>
  number(expected, (n) => Number.isInteger(n) && n >= min && n <= max);

/** A contract timestamp (YYYY-MM-DDTHH:MM:SSZ, spaces after colons tolerated) as epoch milliseconds. */
export const time = (): Rule<number> =>
  (value) => parseContractTime(value) ?? invalid('an ISO-8601 UTC time YYYY-MM-DDTHH:MM:SSZ, e.g. 2024-05-06T22:00:00Z');

/** A contract timestamp, or a date YYYY-MM-DD meaning its midnight UTC (evaluate's --from/--to, as rollup's). */
export const timeOrDate = (): Rule<number> =>
  (value) => {
    const text = value.trim();
    const date = /^\d{4}-\d{2}-\d{2}$/.test(text) ? parseContractTime(`${text}T00:00:00Z`) : parseContractTime(value);
    return date ?? invalid('an ISO-8601 UTC time YYYY-MM-DDTHH:MM:SSZ or a date YYYY-MM-DD (its midnight UTC), e.g. 2024-05-06T22:00:00Z');
  };

/** The contract's dataset_format JSON string (parseDatasetFormat's own message on failure). */
export const datasetFormat = (): Rule<DatasetFormat> =>
  (value) => {
    try {
      return parseDatasetFormat(value);
    } catch (error) {
      // parseDatasetFormat's message names the variable and the value itself.
      return new Refusal((error as Error).message, true);
    }
  };

/** A worker count: a whole number in 1..256, or auto (one per available core). */
export const workers = (): Rule<number> =>
  (value) => {
    if (value.trim().toLowerCase() === 'auto') return availableParallelism();
    return integer('a whole number between 1 and 256, or auto', 1, 256)(value);
  };

/** A comma-separated list of distinct, non-empty labels (trimmed). */
export const labelList = (): Rule<string[]> =>
  (value) => {
    // Labels are compared in their canonical form ("1.0" is the label "1"), as everywhere else.
    const labels = value.split(',').map((l) => canonicalLabel(l) ?? '');
    if (labels.length < 2 || labels.some((l) => l === '') || new Set(labels).size !== labels.length) {
      return invalid('at least two distinct labels separated by commas, in the order of the probability vectors, e.g. 1,2,3');
    }
    return labels;
  };

/** A list of names: a JSON array of strings (or numbers), or comma-separated with spaces around items trimmed. */
export const nameList = (allowEmpty: boolean): Rule<string[]> =>
  (value) => {
    const text = value.trim();
    let names: string[] | undefined;
    if (text.startsWith('[')) {
      try {
        const parsed: unknown = JSON.parse(text);
        if (Array.isArray(parsed) && parsed.every((x) => typeof x === 'string' || typeof x === 'number')) names = parsed.map(String);
      } catch {
        names = undefined;
      }
    } else names = text === '' ? [] : text.split(',').map((s) => s.trim());
    if (names === undefined) return invalid('a JSON array of names, e.g. ["a","b"], or names separated by commas');
    if (!allowEmpty && names.some((n) => n === '')) return invalid('names separated by commas, none empty');
    // Column names must be distinct: two columns of one name would be profiled as one feature.
    if (!allowEmpty) {
      const twice = names.find((n, i) => names!.indexOf(n) !== i);
      if (twice !== undefined) return invalid(`distinct names; ${JSON.stringify(twice)} is given twice`);
    }
    return allowEmpty ? names.filter((n) => n !== '') : names;
  };

/** categorical_drift_method: LInfinity or ChiSquared, in any case. */
export const driftMethod = (): Rule<CategoricalDriftMethod> =>
  (value) => parseCategoricalDriftMethod(value.trim()) ?? invalid('LInfinity or ChiSquared');

/** A setting that must stay unset (a feature of the built-in container mpm does not offer). */
export const unsupported = (why: string): Rule<never> => () => fail(`is not supported; expected it unset (${why})`);
