/**
 * @module The JSON text of a parsed value that data quality keeps as one column (a value nested past the flattening
 * depth, an object inside a CSV-like array). JSON.stringify recurses, and a value nested a few thousand levels deep
 * (which JSON.parse reads without recursing) overflows its stack: on a worker thread's larger stack it may not, so
 * the result would depend on MPM_WORKERS. Such a value is written by a loop with its own stack instead, to the same
 * text, in time linear in its size.
 */

/** JSON.stringify(value) of a value JSON.parse gave (plain objects, arrays, strings, finite numbers, booleans, null). */
export function jsonText(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return jsonTextByLoop(value);
  }
}

/** A container being written: its keys (objects) or length (arrays), and the next position. */
interface Frame {
  readonly value: unknown[] | Record<string, unknown>;
  readonly keys: string[] | undefined;
  next: number;
}

/** jsonText without recursion (exported for its tests). */
export function jsonTextByLoop(value: unknown): string {
  const out: string[] = [];
  const stack: Frame[] = [];
  const open = (v: unknown): void => {
    if (v === null || typeof v !== 'object') {
      // Leaves as JSON.stringify writes them (undefined, absent from parsed JSON, as null in arrays).
      out.push(JSON.stringify(v) ?? 'null');
      return;
    }
    if (Array.isArray(v)) {
      out.push('[');
      stack.push({ value: v, keys: undefined, next: 0 });
    } else {
      out.push('{');
      stack.push({ value: v as Record<string, unknown>, keys: Object.keys(v), next: 0 });
    }
  };
  open(value);
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    const length = frame.keys === undefined ? (frame.value as unknown[]).length : frame.keys.length;
    if (frame.next >= length) {
      out.push(frame.keys === undefined ? ']' : '}');
      stack.pop();
      continue;
    }
    const i = frame.next++;
    if (i > 0) out.push(',');
    if (frame.keys === undefined) open((frame.value as unknown[])[i]);
    else {
      const key = frame.keys[i]!;
      out.push(JSON.stringify(key), ':');
      open((frame.value as Record<string, unknown>)[key]);
    }
  }
  return out.join('');
}
