/**
 * @module Reads a data-quality statistics.json as a baseline: one written by SageMaker's own analyzer (Jackson's
 * output: doubles such as 2048.0, "NaN" strings, fields this reader does not use) or by mpm. The feature list and
 * names are required; everything else is optional per feature, and a part that cannot be read (a malformed sketch)
 * is left out with a warning, so the checks that need it say they could not be evaluated rather than the run
 * failing. A file that is not a data-quality statistics.json at all is a ConfigError naming it.
 */
import { INFERRED_TYPES } from './value-type.ts';
import { ConfigError, showValue } from '../errors.ts';
import type { CategoryCount } from './category-table.ts';
import { KllSketch, type KllBucket } from './kll-sketch.ts';

/** A baseline feature, as far as the file describes it. */
export interface BaselineFeature {
  name: string;
  /** inferred_type as written (Integral, Fractional, String, Unknown; anything else is kept as is). */
  inferredType: string;
  present?: number;
  missing?: number;
  numeric?: { mean?: number; sum?: number; stdDev?: number; min?: number; max?: number; buckets?: KllBucket[]; sketch?: KllSketch };
  categorical?: { distinctCount?: number; buckets?: CategoryCount[] };
}

export interface BaselineStatistics {
  source: string;
  itemCount?: number;
  features: BaselineFeature[];
  /** Parts left out, with why. */
  warnings: string[];
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A JSON number, or Jackson's "NaN" / "Infinity" strings. */
function numberOf(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  return undefined;
}

function sketchOf(kll: Json, name: string, warnings: string[]): KllSketch | undefined {
  const sketch = kll.sketch;
  if (sketch === undefined) return undefined;
  const params = isObject(sketch) && isObject(sketch.parameters) ? sketch.parameters : undefined;
  const k = numberOf(params?.k);
  const c = numberOf(params?.c);
  const data = isObject(sketch) ? sketch.data : undefined;
  const problem =
    k === undefined || !Number.isInteger(k) || k < 2 || k > 1 << 20
      ? `parameters.k ${showValue(params?.k)} is not a whole number from 2 to 2^20`
      : c === undefined || !(c > 0 && c <= 1)
        ? `parameters.c ${showValue(params?.c)} is not in (0, 1]`
        : !Array.isArray(data) || !data.every((level) => Array.isArray(level) && level.every((x) => typeof x === 'number' && Number.isFinite(x)))
          ? 'data is not a list of levels of finite numbers'
          : undefined;
  if (problem !== undefined) {
    warnings.push(`feature ${showValue(name)}: the KLL sketch is left out (${problem}); its drift cannot be measured`);
    return undefined;
  }
  return KllSketch.fromLevels(data as number[][], k, c);
}

function bucketsOf(v: unknown): KllBucket[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out: KllBucket[] = [];
  for (const b of v) {
    if (!isObject(b)) return undefined;
    const lower = numberOf(b.lower_bound);
    const upper = numberOf(b.upper_bound);
    const count = numberOf(b.count);
    if (lower === undefined || upper === undefined || count === undefined) return undefined;
    out.push({ lower_bound: lower, upper_bound: upper, count });
  }
  return out;
}

function categoriesOf(v: unknown, name: string, warnings: string[]): CategoryCount[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out: CategoryCount[] = [];
  for (const b of v) {
    const count = isObject(b) ? numberOf(b.count) : undefined;
    if (!isObject(b) || b.value === undefined || b.value === null || count === undefined || !(count >= 0)) {
      warnings.push(`feature ${showValue(name)}: the categorical buckets are left out (an entry is not {value, count})`);
      return undefined;
    }
    out.push({ value: typeof b.value === 'string' ? b.value : String(b.value), count });
  }
  return out;
}

/** The inferred types statistics.json uses (SageMaker's analyzer writes booleans as String). */
const FILE_TYPES: ReadonlySet<string> = new Set(INFERRED_TYPES);

function featureOf(f: Json, name: string, warnings: string[]): BaselineFeature {
  const feature: BaselineFeature = { name, inferredType: typeof f.inferred_type === 'string' ? f.inferred_type : 'Unknown' };
  // Kept as written, but said: a type statistics.json does not use (Boolean, a typo) checks no drift, silently so far.
  if (!FILE_TYPES.has(feature.inferredType)) {
    warnings.push(`feature ${showValue(name)}: inferred_type ${showValue(feature.inferredType)} is none of ${[...FILE_TYPES].join(', ')}; its type and drift checks cannot be evaluated`);
  }
  const numerical = isObject(f.numerical_statistics) ? f.numerical_statistics : undefined;
  const strings = isObject(f.string_statistics) ? f.string_statistics : undefined;
  const common = isObject(numerical?.common) ? numerical.common : isObject(strings?.common) ? strings.common : undefined;
  if (common) {
    feature.present = numberOf(common.num_present);
    feature.missing = numberOf(common.num_missing);
  }
  if (numerical) {
    const kll = isObject(numerical.distribution) && isObject(numerical.distribution.kll) ? numerical.distribution.kll : undefined;
    feature.numeric = {
      mean: numberOf(numerical.mean),
      sum: numberOf(numerical.sum),
      stdDev: numberOf(numerical.std_dev),
      min: numberOf(numerical.min),
      max: numberOf(numerical.max),
      buckets: kll ? bucketsOf(kll.buckets) : undefined,
      sketch: kll ? sketchOf(kll, name, warnings) : undefined,
    };
  }
  if (strings) {
    const categorical = isObject(strings.distribution) && isObject(strings.distribution.categorical) ? strings.distribution.categorical : undefined;
    feature.categorical = { distinctCount: numberOf(strings.distinct_count), buckets: categorical ? categoriesOf(categorical.buckets, name, warnings) : undefined };
  }
  return feature;
}

/** Parses a baseline statistics.json; throws one ConfigError listing what makes it unusable. */
export function parseDataQualityStatistics(text: string, source: string): BaselineStatistics {
  const where = `baseline_statistics ${showValue(source)}`;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`config: ${where} is not valid JSON (${(error as Error).message}); expected a data-quality statistics.json`);
  }
  if (!isObject(doc)) throw new ConfigError(`config: ${where} is not a JSON object; expected {"version": 0.0, "dataset": {...}, "features": [...]}`);
  if (!Array.isArray(doc.features)) {
    const mq = Object.keys(doc).find((k) => k.endsWith('_metrics'));
    throw new ConfigError(
      `config: ${where} has no "features" list` + (mq ? ` (it has "${mq}": a model-quality statistics file)` : '') + '; expected a data-quality statistics.json {"dataset": {...}, "features": [...]}',
    );
  }
  const problems: string[] = [];
  const warnings: string[] = [];
  const features: BaselineFeature[] = [];
  const seen = new Set<string>();
  doc.features.forEach((f, i) => {
    if (!isObject(f) || typeof f.name !== 'string') {
      problems.push(`features[${i}] has no "name" string`);
      return;
    }
    if (seen.has(f.name)) {
      warnings.push(`feature ${showValue(f.name)} appears more than once; the first is used`);
      return;
    }
    seen.add(f.name);
    features.push(featureOf(f, f.name, warnings));
  });
  if (problems.length > 0) throw new ConfigError(`config: ${where} is not a usable data-quality statistics.json: ${problems.join('; ')}`);
  const dataset = isObject(doc.dataset) ? doc.dataset : undefined;
  return { source, itemCount: numberOf(dataset?.item_count), features, warnings };
}
