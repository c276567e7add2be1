/**
 * @module HTML escaping for the report page. Labels, ids, file names and messages are user data: every string that
 * reaches the page goes through escapeHtml, in text and in attribute values alike.
 */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for an HTML text node or a double- or single-quoted attribute value (also inside inline SVG). */
export function escapeHtml(value: unknown): string {
  // Lone surrogates and C0 controls other than tab/newline are not valid in HTML text; they become U+FFFD.
  return String(value)
    .replace(/[&<>"']/g, (c) => ENTITIES[c]!)
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

/** At most `max` characters (code points) of `text`, with "…" when cut: keeps long labels from stretching the page. */
export function shorten(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, Math.max(1, max - 1)).join('')}…`;
}
