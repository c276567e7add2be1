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

  // A failing decimal match used to try every split of a digit run (quadratic): 200 KB of digits and a letter took
  // about a minute. It is now linear; with the old pattern this test ran into its timeout.
  it('reads a label of 200,000 digits followed by a letter in linear time, as text', () => {
    const label = `${'1'.repeat(200_000)}x`;
    expect(canonicalLabel(label)).toBe(label);
    expect(canonicalLabel('1'.repeat(400))).toBe(String(Number('1'.repeat(400))));
  });
});
