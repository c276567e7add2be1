/**
 * @module Storage on an S3 prefix (or an S3-compatible server): listings by folder, streamed reads, atomic writes.
 */
import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
  type ListObjectsV2CommandOutput,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { ConfigError, InputError, MonitorError, OutputError, showValue } from '../errors.ts';
import { parseS3Uri } from './s3-uri.ts';
import type { Storage, StorageFile, StorageListing, StorageOptions } from './storage.ts';

/** Options of {@link S3Storage}: the shared {@link StorageOptions} plus what tests and embedders may inject. */
export interface S3StorageOptions extends StorageOptions {
  /** Credentials or a provider. Default: the standard AWS SDK chain (env, profile, web identity, container, IMDS). */
  credentials?: S3ClientConfig['credentials'];
  /** A ready client; when given, region, endpoint and credentials options are ignored. */
  client?: S3Client;
  /** Multipart part size in bytes for writeFile. Default 8 MiB (S3's minimum is 5 MiB). */
  partSize?: number;
}

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The endpoint override: the option, else AWS_ENDPOINT_URL_S3, else AWS_ENDPOINT_URL (the variables the SDK itself
 * reads). Resolved here rather than left to the SDK so that path-style addressing can follow it.
 */
function resolveEndpoint(options: StorageOptions): string | undefined {
  const sources: Array<[string, string | undefined]> = [
    ['s3EndpointUrl', options.s3EndpointUrl],
    ['AWS_ENDPOINT_URL_S3', process.env.AWS_ENDPOINT_URL_S3],
    ['AWS_ENDPOINT_URL', process.env.AWS_ENDPOINT_URL],
  ];
  const found = sources.find(([, value]) => value !== undefined && value !== '');
  if (found === undefined) return undefined;
  const [source, value] = found as [string, string];
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new ConfigError(
      `storage: ${source} ${showValue(value)} is not a valid endpoint URL; expected http://host:port or https://host`,
    );
  }
  return value;
}

/** S3 (or S3-compatible) storage rooted at an s3://bucket/prefix/ location. */
export class S3Storage implements Storage {
  /** The root as `s3://bucket/prefix/` (`s3://bucket/` for a whole bucket). */
  readonly location: string;
  readonly bucket: string;
  /** Key prefix of the root: empty or ending with "/". */
  readonly prefix: string;
  private readonly client: S3Client;
  private readonly explicitRegion: boolean;
  private readonly partSize: number;
  private ready?: Promise<S3Client>;

  /**
   * @param uri `s3://bucket` or `s3://bucket/prefix` (a trailing "/" is optional: the root is always a folder).
   * @throws ConfigError for a bad URI or a bad endpoint URL. A missing region is reported on first use.
   */
  constructor(uri: string, options: S3StorageOptions = {}) {
    const { bucket, prefix } = parseS3Uri(uri);
    this.bucket = bucket;
    this.prefix = prefix;
    this.location = `s3://${bucket}/${prefix}`;
    this.partSize = options.partSize ?? 8 * 1024 * 1024;
    this.explicitRegion = options.client !== undefined || (options.region ?? '') !== '';
    if (options.client !== undefined) {
      this.client = options.client;
      return;
    }
    const endpoint = resolveEndpoint(options);
    this.client = new S3Client({
      ...(options.region ? { region: options.region } : {}),
      ...(endpoint !== undefined ? { endpoint } : {}),
      ...(options.credentials !== undefined ? { credentials: options.credentials } : {}),
      // Virtual-hosted addressing needs wildcard DNS that S3-compatible servers rarely have.
      forcePathStyle: options.s3ForcePathStyle ?? endpoint !== undefined,
      // The SDK's default CRC32 checksums on every request are rejected by several S3-compatible servers.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      // A black-holed endpoint otherwise waits for the OS TCP timeout (minutes) on each of the SDK's attempts. No
      // request timeout: it would also cut long streamed reads.
      requestHandler: { connectionTimeout: 10_000 },
    });
  }

