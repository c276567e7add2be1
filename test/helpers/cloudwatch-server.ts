/**
 * @module A loopback stand-in for CloudWatch that records the SDK's real PutMetricData requests (AWS JSON 1.0:
 * POST /, X-Amz-Target GraniteServiceVersion20100801.PutMetricData, gzip bodies from 10 KiB) and can fail on demand.
 * No CloudWatch emulator exists on npm or in Debian.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** One request as the server received it. */
export interface RecordedRequest {
  headers: http.IncomingHttpHeaders;
  /** Decoded JSON body: `{ Namespace, MetricData: [{ MetricName, Dimensions, Timestamp (epoch s), Value, Unit }] }`. */
  body: { Namespace: string; MetricData: Array<Record<string, unknown>> };
  /** Bytes on the wire, and after gunzip. */
  wireBytes: number;
  jsonBytes: number;
  /** HTTP status the server answered with (0: never answered). */
  status: number;
}

/** How the server answers one request: success, throttling (400), a 500, or never. */
export type CloudWatchAnswer = 'ok' | 'throttle' | 'server-error' | 'hang';

export interface CloudWatchTestServer {
  endpoint: string;
  requests: RecordedRequest[];
  /** Requests answered 200, in order. */
  accepted(): RecordedRequest[];
  /** Answers the next requests as scripted; after the script, every request succeeds. */
  answerNext(...answers: CloudWatchAnswer[]): void;
  close(): Promise<void>;
}

const TARGET = 'GraniteServiceVersion20100801.PutMetricData';
const FAILURES = {
  throttle: [400, 'Throttling;Sender', { __type: 'Throttling', message: 'Rate exceeded' }],
  'server-error': [500, 'InternalServiceFault;Receiver', { __type: 'InternalServiceFault', message: 'Internal error' }],
} as const;

/** Starts the server on 127.0.0.1 and an ephemeral port. */
export async function startCloudWatchServer(): Promise<CloudWatchTestServer> {
  const script: CloudWatchAnswer[] = [];
  const requests: RecordedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const wire = Buffer.concat(chunks);
      const json = req.headers['content-encoding'] === 'gzip' ? gunzipSync(wire) : wire;
      const record: RecordedRequest = {
        headers: req.headers,
        body: JSON.parse(json.toString('utf8') || '{}'),
        wireBytes: wire.length,
        jsonBytes: json.length,
        status: 0,
      };
      requests.push(record);
      const reply = (status: number, body: object, headers: Record<string, string> = {}) => {
        record.status = status;
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', ...headers }).end(JSON.stringify(body));
      };
      const { method, url } = req;
      if (method !== 'POST' || url !== '/' || req.headers['content-type'] !== 'application/x-amz-json-1.0' ||
        req.headers['x-amz-target'] !== TARGET) {
        const message = `unexpected ${method} ${url} ${req.headers['x-amz-target']}`;
        return reply(400, { __type: 'UnknownOperationException', message });
      }
      const answer = script.shift() ?? 'ok';
      if (answer === 'hang') return;
      if (answer === 'ok') return reply(200, {});
      const [status, queryError, body] = FAILURES[answer];
      reply(status, body, { 'x-amzn-query-error': queryError });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    accepted: () => requests.filter((r) => r.status === 200),
    answerNext: (...answers) => void script.push(...answers),
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
