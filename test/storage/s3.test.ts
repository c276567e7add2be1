/**
 * @module S3Storage against the shared storage contract on a real S3-compatible server (fauxqs on loopback), plus
 * what only S3 has: URI parsing, endpoint and region resolution, and SDK errors turned into monitor errors.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConfigError, InputError, OutputError } from '../../monitor/errors.ts';
import { openStorage } from '../../monitor/storage/open-storage.ts';
import { S3Storage, type S3StorageOptions } from '../../monitor/storage/s3.ts';
import { parseS3Uri } from '../../monitor/storage/s3-uri.ts';
import { describeStorageContract } from '../contracts/storage.contract.ts';
import { startS3Server, TEST_CREDENTIALS, TEST_REGION, type S3TestServer } from '../helpers/s3-server.ts';

const BUCKET = 'mpm-contract';
let server: S3TestServer;
let roots = 0;

beforeAll(async () => {
  server = await startS3Server();
  await server.createBucket(BUCKET);
});

afterAll(async () => {
  await server?.close();
});

afterEach(() => {
  vi.unstubAllEnvs();
});

function options(extra: S3StorageOptions = {}): S3StorageOptions {
  return { s3EndpointUrl: server.endpoint, region: TEST_REGION, credentials: TEST_CREDENTIALS, ...extra };
}

describeStorageContract('S3Storage on fauxqs', () => ({
  async open() {
    roots++;
    // 5 MiB parts (the S3 minimum) so the contract's 6 MiB overwrite goes through a real multipart upload.
    return new S3Storage(`s3://${BUCKET}/run-${roots}/capture`, options({ partSize: 5 * 1024 * 1024 }));
  },
  async seed(storage, rel, body) {
    const { bucket, prefix } = parseS3Uri(storage.location);
    // fauxqs caps one request body at 11 MiB, so big seeds go up in parts (real S3 takes 5 GB in one PUT).
    const params = { Bucket: bucket, Key: prefix + rel, Body: body };
    if (body.length < 5 * 1024 * 1024) await server.client.send(new PutObjectCommand(params));
    else await new Upload({ client: server.client, params, partSize: 5 * 1024 * 1024 }).done();
  },
}));

describe('parseS3Uri', () => {
  it.each([
    ['s3://bucket', { bucket: 'bucket', prefix: '' }],
    ['s3://bucket/', { bucket: 'bucket', prefix: '' }],
    ['s3://my.bucket-1/data-capture', { bucket: 'my.bucket-1', prefix: 'data-capture/' }],
    ['s3://b12/a/b/c/', { bucket: 'b12', prefix: 'a/b/c/' }],
    ['s3://b12/with space/x', { bucket: 'b12', prefix: 'with space/x/' }],
  ])('parses %s', (uri, expected) => {
    expect(parseS3Uri(uri)).toEqual(expected);
  });

  it.each([
    ['/opt/ml/processing/input', 'it does not start with s3://'],
    ['S3://bucket/x', 'it does not start with s3://'],
    ['s3://', 'the bucket name is empty'],
    ['s3:///prefix', 'the bucket name is empty'],
    ['s3://a/x', 'bucket "a" is not a valid bucket name'],
    ['s3://bucket!/x', 'bucket "bucket!" is not a valid bucket name'],
    ['s3://bucket//x', 'the prefix has an empty folder name ("//")'],
    ['s3://bucket/a//b', 'the prefix has an empty folder name ("//")'],
    [' s3://bucket/x', 'it has leading or trailing whitespace'],
    ['s3://bucket/x\n', 'it has leading or trailing whitespace'],
  ])('rejects %j naming the value', (uri, why) => {
    expect(() => parseS3Uri(uri)).toThrow(ConfigError);
    expect(() => parseS3Uri(uri)).toThrow(
      `storage: ${JSON.stringify(uri)} is not a valid S3 location (${why}); expected s3://bucket or s3://bucket/prefix/`,
    );
  });
});

describe('S3Storage', () => {
  it('roots at the bucket itself and skips folder-marker objects', async () => {
    await server.createBucket('mpm-whole');
    for (const key of ['top.json', 'folder/', 'folder/in.jsonl', 'folder/sub/']) {
      const body = key.endsWith('/') ? '' : 'x';
      await server.client.send(
        new PutObjectCommand({ Bucket: 'mpm-whole', Key: key, Body: body, ContentLength: body.length }),
      );
    }
    const s = new S3Storage('s3://mpm-whole', options());
    expect(s.location).toBe('s3://mpm-whole/');
    expect(s.describe('folder/in.jsonl')).toBe('s3://mpm-whole/folder/in.jsonl');
    expect(await s.listChildren('')).toEqual({ dirs: ['folder'], files: [{ path: 'top.json', size: 1 }] });
    expect(await s.listChildren('folder')).toEqual({ dirs: ['folder/sub'], files: [{ path: 'folder/in.jsonl', size: 1 }] });
    expect(await s.listChildren('folder/sub')).toEqual({ dirs: [], files: [] });
  });

  it('is what openStorage returns for an s3:// location', async () => {
    const s = await openStorage(`s3://${BUCKET}/opened`, options());
    expect(s).toBeInstanceOf(S3Storage);
    await s.writeFile('x.json', '{}');
    expect((await s.readFile('x.json')).toString()).toBe('{}');
  });

  it('takes the endpoint from AWS_ENDPOINT_URL_S3 and region and credentials from the standard chain', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL_S3', server.endpoint);
    vi.stubEnv('AWS_REGION', TEST_REGION);
    vi.stubEnv('AWS_ACCESS_KEY_ID', TEST_CREDENTIALS.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', TEST_CREDENTIALS.secretAccessKey);
    const s = new S3Storage(`s3://${BUCKET}/from-env`, {});
    await s.writeFile('a.json', 'env');
    expect((await s.readFile('a.json')).toString()).toBe('env');
  });

  it('falls back to AWS_ENDPOINT_URL, and the option wins over both variables', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL', server.endpoint);
    const s = new S3Storage(`s3://${BUCKET}/from-generic-env`, { region: TEST_REGION, credentials: TEST_CREDENTIALS });
    await s.writeFile('a.json', 'generic');
    expect(await s.exists('a.json')).toBe(true);
    vi.stubEnv('AWS_ENDPOINT_URL_S3', 'http://127.0.0.1:1');
    const viaOption = new S3Storage(`s3://${BUCKET}/from-generic-env`, options());
    expect(await viaOption.exists('a.json')).toBe(true);
  });

  it('rejects a bad endpoint URL with a ConfigError naming its source', () => {
    expect(() => new S3Storage('s3://bucket/x', { s3EndpointUrl: 'localhost:9000' })).toThrow(
      'storage: s3EndpointUrl "localhost:9000" is not a valid endpoint URL; expected http://host:port or https://host',
    );
    vi.stubEnv('AWS_ENDPOINT_URL_S3', 'not a url');
    expect(() => new S3Storage('s3://bucket/x', {})).toThrow(ConfigError);
    expect(() => new S3Storage('s3://bucket/x', {})).toThrow('storage: AWS_ENDPOINT_URL_S3 "not a url"');
  });

  it('reports a missing region as a ConfigError naming AWS_REGION', async () => {
    vi.stubEnv('AWS_REGION', undefined);
    vi.stubEnv('AWS_DEFAULT_REGION', undefined);
    vi.stubEnv('AWS_PROFILE', undefined);
    vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/mpm-aws-config');
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent/mpm-aws-credentials');
    vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
    const s = new S3Storage(`s3://${BUCKET}/x`, { s3EndpointUrl: server.endpoint, credentials: TEST_CREDENTIALS });
    const failure = s.listChildren('');
    await expect(failure).rejects.toThrow(ConfigError);
    await expect(failure).rejects.toThrow(
      `storage: no AWS region for s3://${BUCKET}/x/; set AWS_REGION (or a region in the AWS profile, or the region option)`,
    );
  });

  it('turns NoSuchBucket into an InputError on reads and an OutputError on writes, naming the URI', async () => {
    const s = new S3Storage('s3://mpm-no-such-bucket/data', options());
    await expect(s.listChildren('ep')).rejects.toThrow(InputError);
    await expect(s.listChildren('ep')).rejects.toThrow(
      'storage: cannot list s3://mpm-no-such-bucket/data/ep/: the bucket does not exist (NoSuchBucket)',
    );
    await expect(s.readFile('a.json')).rejects.toThrow(
      'storage: cannot read s3://mpm-no-such-bucket/data/a.json: the bucket does not exist (NoSuchBucket)',
    );
    // HEAD answers a bare 404 for a missing bucket too, so exists() cannot tell the two apart.
    expect(await s.exists('a.json')).toBe(false);
    const write = s.writeFile('out/statistics.json', '{}');
    await expect(write).rejects.toThrow(OutputError);
    await expect(write).rejects.toThrow('storage: cannot write s3://mpm-no-such-bucket/data/out/statistics.json');
  });

  it('names a missing key in the InputError', async () => {
    const s = new S3Storage(`s3://${BUCKET}/keys`, options());
    const read = s.readFile('constraints.json');
    await expect(read).rejects.toThrow(InputError);
    await expect(read).rejects.toThrow(
      `storage: cannot read s3://${BUCKET}/keys/constraints.json: it does not exist (NoSuchKey)`,
    );
  });

  it('turns AccessDenied into an error naming the URI and the permission to grant', async () => {
    // fauxqs does not check permissions; a tiny server answering like S3 does for a denied request stands in.
    const denied = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(403, { 'content-type': 'application/xml' });
        res.end(
          req.method === 'HEAD'
            ? undefined
            : '<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>',
        );
      });
    });
    await new Promise<void>((resolve) => denied.listen(0, '127.0.0.1', resolve));
    try {
      const endpoint = `http://127.0.0.1:${(denied.address() as AddressInfo).port}`;
      const s = new S3Storage('s3://locked/data', options({ s3EndpointUrl: endpoint }));
      await expect(s.listChildren('')).rejects.toThrow(
        'storage: cannot list s3://locked/data/: access denied (AccessDenied); the role needs s3:ListBucket on it',
      );
      await expect(s.openRead('a.jsonl')).rejects.toThrow(
        'storage: cannot read s3://locked/data/a.jsonl: access denied (AccessDenied); the role needs s3:GetObject on it',
      );
      await expect(s.exists('a.jsonl')).rejects.toThrow(InputError);
      const write = s.writeFile('out.json', '{}');
      await expect(write).rejects.toThrow(OutputError);
      await expect(write).rejects.toThrow(
        'storage: cannot write s3://locked/data/out.json: access denied (AccessDenied); the role needs s3:PutObject on it',
      );
    } finally {
      await new Promise<void>((resolve) => denied.close(() => resolve()));
    }
  });
});
