/**
 * @module Builds the evaluator's float32 matrix record by record, and checks each record against the model's features
 * the way the seed's `predict(validate_features=True)` does: a missing or unknown feature is a 400 that names it.
 *
 * Records by name (JSON objects) may list features in any order; every feature must be present (null for a missing
 * value). Records by position (arrays, CSV lines) must have exactly one value per feature.
 */

import { BadRequestError, showValue } from '../errors.ts';

/** The model's features as requests name them. */
export interface FeatureSchema {
  /** Names in model order: the model's feature_names, or f0, f1, ... when it was saved without names. */
  readonly names: readonly string[];
  readonly index: ReadonlyMap<string, number>;
  /** Whether the names came from the model (false: generated f0..fN). */
  readonly named: boolean;
}

/** Creates the schema for a model's features. */
export function createFeatureSchema(featureNames: readonly string[] | undefined, numFeature: number): FeatureSchema {
  const names = featureNames ?? Array.from({ length: numFeature }, (_, i) => `f${i}`);
  return { names, index: new Map(names.map((n, i) => [n, i])), named: featureNames !== undefined };
}

/** Accumulates records into a growing row-major Float32Array (NaN = missing). */
export class FeatureRows {
  private values: Float32Array;
  private rows = 0;
  private readonly width: number;

  constructor(
    private readonly schema: FeatureSchema,
    expectedRows = 16,
  ) {
    this.width = schema.names.length;
    this.values = new Float32Array(Math.max(1, expectedRows) * this.width);
  }

  /** Number of records added so far. */
  get numRows(): number {
    return this.rows;
  }

  /** The matrix of the records added so far. */
  matrix(): { values: Float32Array; numRows: number } {
    return { values: this.values.subarray(0, this.rows * this.width), numRows: this.rows };
  }

  private nextRow(): number {
    if ((this.rows + 1) * this.width > this.values.length) {
      const grown = new Float32Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    return this.rows++ * this.width;
  }

  /** Adds a record given by feature name (`label` says where it came from in messages, e.g. "record 3"). */
  addObject(record: Record<string, unknown>, label: string): void {
    const { index, names } = this.schema;
    const base = this.nextRow();
    let seen = 0;
    for (const key in record) {
      const i = index.get(key);
      if (i === undefined) throw unknownFeature(this.schema, key, label);
      this.values[base + i] = toNumber(record[key], label, key);
      seen++;
    }
    if (seen !== names.length) {
      const missing = names.filter((n) => !Object.prototype.hasOwnProperty.call(record, n));
      throw new BadRequestError(
        `${label}: missing feature${missing.length > 1 ? 's' : ''} ${listNames(missing)}; send null for a missing value`,
      );
    }
  }

  /** Adds a record given by position (one value per feature, in the model's order). */
  addArray(values: readonly unknown[], label: string): void {
    if (values.length !== this.width) {
      throw new BadRequestError(`${label}: has ${values.length} values, the model expects ${this.width} features`);
    }
    const base = this.nextRow();
    for (let i = 0; i < this.width; i++) this.values[base + i] = toNumber(values[i], label, this.schema.names[i]!);
  }

  /** Adds a record of numbers already parsed, in model order (CSV uses this). */
  addNumbers(values: Float64Array | readonly number[]): void {
    const base = this.nextRow();
    for (let i = 0; i < this.width; i++) this.values[base + i] = values[i]!;
  }
}

function toNumber(value: unknown, label: string, feature: string): number {
  if (typeof value === 'number') return value;
  if (value === null) return NaN;
  throw new BadRequestError(`${label}: feature ${JSON.stringify(feature)} must be a number or null, got ${showValue(value)}`);
}

/** A 400 for a name the model does not know, with the closest known name when one is close. */
export function unknownFeature(schema: FeatureSchema, key: string, label: string): BadRequestError {
  const suggestion = closestName(key, schema.names);
  const hint = suggestion ? ` (did you mean ${JSON.stringify(suggestion)}?)` : '';
  const known = schema.named
    ? `the model's ${schema.names.length} features are: ${schema.names.join(', ')}`
    : `the model has no feature names, so records name features f0 to f${schema.names.length - 1}`;
  return new BadRequestError(`${label}: unknown feature ${showValue(key, 200)}${hint}; ${known}`);
}

function listNames(names: readonly string[]): string {
  const shown = names.slice(0, 10).map((n) => JSON.stringify(n));
  return names.length > 10 ? `${shown.join(', ')} and ${names.length - 10} more` : shown.join(', ');
}

/** The known name within edit distance 2 of `key` (case-insensitive, at most half the key edited), if any. */
function closestName(key: string, names: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  const k = key.toLowerCase();
  for (const name of names) {
    const d = editDistance(k, name.toLowerCase(), bestDistance);
    // Short keys are "close" to everything; only suggest when most of the key survives.
    if (d < bestDistance && 2 * d < key.length) {
      best = name;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) >= limit) return limit;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}
