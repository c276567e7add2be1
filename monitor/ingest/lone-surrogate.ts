/**
 * @module Ids that are not valid Unicode. JSON's `\ud800` escape can put a lone UTF-16 surrogate into a string that no
 * UTF-8 file holds: written to the prediction store (or any UTF-8 output) it becomes U+FFFD, so two such ids become
 * one. Capture and ground-truth ids are checked with the same pattern.
 */

/** A lone UTF-16 surrogate: with the u flag, the two halves of a pair read as one code point and never match. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** The index of the first lone surrogate of `text`, or -1 when it is valid Unicode. */
export function loneSurrogateAt(text: string): number {
  return text.search(LONE_SURROGATE);
}
