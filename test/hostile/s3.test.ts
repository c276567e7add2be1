/**
 * @module Issue 14, S3 bounds: a body that breaks mid-read is resumed with a ranged GET (If-Match its ETag) before the
 * file counts as unreadable; an object replaced meanwhile is not spliced; a server that never answers or stalls
 * mid-body ends the request within its timeout; and through the CLI, an object that cannot be read weighs its bytes.
 * S3 is fauxqs on loopback; the breaks come from a proxy in front of it (test/helpers/flaky-proxy.ts).
 */
import { randomBytes } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3Storage } from '../../monitor/storage/s3.ts';
import { startFlakyProxy, startSilentServer, type FlakyProxy } from '../helpers/flaky-proxy.ts';
import { runMonitor } from '../helpers/run-monitor.ts';
import { startS3Server, TEST_CREDENTIALS, TEST_REGION, type S3TestServer } from '../helpers/s3-server.ts';
import { CAPTURE_DIR, HOUR, goodTraffic, reportOf } from './inputs.ts';

const BUCKET = 'mpm-hostile';
let s3: S3TestServer;
let proxy: FlakyProxy;

beforeAll(async () => {
  s3 = await startS3Server();
  await s3.createBucket(BUCKET);
  proxy = await startFlakyProxy(s3.endpoint);
});

afterAll(async () => {
  await proxy?.close();
  await s3?.close();
});

const put = (key: string, body: string | Buffer) => s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));

function storage(prefix: string, options: { timeoutMs?: number; endpoint?: string } = {}): S3Storage {
  return new S3Storage(`s3://${BUCKET}/${prefix}`, { s3EndpointUrl: options.endpoint ?? proxy.endpoint, region: TEST_REGION, credentials: TEST_CREDENTIALS, timeoutMs: options.timeoutMs });
}

async function readAll(s: S3Storage, key: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of await s.openRead(key)) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

describe('S3 reads that break', () => {
  it('resumes a body cut mid-read with a ranged GET on the same ETag, and gives the object whole', async () => {
    const body = randomBytes(3 << 20);
    await put('resume/a.bin', body);
    proxy.fault = (r, attempt) => (r.path.endsWith('/resume/a.bin') && attempt === 0 ? { cutAfter: 1_000_000 } : undefined);
    const got = await readAll(storage('resume/'), 'a.bin');
    expect(got.equals(body)).toBe(true);
    const gets = proxy.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/resume/a.bin'));
    expect(gets.length).toBe(2);
    expect(gets[1]!.range).toMatch(/^bytes=\d+-$/);
    expect(Number(/^bytes=(\d+)-$/.exec(gets[1]!.range!)![1])).toBeGreaterThan(0);
    expect(gets[1]!.ifMatch).toBeDefined();
  });

  it('gives up after three ranged GETs without a byte, with an InputError naming the object and the offset', async () => {
    await put('broken/a.bin', randomBytes(1 << 20));
    proxy.fault = (r, attempt) => (r.path.endsWith('/broken/a.bin') ? { cutAfter: attempt === 0 ? 100_000 : 0 } : undefined);
    await expect(readAll(storage('broken/'), 'a.bin')).rejects.toThrow(
      /^storage: cannot read s3:\/\/mpm-hostile\/broken\/a\.bin: the body broke at byte \d+ and 3 ranged GETs did not resume it/,
    );
  });

  it('does not splice an object replaced between the cut and the resume: the ETag no longer matches', async () => {
    await put('replaced/a.bin', randomBytes(2 << 20));
    proxy.fault = (r, attempt) => (r.path.endsWith('/replaced/a.bin') && attempt === 0 ? { cutAfter: 500_000 } : undefined);
    proxy.onFault = async () => {
      await put('replaced/a.bin', randomBytes(2 << 20));
    };
    await expect(readAll(storage('replaced/'), 'a.bin')).rejects.toThrow('the object changed while it was read (its ETag no longer matches)');
    proxy.onFault = undefined;
  });
});

describe('S3 requests end in bounded time', () => {
  it('fails a request to a server that never answers within its timeouts (the SDK retries included)', async () => {
    const silent = await startSilentServer();
    try {
      const started = performance.now();
      await expect(storage('x/', { endpoint: silent.endpoint, timeoutMs: 500 }).listChildren('')).rejects.toThrow(/^storage: cannot list s3:\/\/mpm-hostile\/x\//);
      expect((performance.now() - started) / 1000).toBeLessThan(20);
      expect(silent.connections()).toBeGreaterThanOrEqual(1);
    } finally {
      await silent.close();
    }
  });

  it('fails a body that stops arriving (the socket stays open) once its resumes stall too', async () => {
    await put('stall/a.bin', randomBytes(1 << 20));
    proxy.fault = (r, attempt) => (r.path.endsWith('/stall/a.bin') ? { stallAfter: attempt === 0 ? 200_000 : 0 } : undefined);
    const started = performance.now();
    await expect(readAll(storage('stall/', { timeoutMs: 500 }), 'a.bin')).rejects.toThrow(/did not resume it \(.*500 ms/);
    expect((performance.now() - started) / 1000).toBeLessThan(30);
  });

  it('reads to the end a body that stalls now and then but progresses between stalls', async () => {
    const body = randomBytes(1 << 20);
    await put('stall-progress/a.bin', body);
    proxy.fault = (r) => (r.path.endsWith('/stall-progress/a.bin') ? { stallAfter: 300_000 } : undefined);
    expect((await readAll(storage('stall-progress/', { timeoutMs: 500 }), 'a.bin')).equals(body)).toBe(true);
  });
});

describe('through the CLI', () => {
  it('weighs a capture object that cannot be read to the end by its bytes (exit 3), after trying to resume it', async () => {
    const prefix = 'cli';
    const files = ['a', 'b', 'c'].map((name) => ({ name, traffic: goodTraffic(200, name) }));
    for (const { name, traffic } of files) await put(`${prefix}/capture/${CAPTURE_DIR}/${name}.jsonl`, `${traffic.capture.join('\n')}\n`);
    await put(`${prefix}/groundtruth/${HOUR}/labels.jsonl`, files.flatMap((f) => f.traffic.labels).join('\n'));
    proxy.fault = (r, attempt) => (r.path.endsWith('/capture/ep/AllTraffic/2024/05/06/22/b.jsonl') ? { cutAfter: attempt === 0 ? 4096 : 0 } : undefined);
    const run = await runMonitor({
      env: {
        dataset_source: `s3://${BUCKET}/${prefix}/capture`,
        ground_truth_source: `s3://${BUCKET}/${prefix}/groundtruth`,
        output_path: '{out}',
        problem_type: 'BinaryClassification',
        start_time: '2024-05-06T22:00:00Z',
        end_time: '2024-05-06T23:00:00Z',
        sagemaker_endpoint_name: 'ep',
        AWS_ENDPOINT_URL_S3: proxy.endpoint,
        AWS_REGION: TEST_REGION,
        AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
      },
      timeoutMs: 60_000,
    });
    expect(run.exitCode, run.stderr.slice(-2000)).toBe(3);
    expect(run.message).toMatch(/^Failed: input: 1 of 3 capture files could not be read to the end: \d+ of \d+ bytes \(3\d\.\d\d%\) are unreadable/);
    const report = reportOf(run);
    expect(report.capture?.unreadable_files).toMatchObject({ files: 1, lost_entirely: 0 });
    expect(report.input_errors.by_reason.unreadable_file?.samples[0]?.detail).toMatch(/b\.jsonl: the body broke at byte 4096 and 3 ranged GETs did not resume it/);
  });
});
