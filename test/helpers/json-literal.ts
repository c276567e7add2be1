/**
 * @module Test helper: a JSON string literal for a text with a chosen escaping, as other writers of capture may
 * escape it (every structural character or every character as \uXXXX, or "/" as "\/"), to test readers of the bytes.
 */

export type LiteralEscape = 'plain' | 'unicode-structural' | 'unicode-all' | 'solidus';

/** JSON.stringify's literal ('plain'), or one with the chosen characters escaped another valid way. */
export function jsonLiteral(text: string, escape: LiteralEscape = 'plain'): string {
  if (escape === 'plain') return JSON.stringify(text);
  let out = '"';
  for (let k = 0; k < text.length; k++) {
    const unit = text.charCodeAt(k);
    const c = text[k]!;
    const hex = `\\u${unit.toString(16).padStart(4, '0')}`;
    if (escape === 'unicode-all') out += hex;
    else if (escape === 'unicode-structural' && /[[\]{},:"\\ 0-9tfn]/.test(c)) out += hex;
    else if (escape === 'solidus' && c === '/') out += '\\/';
    else if (unit >= 0xd800 && unit <= 0xdfff) out += hex;
    else out += JSON.stringify(c).slice(1, -1);
  }
  return `${out}"`;
}
