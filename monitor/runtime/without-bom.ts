/**
 * @module Text without its byte-order mark: editors on Windows start UTF-8 files with U+FEFF, which is no part of
 * the JSON or CSV that follows (JSON.parse refuses it).
 */

/** `text` without a leading U+FEFF. */
export function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
