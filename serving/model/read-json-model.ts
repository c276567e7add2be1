/**
 * @module Parses an xgboost JSON model file. xgboost writes the bare tokens `NaN`, `Infinity` and `-Infinity` (for
 * instance NaN as the split condition of a categorical node), which JSON.parse rejects; they are rewritten outside
 * strings first: NaN to null (the model parser reads null as NaN) and the infinities to 1e999, which parses to ±Infinity.
 */

/** JSON.parse that also accepts xgboost's NaN/Infinity tokens. Throws SyntaxError like JSON.parse. */
export function readJsonModel(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    if (!/NaN|Infinity/.test(text)) throw error;
    return JSON.parse(replaceNonFiniteTokens(text));
  }
}

/** Rewrites NaN/Infinity tokens that sit outside JSON strings. */
export function replaceNonFiniteTokens(text: string): string {
  const parts: string[] = [];
  let start = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) {
      inString = true;
    } else if (c === 0x4e /* N */ && text.startsWith('NaN', i)) {
      parts.push(text.slice(start, i), 'null');
      i += 2;
      start = i + 1;
    } else if (c === 0x49 /* I */ && text.startsWith('Infinity', i)) {
      parts.push(text.slice(start, i), '1e999');
      i += 7;
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.join('');
}
