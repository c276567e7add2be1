/**
 * @module Describes a value from the input for a message, in bounded time and length whatever it holds: a value
 * nested 20,000 levels deep used to end the whole run with a stack overflow while its error message was written
 * (issue 14, item 2), and a 10 MB string would have been repeated in every sample of the run report.
 */

/** Characters a description may take, at most (an ellipsis marks what was cut). */
export const MAX_DESCRIPTION_CHARS = 80;
/** Levels of arrays and objects shown; deeper ones are written […] or {…}. */
const MAX_DEPTH = 2;
/** Elements or properties shown per array or object. */
const MAX_ITEMS = 5;

/**
 * A JSON-like description of `value`: strings quoted, numbers as JavaScript writes them (Infinity for 1e400, which
 * JSON would write as null), arrays and objects to MAX_DEPTH levels and MAX_ITEMS entries, cut to `maxChars`.
 * Never recurses past MAX_DEPTH and never calls a value's own toString.
 */
export function describeValue(value: unknown, maxChars = MAX_DESCRIPTION_CHARS): string {
  const out = describe(value, 0, maxChars + 1);
  return out.length > maxChars ? `${out.slice(0, maxChars - 1)}…` : out;
}

function describe(value: unknown, depth: number, budget: number): string {
  switch (typeof value) {
    case 'string':
      return quote(value, budget);
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'bigint':
      return `${value}n`;
    case 'boolean':
      return String(value);
    case 'undefined':
      return 'undefined';
    case 'object':
      break;
    default:
      return typeof value;
  }
  if (value === null) return 'null';
  const array = Array.isArray(value);
  const [open, close] = array ? ['[', ']'] : ['{', '}'];
  if (depth >= MAX_DEPTH) return `${open}…${close}`;
  let out = open;
  let shown = 0;
  const add = (text: string): boolean => {
    out += (shown > 0 ? ',' : '') + text;
    shown++;
    return out.length < budget;
  };
  if (array) {
    const items = value as unknown[];
    for (let i = 0; i < items.length; i++) {
      if (shown === MAX_ITEMS || out.length >= budget) return `${out},…${close}`;
      if (!add(describe(items[i], depth + 1, budget - out.length))) return `${out}…`;
    }
  } else {
    // for..in stops early; Object.keys would list a million keys to show five.
    for (const key in value as object) {
      if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
      if (shown === MAX_ITEMS || out.length >= budget) return `${out},…${close}`;
      const entry = `${quote(key, budget - out.length)}:${describe((value as Record<string, unknown>)[key], depth + 1, budget - out.length)}`;
      if (!add(entry)) return `${out}…`;
    }
  }
  return out + close;
}

/** A string as JSON writes it, cut to about `budget` characters. */
function quote(text: string, budget: number): string {
  const max = Math.max(8, budget);
  return text.length > max ? `${JSON.stringify(text.slice(0, max))}…` : JSON.stringify(text);
}
