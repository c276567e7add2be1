/**
 * @module Formats numbers the way Java's Double.toString does, for violation descriptions that match the built-in
 * analyzer's text ("Value: 0.0 does not meet...", "Only 99.64592817400101% of data is Integral"): plain decimals
 * with at least one fraction digit for magnitudes in [10^-3, 10^7), else computerized scientific notation
 * ("1.0E-4", "1.234E7"); NaN and Infinity by name. Digits are the shortest that read back to the same double (what
 * Java 19+ prints; older JVMs occasionally print one digit more).
 */

/** Java's Double.toString(x). */
export function javaDouble(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const a = Math.abs(x);
  if (a >= 1e-3 && a < 1e7) {
    const text = String(x);
    return text.includes('.') ? text : `${text}.0`;
  }
  const [mantissa, exponent] = x.toExponential().split('e') as [string, string];
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${exponent.replace('+', '')}`;
}
