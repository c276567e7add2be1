/**
 * @module The JSON text of a state file's header: an encoder that keeps what JSON.stringify loses or hides (negative
 * zero, non-finite numbers, cycles, unbounded depth) and a linear scan that measures nesting before JSON.parse runs,
 * so that a hostile header fails with a clear message in time and memory linear in its size.
 */

/** Thrown with a path into the value ("states[0].meta.labels[3]") and the reason; the caller adds the file name. */
export class StateJsonError extends Error {
  constructor(
    readonly at: string,
    readonly reason: string,
  ) {
    super(`${at}: ${reason}`);
  }
}

/**
 * Encodes JSON data. Unlike JSON.stringify it writes -0 as "-0" (JSON.parse reads it back as -0), refuses NaN,
 * ±Infinity, undefined, functions, symbols, bigints and non-plain objects instead of silently turning them into null or
 * dropping them, and refuses nesting deeper than `maxDepth` (so it never recurses without bound). Keys are written in
 * the object's own enumeration order; a key named "__proto__" is an ordinary own key, as JSON.parse makes it.
 * Stops as soon as the text passes `maxLength` characters.
 */
export function encodeJson(value: unknown, maxDepth: number, at = '$', maxLength = Infinity): string {
  const out: string[] = [];
  let length = 0;
  const push = (...texts: string[]): void => {
    for (const t of texts) {
      length += t.length;
      out.push(t);
    }
    if (length > maxLength) throw new StateJsonError(at, `longer than ${maxLength} characters`);
  };
  // Ancestors on the current path, to refuse cycles (a shared but acyclic object is fine: it is written twice).
  const path: object[] = [];
  write(value, at, 0);
  return out.join('');

  function write(v: unknown, where: string, depth: number): void {
    switch (typeof v) {
      case 'string':
        push(JSON.stringify(v));
        return;
      case 'boolean':
        push(v ? 'true' : 'false');
        return;
      case 'number':
        if (!Number.isFinite(v)) throw new StateJsonError(where, `${String(v)} is not a JSON number (store non-finite values in a typed array)`);
        push(Object.is(v, -0) ? '-0' : String(v));
        return;
      case 'object':
        break;
      default:
        throw new StateJsonError(where, `a ${typeof v} is not JSON data`);
    }
    if (v === null) {
      push('null');
      return;
    }
    if (depth >= maxDepth) throw new StateJsonError(where, `nested deeper than ${maxDepth} levels`);
    if (path.includes(v)) throw new StateJsonError(where, 'refers to itself (a cycle)');
    path.push(v);
    if (Array.isArray(v)) {
      push('[');
      for (let i = 0; i < v.length; i++) {
        if (i > 0) push(',');
        write(v[i], `${where}[${i}]`, depth + 1);
      }
      push(']');
    } else {
      const proto = Object.getPrototypeOf(v) as unknown;
      if (proto !== Object.prototype && proto !== null) throw new StateJsonError(where, `a ${(v as object).constructor?.name ?? 'non-plain'} object is not JSON data`);
      push('{');
      let first = true;
      for (const key of Object.keys(v)) {
        if (!first) push(',');
        first = false;
        push(JSON.stringify(key), ':');
        write((v as Record<string, unknown>)[key], `${where}${propertyPath(key)}`, depth + 1);
      }
      push('}');
    }
    path.pop();
  }
}

/** `.name` for identifier-like keys, else `["…"]`, for messages. */
export function propertyPath(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/**
 * The deepest nesting of arrays and objects in JSON text, found in one pass without parsing (brackets inside strings
 * are skipped). Stops and returns as soon as `limit` is exceeded, so a hostile text costs at most one pass.
 */
export function jsonNestingDepth(text: string, limit: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}

/** Depth of a parsed JSON value (arrays and objects count one level each); stops past `limit`. Iterative. */
export function valueDepth(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    const level = d + 1;
    if (level > deepest) {
      deepest = level;
      if (deepest > limit) return deepest;
    }
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, level]);
  }
  return deepest;
}
