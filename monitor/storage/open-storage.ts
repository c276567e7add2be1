/**
 * @module Picks the storage backend for a location: an s3:// URI or a local folder.
 */
import type { Storage, StorageOptions } from './storage.ts';
import { LocalStorage } from './local.ts';
import { isS3Uri } from './s3-uri.ts';

/** Opens the storage rooted at `location`. */
export async function openStorage(location: string, options: StorageOptions = {}): Promise<Storage> {
  if (isS3Uri(location)) {
    const { S3Storage } = await import('./s3.ts');
    return new S3Storage(location, options);
  }
  return new LocalStorage(location);
}
