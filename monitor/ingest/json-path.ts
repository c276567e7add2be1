/**
 * @module A small JSONPath subset for inference_attribute and probability_attribute: `$`, `.name`, `['name']`,
 * `[n]` and `[*]`. A path without a leading `$` is relative (`label`, `scores[0]`).
 */
import { ConfigError, showValue } from '../errors.ts';

export type PathStep = { key: string } | { index: number } | { wildcard: true };

export interface CompiledPath {
  source: string;
  steps: PathStep[];
  /** Whether the path starts with `$`. */
  absolute: boolean;
  /** Whether it has a `[*]` step (it then selects one value per record). */
  hasWildcard: boolean;
}

/** Compiles a path; throws a ConfigError naming the variable when it cannot be read. */
export function compilePath(source: string, variable: string): CompiledPath {
  let rest = source.trim();
  const absolute = rest.startsWith('$');
  if (absolute) rest = rest.slice(1);
  const steps: PathStep[] = [];
  const bad = (): never => {
    throw new ConfigError(
      `config: ${variable} ${showValue(source)} is not valid; expected a column index (e.g. 0) or a JSONPath such as label, $.predictions[*].label or $['score']`,
    );
  };
  while (rest.length > 0) {
    let m: RegExpExecArray | null;
    if ((m = /^\.?([A-Za-z_$][\w$-]*)/.exec(rest)) && (rest.startsWith('.') || steps.length === 0)) {
      steps.push({ key: m[1]! });
    } else if ((m = /^\[\s*(\d+)\s*\]/.exec(rest))) {
      steps.push({ index: Number(m[1]) });
    } else if ((m = /^\[\s*\*\s*\]/.exec(rest)) || (m = /^\.\*/.exec(rest))) {
      steps.push({ wildcard: true });
    } else if ((m = /^\[\s*'([^']*)'\s*\]/.exec(rest)) || (m = /^\[\s*"([^"]*)"\s*\]/.exec(rest))) {
      steps.push({ key: m[1]! });
    } else {
      bad();
    }
    rest = rest.slice(m![0].length);
  }
  if (steps.length === 0 && !absolute) bad();
  return { source, steps, absolute, hasWildcard: steps.some((s) => 'wildcard' in s) };
}

/** Evaluates a path without wildcards; undefined when a step is missing. */
export function getPath(value: unknown, path: CompiledPath): unknown {
  let cur = value;
  for (const step of path.steps) {
    if (cur === null || typeof cur !== 'object') return undefined;
    if ('key' in step) cur = (cur as Record<string, unknown>)[step.key];
    else if ('index' in step) cur = Array.isArray(cur) ? cur[step.index] : undefined;
    else return undefined;
  }
  return cur;
}

/** Evaluates a path with wildcards, returning every match in order. */
export function queryPath(value: unknown, path: CompiledPath): unknown[] {
  let current: unknown[] = [value];
  for (const step of path.steps) {
    const next: unknown[] = [];
    for (const cur of current) {
      if (cur === null || typeof cur !== 'object') continue;
      if ('key' in step) {
        const v = (cur as Record<string, unknown>)[step.key];
        if (v !== undefined) next.push(v);
      } else if ('index' in step) {
        if (Array.isArray(cur) && step.index < cur.length) next.push(cur[step.index]);
      } else {
        // A loop, not push(...items): spreading 200,000 items overflows the call stack.
        for (const item of Array.isArray(cur) ? cur : Object.values(cur)) next.push(item);
      }
    }
    current = next;
  }
  return current;
}

/** An attribute is a column index when it is a whole number. */
export function asColumnIndex(attribute: string | undefined): number | undefined {
  if (attribute === undefined) return undefined;
  return /^\s*\d+\s*$/.test(attribute) ? Number(attribute) : undefined;
}
