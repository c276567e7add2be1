/**
 * @module Builds the HTTP app (fastify): the SageMaker inference routes and the one error handler.
 *
 * - GET /ping: 200 once the model is loaded, 503 before.
 * - POST /invocations: records in (JSON, CSV, JSON Lines), one prediction per record out; captured when a
 *   CaptureWriter is given.
 * - GET /execution-parameters: what SageMaker batch transform asks a container for.
 *
 * Errors that know their status (ServingError) render as `{"error", "message"}`; fastify's own client errors keep
 * their status with the same shape; anything else is logged and becomes a plain 500.
 */

import Fastify, { LogController, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyServerOptions } from 'fastify';
import type { CaptureWriter } from './capture/write-capture.ts';
import { clientErrorHandler } from './client-errors.ts';
import { malformedContentType, missingContentType } from './codec/media-type.ts';
import { ModelNotReadyError, PayloadTooLargeError, ServingError } from './errors.ts';
import { answerExpectContinue } from './expect-continue.ts';
import { createInvoker, type Invoker } from './invoke.ts';
import { checkContentEncoding, inferenceIdOf } from './request-headers.ts';
import type { LoadedModel } from './model/load-model.ts';

/** SageMaker's InvokeEndpoint request limit: 6 MB. */
export const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;

/** How long a request (headers and body) may take to arrive: SageMaker's own invocation timeout, 60 s. */
export const REQUEST_TIMEOUT_MS = 60_000;

/** Where the app finds the model; `current` stays undefined while it loads. */
export interface ModelSlot {
  readonly current: LoadedModel | undefined;
}

/** Options of buildApp. */
export interface AppOptions {
  readonly model: ModelSlot;
  /** Capture writer; no capture when absent. */
  readonly capture?: CaptureWriter | undefined;
  /** fastify logger option, or a pino instance through `loggerInstance`. Default: no logging. */
  readonly logger?: FastifyServerOptions['logger'];
  readonly loggerInstance?: FastifyServerOptions['loggerInstance'];
  /** Request body limit in bytes. Default MAX_PAYLOAD_BYTES. */
  readonly bodyLimit?: number;
  /** Time for a request's headers and body to arrive, in ms (then 408). Default REQUEST_TIMEOUT_MS. */
  readonly requestTimeoutMs?: number;
}

const EMPTY_BODY = Buffer.alloc(0);

/** Builds the app; call `listen()` on it (server.ts) or `inject()` (tests). */
export function buildApp(options: AppOptions): FastifyInstance {
  const bodyLimit = options.bodyLimit ?? MAX_PAYLOAD_BYTES;
  const requestTimeoutMs = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  const app = Fastify({
    bodyLimit,
    ...(options.loggerInstance ? { loggerInstance: options.loggerInstance } : { logger: options.logger ?? false }),
    // A request's headers and body must arrive within the limit (a client that stops sending would hold its
    // connection, and a shutdown, forever); the model's own time after that is not limited.
    requestTimeout: requestTimeoutMs,
    // Given to the server's constructor too: Node 20 ignores a requestTimeout set after it. Checked every few
    // seconds (Node's default, 30 s, would let a request overstay the limit by that much).
    http: { requestTimeout: requestTimeoutMs, connectionsCheckingInterval: Math.min(5000, requestTimeoutMs) },
    clientErrorHandler: clientErrorHandler(requestTimeoutMs),
    // fastify's two info lines per request would flood the log at thousands of requests/s; see the onResponse hook.
    logController: new LogController({ disableRequestLogging: true }),
    // A URL fastify cannot decode (`/%`) never reaches a route or the error handler: answered in the error shape too.
    frameworkErrors: (error, _request, reply) => {
      void (reply as unknown as FastifyReply).code(400).send({ error: 'BadRequest', message: error.message });
    },
  });

  const tooLarge = `request body is larger than SageMaker's 6 MB limit (${bodyLimit} bytes)`;
  answerExpectContinue(app.server, bodyLimit, tooLarge);

  // Once close() has started, answers close their connection: a keep-alive socket left open after the last in-flight
  // request would hold the shutdown until the client's idle timeout.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    if (closing) reply.header('connection', 'close');
    return payload;
  });

  app.addHook('onResponse', async (request, reply) => {
    const fields = { method: request.method, url: request.url, statusCode: reply.statusCode, ms: Math.round(reply.elapsedTime) };
    if (reply.statusCode >= 400) request.log.info(fields, 'request failed');
    else request.log.debug(fields, 'request');
  });

  // Bodies stay raw bytes: the invocation decodes them by Content-Type, and capture records them as received.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_request, body, done) => done(null, body));

  let invoker: { model: LoadedModel; invoke: Invoker } | undefined;
  const currentInvoker = (): Invoker => {
    const loaded = options.model.current;
    if (!loaded) throw new ModelNotReadyError('model is still loading; retry when GET /ping answers 200');
    if (invoker?.model !== loaded) invoker = { model: loaded, invoke: createInvoker(loaded) };
    return invoker.invoke;
  };

  app.get('/ping', async (_request, reply) => {
    if (!options.model.current) return reply.code(503).send({ status: 'loading' });
    return { status: 'healthy' };
  });

  app.get('/execution-parameters', async () => ({
    MaxConcurrentTransforms: 1,
    BatchStrategy: 'MULTI_RECORD',
    MaxPayloadInMB: 6,
  }));

  app.post('/invocations', async (request, reply) => {
    const contentType = request.headers['content-type'];
    const body = request.body as Buffer | undefined;
    // The headers first: a bad inference id or a compressed body is refused before the model runs.
    const inferenceId = inferenceIdOf(request.raw);
    checkContentEncoding(request.raw);
    const result = currentInvoker()({ body, contentType, accept: request.headers.accept });
    // A Buffer, so fastify keeps the Content-Type exactly as set (for a JSON string it would append "; charset=utf-8"),
    // and the captured observedContentType is what was sent. Capture records these very bytes.
    const answer = Buffer.from(result.body, 'utf8');
    options.capture?.record({
      input: { contentType: contentType ?? '', body: body ?? EMPTY_BODY },
      output: { contentType: result.contentType, body: answer },
      inferenceId,
    });
    // Backpressure: when the disk falls behind, the answer waits for capture to catch up.
    const backlog = options.capture?.whenWritable();
    if (backlog) await backlog;
    request.log.debug({ records: result.records, inferenceId }, 'invocation');
    return reply.code(200).header('content-type', result.contentType).send(answer);
  });

  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({
      error: 'NotFound',
      message: `${request.method} ${request.url} is not a route; routes are GET /ping, POST /invocations, GET /execution-parameters`,
    });
  });

  app.setErrorHandler((error: FastifyError | ServingError, request, reply) => {
    if (error instanceof ServingError) {
      if (error.statusCode >= 500) request.log.error({ err: error }, error.message);
      return reply.code(error.statusCode).send({ error: error.name, message: error.message });
    }
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      // A Content-Type header fastify cannot parse: empty (the answer to a missing one), or malformed (quoted).
      const header = request.headers['content-type'];
      const e = header === undefined || header.trim() === '' ? missingContentType() : malformedContentType(header);
      return reply.code(e.statusCode).send({ error: e.name, message: e.message });
    }
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      const e = new PayloadTooLargeError(tooLarge);
      return reply.code(e.statusCode).send({ error: e.name, message: e.message });
    }
    if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.code(error.statusCode).send({ error: error.code ?? 'BadRequest', message: error.message });
    }
    request.log.error({ err: error }, 'unexpected error');
    return reply.code(500).send({ error: 'InternalServerError', message: 'internal error; see the server log' });
  });

  return app;
}
