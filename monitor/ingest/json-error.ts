/**
 * @module The reason JSON.parse gave, without the text it failed on. V8 quotes the start of the input in its message
 * ('Unexpected token 'r', "root:x:0:0"... is not valid JSON'), so a file that is not capture (a link to /etc/passwd
 * followed out of the input tree, issue 14 item 6) had its content copied into the message file and the report.
 */

// 'Unexpected token 'x', "…" is not valid JSON', '"…"... is not valid JSON', '"NaN" is not valid JSON'.
const QUOTED = /^(Unexpected token )?(?:'[\s\S]*', )?"[\s\S]*"(?:\.\.\.)? is not valid JSON$/;

/** JSON.parse's message of `error`, with any quoted input left out; messages with a position are kept as they are. */
export function jsonErrorDetail(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const m = QUOTED.exec(message);
  if (m) return m[1] ? 'Unexpected token: not valid JSON' : 'not valid JSON';
  return message.length > 200 ? `${message.slice(0, 199)}…` : message;
}