  /** Resolves the region once, so a missing one is a clear ConfigError instead of the SDK's "Region is missing". */
  private async send(): Promise<S3Client> {
    this.ready ??= (async () => {
      if (this.explicitRegion) return this.client;
      let region: string | undefined;
      try {
        region = await this.client.config.region();
      } catch {
        region = undefined;
      }
      if (!region) {
        throw new ConfigError(
          `storage: no AWS region for ${this.location}; ` +
            'set AWS_REGION (or a region in the AWS profile, or the region option)',
        );
      }
      return this.client;
    })();
    return this.ready;
  }

  private key(rel: string): string {
    return this.prefix + rel;
  }

  describe(rel: string): string {
    return this.location + rel;
  }

  async listChildren(dir: string): Promise<StorageListing> {
    const clean = dir.replace(/\/+$/u, '');
    // The trailing "/" keeps folder "1" from matching "10".."19".
    const folder = clean === '' ? this.prefix : `${this.prefix}${clean}/`;
    const relStart = this.prefix.length;
    const dirs: string[] = [];
    const files: StorageFile[] = [];
    let token: string | undefined;
    try {
      const client = await this.send();
      do {
        const page: ListObjectsV2CommandOutput = await client.send(
          new ListObjectsV2Command({ Bucket: this.bucket, Prefix: folder, Delimiter: '/', ContinuationToken: token }),
        );
        for (const common of page.CommonPrefixes ?? []) {
          if (common.Prefix) dirs.push(common.Prefix.slice(relStart, -1));
        }
        for (const object of page.Contents ?? []) {
          // Skip folder markers ("dir/" objects made by consoles and sync tools).
          if (object.Key === undefined || object.Key.endsWith('/')) continue;
          files.push({ path: object.Key.slice(relStart), ...(object.Size !== undefined ? { size: object.Size } : {}) });
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    } catch (error) {
      throw storageError(error, 'list', this.describe(clean === '' ? '' : `${clean}/`));
    }
    dirs.sort(byCodeUnit);
    files.sort((a, b) => byCodeUnit(a.path, b.path));
    return { dirs, files };
  }

  async openRead(rel: string): Promise<Readable> {
    try {
      const client = await this.send();
      const out = await client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key(rel) }));
      // In Node the body is the HTTP response itself: bytes flow as they arrive, nothing is buffered whole.
      if (!(out.Body instanceof Readable)) throw new InputError('S3 returned no readable body');
      return out.Body;
    } catch (error) {
      throw storageError(error, 'read', this.describe(rel));
    }
  }

  async readFile(rel: string): Promise<Buffer> {
    try {
      const client = await this.send();
      const out = await client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key(rel) }));
      if (out.Body === undefined) throw new InputError('S3 returned no body');
      return Buffer.from(await out.Body.transformToByteArray());
    } catch (error) {
      throw storageError(error, 'read', this.describe(rel));
    }
  }

  async exists(rel: string): Promise<boolean> {
    try {
      const client = await this.send();
      await client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.key(rel) }));
      return true;
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      const name = (error as Error).name;
      if (status === 404 || name === 'NotFound' || name === 'NoSuchKey') return false;
      throw storageError(error, 'read', this.describe(rel));
    }
  }

  async writeFile(rel: string, body: string | Buffer): Promise<void> {
    try {
      const client = await this.send();
      // One PutObject for small bodies, a multipart upload for big ones. Either way the object appears whole or not
      // at all (a failed multipart upload is aborted), so no temporary key is needed.
      const upload = new Upload({
        client,
        params: { Bucket: this.bucket, Key: this.key(rel), Body: body, ContentType: contentTypeOf(rel) },
        partSize: this.partSize,
        leavePartsOnError: false,
      });
      await upload.done();
    } catch (error) {
      throw storageError(error, 'write', this.describe(rel));
    }
  }

  async writeStream(rel: string, body: AsyncIterable<Uint8Array>): Promise<number> {
    let bytes = 0;
    let failure: SourceFailure | undefined;
    const counted = async function* (): AsyncGenerator<Uint8Array> {
      try {
        for await (const chunk of body) {
          bytes += chunk.length;
          yield chunk;
        }
      } catch (error) {
        failure = new SourceFailure(error);
        throw error;
      }
    };
    try {
      const client = await this.send();
      // A multipart upload (one PutObject when the body is smaller than a part) with one part in flight: memory is
      // about two parts. The object appears when the upload completes; a failed upload is aborted, so nothing is
      // left visible, and no temporary key is needed.
      const upload = new Upload({
        client,
        params: { Bucket: this.bucket, Key: this.key(rel), Body: Readable.from(counted()), ContentType: contentTypeOf(rel) },
        partSize: this.partSize,
        queueSize: 1,
        leavePartsOnError: false,
      });
      await upload.done();
      return bytes;
    } catch (error) {
      if (failure !== undefined) throw failure.error;
      throw storageError(error, 'write', this.describe(rel));
    }
  }

  async size(rel: string): Promise<number> {
    try {
      const client = await this.send();
      const out = await client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.key(rel) }));
      if (out.ContentLength === undefined) throw new InputError('S3 returned no ContentLength');
      return out.ContentLength;
    } catch (error) {
      throw storageError(error, 'read', this.describe(rel));
    }
  }

  async readRange(rel: string, start: number, end: number): Promise<Buffer> {
    if (end <= start) return Buffer.alloc(0);
    try {
      const client = await this.send();
      const out = await client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key(rel), Range: `bytes=${start}-${end - 1}` }));
      if (out.Body === undefined) throw new InputError('S3 returned no body');
      return Buffer.from(await out.Body.transformToByteArray());
    } catch (error) {
      throw storageError(error, 'read', this.describe(rel));
    }
  }

  async remove(rel: string): Promise<void> {
    try {
      const client = await this.send();
      await client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.key(rel) }));
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status === 404 || (error as Error).name === 'NoSuchKey') return;
      throw storageError(error, 'delete', this.describe(rel));
    }
  }
}

