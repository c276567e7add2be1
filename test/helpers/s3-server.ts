/**
 * @module A real S3-compatible server for tests: fauxqs (in-memory S3 emulator) inside the test process, on loopback.
 *
 * fauxqs is pinned at 1.9.2, the newest release whose engines allow Node 20 (2.x needs Node >= 22.5). Its own
 * `startFauxqs` helper binds 0.0.0.0, so this builds the app and listens on 127.0.0.1 only.
 */
import type { AddressInfo } from 'node:net';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { buildApp } from 'fauxqs';

/** Dummy static credentials: fauxqs does not check signatures, but the SDK needs something to sign with. */
export const TEST_CREDENTIALS = { accessKeyId: 'mpm-test', secretAccessKey: 'mpm-test-secret' } as const;
/** The region tests sign for. */
export const TEST_REGION = 'us-east-1';

/** A running test S3 server. */
export interface S3TestServer {
  /** http://127.0.0.1:<port> */
  endpoint: string;
  /** A client for seeding and inspecting, configured like the monitor's (path style, checksums when required). */
  client: S3Client;
  /** Creates a bucket (idempotent within one server). */
  createBucket(name: string): Promise<void>;
  close(): Promise<void>;
}

/** Starts fauxqs on 127.0.0.1 and an ephemeral port. */
export async function startS3Server(): Promise<S3TestServer> {
  const app = buildApp({ logger: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({
    region: TEST_REGION,
    endpoint,
    forcePathStyle: true,
    credentials: TEST_CREDENTIALS,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const buckets = new Set<string>();
  return {
    endpoint,
    client,
    async createBucket(name) {
      if (buckets.has(name)) return;
      await client.send(new CreateBucketCommand({ Bucket: name }));
      buckets.add(name);
    },
    async close() {
      client.destroy();
      await app.close();
    },
  };
}
