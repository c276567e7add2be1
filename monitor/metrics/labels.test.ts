/**
 * @module canonicalLabel: one spelling per label value.
 */
import { describe, expect, it } from 'vitest';
import { canonicalLabel } from './labels.ts';

describe('canonicalLabel', () => {
  it.each([
    ['1', '1'],
    [1, '1'],
    ['1.0', '1'],
    [1.0, '1'],
    [' 1 ', '1'],
    ['007', '7'],
    ['-0', '0'],
    [-0, '0'],
    ['+2.50', '2.5'],
    ['.5', '0.5'],
    ['1e3', '1000'],
    [0.1, '0.1'],
    [true, 'true'],
    [false, 'false'],
    [' cat ', 'cat'],
    ['Yes', 'Yes'],
    ['0x10', '0x10'],
    ['1,5', '1,5'],
    ['Infinity', 'Infinity'],
    ['NaN', 'NaN'],
    ['1 2', '1 2'],
  ])('maps %j to %j', (raw, expected) => {
    expect(canonicalLabel(raw)).toBe(expected);
  });

  it('maps bigints like numbers', () => {
    expect(canonicalLabel(3n)).toBe('3');
  });

  it.each([[''], ['   '], [null], [undefined], [NaN], [Infinity], [{}], [[1]], [Symbol('x')]])(
    'has no label for %s',
    (raw) => {
      expect(canonicalLabel(raw)).toBeUndefined();
    },
  );
});