/** Marks an error thrown by the body of a streamed write, so it reaches the caller as it was. */
class SourceFailure {
  constructor(readonly error: unknown) {}
}

/** Content type by extension, so report.html opens in a browser from the S3 console instead of downloading. */
export function contentTypeOf(path: string): string {
  if (/\.html?$/i.test(path)) return 'text/html; charset=utf-8';
  if (/\.jsonl$/i.test(path)) return 'application/jsonlines';
  if (/\.json$/i.test(path)) return 'application/json';
  return 'application/octet-stream';
}

type Operation = 'list' | 'read' | 'write' | 'delete';

/** Turns an SDK error into a monitor error that names the S3 location and hints at the fix. */
function storageError(error: unknown, op: Operation, uri: string): MonitorError {
  if (error instanceof ConfigError) return error;
  const err = error as Error & { $metadata?: { httpStatusCode?: number }; code?: string };
  const name = err?.name ?? 'Error';
  const status = err?.$metadata?.httpStatusCode;
  const verb = op === 'delete' ? 'remove' : op;
  if (name === 'CredentialsProviderError' || (err?.message ?? '').startsWith('Could not load credentials')) {
    return new ConfigError(
      `storage: no usable AWS credentials to ${verb} ${uri} (${err.message}); set AWS_PROFILE or ` +
        'AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run with an IAM role',
      { cause: error },
    );
  }
  let why: string;
  if (name === 'NoSuchBucket') why = `the bucket does not exist (NoSuchBucket)`;
  else if (name === 'NoSuchKey' || (status === 404 && op !== 'list')) why = `it does not exist (${name})`;
  else if (name === 'AccessDenied' || status === 403) {
    const action = { list: 's3:ListBucket', read: 's3:GetObject', write: 's3:PutObject', delete: 's3:DeleteObject' }[op];
    why = `access denied (${name}); the role needs ${action} on it`;
  } else if (error instanceof MonitorError) why = error.message;
  else why = `${name}: ${err?.message ?? String(error)}${err?.code ? ` (${err.code})` : ''}`;
  const message = `storage: cannot ${verb} ${uri}: ${why}`;
  return op === 'write' || op === 'delete' ? new OutputError(message, { cause: error }) : new InputError(message, { cause: error });
}
