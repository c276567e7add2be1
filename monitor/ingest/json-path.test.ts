/**
 * @module The JSONPath subset of inference_attribute / probability_attribute: what compiles, what it selects, and
 * the configuration error for what does not.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.ts';
import { asColumnIndex, compilePath, getPath, queryPath } from './json-path.ts';

const doc = { predictions: [{ label: 'a', scores: [0.1, 0.9] }, { label: 'b', scores: [0.7, 0.3] }], 'odd-key': { x: 1 }, top: 5 };

describe('compilePath', () => {
  it('compiles $, dotted names, [n], [*], .* and quoted keys', () => {
    expect(compilePath("$.predictions[*]['label']", 'inference_attribute')).toEqual({
      source: "$.predictions[*]['label']",
      steps: [{ key: 'predictions' }, { wildcard: true }, { key: 'label' }],
      absolute: true,
      hasWildcard: true,
    });
    expect(compilePath('scores[1]', 'probability_attribute').steps).toEqual([{ key: 'scores' }, { index: 1 }]);
    expect(compilePath('$.a.*', 'x').steps).toEqual([{ key: 'a' }, { wildcard: true }]);
    expect(compilePath('$["odd-key"].x', 'x').steps).toEqual([{ key: 'odd-key' }, { key: 'x' }]);
  });

  it('treats a path without $ as relative to each item', () => {
    const p = compilePath('label', 'inference_attribute');
    expect(p.absolute).toBe(false);
    expect(p.hasWildcard).toBe(false);
  });

  it('throws a ConfigError naming the variable, the value and the accepted forms', () => {
    expect(() => compilePath('$.a[', 'inference_attribute')).toThrow(ConfigError);
    expect(() => compilePath('$.a[', 'inference_attribute')).toThrow(
      'config: inference_attribute "$.a[" is not valid; expected a column index (e.g. 0) or a JSONPath such as label, $.predictions[*].label or $[\'score\']',
    );
    expect(() => compilePath('', 'probability_attribute')).toThrow('config: probability_attribute "" is not valid');
    expect(() => compilePath('$..label', 'inference_attribute')).toThrow(ConfigError);
  });
});

describe('getPath and queryPath', () => {
  it('gets one value, or undefined when a step is missing', () => {
    expect(getPath(doc, compilePath('$.predictions[1].scores[0]', 'x'))).toBe(0.7);
    expect(getPath(doc, compilePath('$.predictions[5].label', 'x'))).toBeUndefined();
    expect(getPath(doc, compilePath('$.top.deeper', 'x'))).toBeUndefined();
    expect(getPath(doc, compilePath('$', 'x'))).toBe(doc);
  });

  it('selects one value per element through [*], in order', () => {
    expect(queryPath(doc, compilePath('$.predictions[*].label', 'x'))).toEqual(['a', 'b']);
    expect(queryPath(doc, compilePath('$.predictions[*].scores[1]', 'x'))).toEqual([0.9, 0.3]);
  });

  it('iterates object values with .*', () => {
    expect(queryPath({ a: 1, b: 2 }, compilePath('$.*', 'x'))).toEqual([1, 2]);
  });

  it('selects nothing from scalars', () => {
    expect(queryPath(3, compilePath('$.a[*]', 'x'))).toEqual([]);
  });
});

describe('asColumnIndex', () => {
  it('reads whole numbers (with spaces) as column indexes and everything else as paths', () => {
    expect(asColumnIndex('0')).toBe(0);
    expect(asColumnIndex(' 12 ')).toBe(12);
    expect(asColumnIndex('-1')).toBeUndefined();
    expect(asColumnIndex('1.5')).toBeUndefined();
    expect(asColumnIndex('$[0]')).toBeUndefined();
    expect(asColumnIndex(undefined)).toBeUndefined();
  });
});
