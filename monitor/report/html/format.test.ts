import { describe, expect, it } from 'vitest';
import { formatCount } from './format.ts';

describe('formatCount', () => {
  it('groups whole numbers exactly as toLocaleString("en-US") does', () => {
    const values = [0, -0, 1, -1, 7, 12, 123, 999, 1000, -1000, 1976, 12345, 123456, 999999, 1000000, -1234567, 831650, 2 ** 31, 2 ** 53 - 1, -(2 ** 53 - 1), 2 ** 53, 1e21, -1e22];
    for (let d = 0; d < 17; d++) values.push(10 ** d, 10 ** d - 1, -(10 ** d) + 1);
    for (const v of values) expect(formatCount(v), String(v)).toBe(v.toLocaleString('en-US'));
  });

  it('writes other numbers as metrics', () => {
    expect(formatCount(1.5)).toBe('1.5000');
  });
});
