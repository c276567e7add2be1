/**
 * @module How numbers read on the report page. The test reads them back and compares them with statistics.json,
 * so each format rounds in one documented way: metrics to 4 decimals (or 4 significant digits outside [-10, 10]),
 * counts with thousands separators, shares as percentages with one decimal.
 */

/** A metric value: 4 decimals for |v| < 10, else 6 significant digits (without exponent below 1e21). */
export function formatMetric(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) < 10) return value.toFixed(4);
  const digits = Math.max(0, 6 - Math.floor(Math.log10(Math.abs(value))) - 1);
  return Math.abs(value) >= 1e21 ? value.toPrecision(6) : value.toFixed(digits);
}

/** A signed metric difference: "+0.0123" or "−0.1480" (U+2212 minus, which reads better than a hyphen). */
export function formatSigned(value: number): string {
  const text = formatMetric(Math.abs(value));
  return value < 0 ? `\u2212${text}` : `+${text}`;
}

/**
 * A count: "1,976". Safe integers are grouped by hand, as toLocaleString('en-US') groups them: its first call loads
 * ICU's number formats, some 25 ms of every run's start.
 */
export function formatCount(value: number): string {
  if (!Number.isInteger(value)) return formatMetric(value);
  if (!Number.isSafeInteger(value) || Object.is(value, -0)) return value.toLocaleString('en-US');
  const digits = String(Math.abs(value));
  let out = digits.slice(0, ((digits.length - 1) % 3) + 1);
  for (let i = out.length; i < digits.length; i += 3) out += `,${digits.slice(i, i + 3)}`;
  return value < 0 ? `-${out}` : out;
}

/** A share of 1 as a percentage: "98.8%". Tiny non-zero shares say "<0.1%" rather than a misleading "0.0%". */
export function formatShare(share: number): string {
  if (!Number.isFinite(share)) return '–';
  if (share > 0 && share < 0.0005) return '<0.1%';
  if (share < 1 && share > 0.9995) return '>99.9%';
  return `${(share * 100).toFixed(1)}%`;
}

/** A compact axis tick: at most 4 significant digits, exponent notation for very large or small magnitudes. */
export function formatTick(value: number): string {
  if (value === 0) return '0';
  const a = Math.abs(value);
  if (a >= 1e6 || a < 1e-3) return value.toExponential(1).replace('e+', 'e');
  return String(Number(value.toPrecision(4)));
}
