/**
 * @module `Expect: 100-continue`: a client that asks before sending a body is told 413 at once when its declared
 * Content-Length is over the body limit, instead of Node's automatic `100 Continue` followed by a 413 after it has
 * started to upload megabytes for nothing. Any other request is told to continue and handed to the app as usual.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { PayloadTooLargeError } from './errors.ts';

/** Installs the `checkContinue` answer on the app's server (its listener replaces Node's automatic 100). */
export function answerExpectContinue(server: Server, bodyLimit: number, tooLargeMessage: string): void {
  server.on('checkContinue', (request: IncomingMessage, response: ServerResponse) => {
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared) && declared > bodyLimit) {
      const e = new PayloadTooLargeError(tooLargeMessage);
      const body = JSON.stringify({ error: e.name, message: e.message });
      // The body the client holds back is never read: the connection ends with this answer.
      response.shouldKeepAlive = false;
      response.writeHead(e.statusCode, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), connection: 'close' });
      response.end(body);
      return;
    }
    response.writeContinue();
    server.emit('request', request, response);
  });
}
