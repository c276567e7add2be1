/**
 * @module Answers to requests Node's HTTP parser refuses before the app sees them (malformed framing, headers too
 * large, a request not received in time), in the server's one error shape `{"error", "message"}` (fastify's default
 * adds a statusCode field and says only "Client Error").
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';

/** Status, error name and message of a parser error. */
function describe(error: NodeJS.ErrnoException & { reason?: string }, requestTimeoutMs: number): [number, string, string] {
  switch (error.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return [408, 'RequestTimeout', `the request (headers and body) was not received within ${requestTimeoutMs / 1000} s; send the whole request at once`];
    case 'HPE_HEADER_OVERFLOW':
      return [431, 'RequestHeaderFieldsTooLarge', 'the request headers are larger than the server accepts (16 KiB)'];
    default:
      return [400, 'BadRequest', `the HTTP request is malformed (${error.code ?? 'parse error'}${error.reason ? `: ${error.reason}` : ''})`];
  }
}

/** A `clientError` handler for fastify (bound to the instance, whose logger it uses). */
export function clientErrorHandler(requestTimeoutMs: number) {
  return function onClientError(this: { log: { debug: (o: object, m: string) => void } }, error: NodeJS.ErrnoException & { reason?: string }, socket: Socket): void {
    // A connection reset or a socket already gone: nothing to answer.
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const [status, name, message] = describe(error, requestTimeoutMs);
    this.log.debug({ err: error, status }, 'client error');
    if (socket.writable) {
      const body = JSON.stringify({ error: name, message });
      socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${body}`);
    }
    socket.destroy(error);
  };
}
