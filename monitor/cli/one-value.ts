/**
 * @module A flag's one value. yargs gives an array for a flag typed several times; the same value repeated is read
 * once, different values are refused (one of them would be dropped without a word).
 */
import { ConfigError, showValue } from '../errors.ts';

/** `value`, or the one value an array of repeats holds; throws ConfigError naming `--flag` when they differ. */
export function oneValue(flag: string, value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  const distinct = [...new Set(value.map(String))];
  if (distinct.length > 1) {
    throw new ConfigError(`config: --${flag} is given ${value.length} times with different values (${distinct.map((v) => showValue(v)).join(', ')}); expected it once`);
  }
  return value[0];
}
