/**
 * @module Repeatable KEY=VALUE flags (--env) turned into an environment map.
 */
import { UsageError } from './errors.ts';

/** Parses ["A=1", "B=x=y"] into {A: "1", B: "x=y"}; a later key wins. */
export function parseKeyValues(items: readonly (string | number)[] | undefined, flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items ?? []) {
    const text = String(item);
    const eq = text.indexOf('=');
    if (eq <= 0) throw new UsageError(`--${flag}: ${JSON.stringify(text)} is not KEY=VALUE`);
    out[text.slice(0, eq)] = text.slice(eq + 1);
  }
  return out;
}
