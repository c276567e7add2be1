/**
 * @module A loopback HTTP proxy in front of a real S3-compatible server (fauxqs) that breaks chosen responses the way
 * networks do: it cuts the connection after some bytes of a body, or stops sending and keeps the connection open.
 * fauxqs itself never does either, so this is the one fault injection the S3 tests use; every request still reaches
 * the real server and every byte that is sent is the real server's.
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';

/** What the proxy does with one GET response. */
export type Fault =
  /** Send this many bytes of the body, then destroy the connection. */
  | { cutAfter: number }
  /** Send this many bytes of the body, then send nothing more and keep the connection open. */
  | { stallAfter: number };

export interface ProxiedRequest {
  method: string;
  url: string;
  /** The URL without its query (/bucket/key). */
  path: string;
  range?: string;
  ifMatch?: string;
  status?: number;
}

export interface FlakyProxy {
  /** http://127.0.0.1:<port>, to give the S3 client as its endpoint. */
  endpoint: string;
  /** Every request, in order. */
  requests: ProxiedRequest[];
  /**
   * Decides the fault of a GET (undefined: pass it through whole). `attempt` counts the GETs of that URL path so far,
   * from 0.
   */
  fault: (request: ProxiedRequest, attempt: number) => Fault | undefined;
  /**
   * Requests to break while their body is on its way (e.g. an upload): the connection is destroyed after the first
   * chunk of the request body arrives, before anything reaches the server. Undefined: none.
   */
  breakUpload?: (request: ProxiedRequest) => boolean;
  /** Called at a fault, before the client can see it (a cut connection breaks once it resolves): e.g. to replace the object. */
  onFault?: (request: ProxiedRequest) => Promise<void> | void;
  close(): Promise<void>;
}

/** Starts a proxy on 127.0.0.1 that forwards to `target` (http://host:port). */
export async function startFlakyProxy(target: string): Promise<FlakyProxy> {
  const upstream = new URL(target);
  const attempts = new Map<string, number>();
  const sockets = new Set<net.Socket>();
  const proxy: FlakyProxy = {
    endpoint: '',
    requests: [],
    fault: () => undefined,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = http.createServer((req, res) => {
    const record: ProxiedRequest = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      path: decodeURIComponent((req.url ?? '/').split('?')[0]!),
      range: req.headers.range,
      ifMatch: req.headers['if-match'] as string | undefined,
    };
    proxy.requests.push(record);
    const attempt = attempts.get(record.path) ?? 0;
    if (record.method === 'GET') attempts.set(record.path, attempt + 1);
    const fault = record.method === 'GET' ? proxy.fault(record, attempt) : undefined;
    if (record.method !== 'GET' && proxy.breakUpload?.(record)) {
      record.status = 0;
      req.once('data', () => req.socket.destroy());
      req.once('end', () => req.socket.destroy());
      return;
    }
    const forward = http.request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } },
      (up) => {
        record.status = up.statusCode;
        res.writeHead(up.statusCode ?? 502, up.headers);
        if (fault === undefined || (up.statusCode ?? 0) >= 300) {
          up.pipe(res);
          return;
        }
        const limit = 'cutAfter' in fault ? fault.cutAfter : fault.stallAfter;
        let sent = 0;
        up.on('data', (chunk: Buffer) => {
          if (sent >= limit) return;
          const part = chunk.subarray(0, limit - sent);
          sent += part.length;
          res.write(part);
        });
        up.on('end', async () => {
          // What the test does at the fault (replace the object ...) is done before the client can see the fault and
          // resume: done after, it raced the resume, which under load came first (a flaky test).
          await proxy.onFault?.(record);
          if ('cutAfter' in fault) {
            // Let the bytes written go out, then break the connection mid-body.
            res.socket?.end();
            setTimeout(() => res.socket?.destroy(), 20);
          }
        });
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}

/** A server that accepts connections and never answers (a black-holed endpoint past its TCP handshake). */
export async function startSilentServer(): Promise<{ endpoint: string; connections: () => number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  let count = 0;
  const server = net.createServer((socket) => {
    count++;
    sockets.add(socket);
    socket.on('data', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connections: () => count,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
