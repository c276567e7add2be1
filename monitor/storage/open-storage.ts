/**
 * @module Picks the storage backend for a location: an s3:// URI or a local folder.
 */
import type { Storage } from './storage.ts';
import { LocalStorage } from './local.ts';

export interface StorageOptions {
  /** Endpoint override for S3-compatible servers (flag --s3-endpoint-url, env AWS_ENDPOINT_URL_S3). */
  s3EndpointUrl?: string;
  /** Path-style addressing, needed by most S3-compatible servers. Default: true when s3EndpointUrl is set. */
  s3ForcePathStyle?: boolean;
  /** Region; default from the standard AWS SDK chain. */
  region?: string;
}

export function isS3Uri(location: string): boolean {
  return location.startsWith('s3://');
}

/** Opens the storage rooted at `location`. */
export async function openStorage(location: string, options: StorageOptions = {}): Promise<Storage> {
  if (isS3Uri(location)) {
    const { S3Storage } = await import('./s3.ts');
    return new S3Storage(location, options);
  }
  return new LocalStorage(location);
}
