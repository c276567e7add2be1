/**
 * @module Parses s3://bucket/prefix locations into a bucket and a folder prefix.
 */
import { ConfigError, showValue } from '../errors.ts';

/** Whether a location is an s3:// URI (else a local path). */
export function isS3Uri(location: string): boolean {
  return location.startsWith('s3://');
}

/** An s3:// location split into its parts. */
export interface S3Location {
  bucket: string;
  /** Key prefix of the folder: empty (the bucket root) or ending with "/". */
  prefix: string;
}

// Bucket names: 3-63 characters, letters, digits, dots, hyphens (and underscores for legacy buckets and
// S3-compatible servers), starting and ending with a letter or a digit.
const BUCKET = /^[A-Za-z0-9][A-Za-z0-9._-]{1,61}[A-Za-z0-9]$/;

/**
 * Parses `s3://bucket`, `s3://bucket/`, `s3://bucket/a/b` or `s3://bucket/a/b/`. The prefix always names a folder,
 * so it gets a trailing "/": that keeps the root "data/1" from also matching "data/10".
 *
 * @throws ConfigError naming the value when it is not such a URI.
 */
export function parseS3Uri(uri: string): S3Location {
  const fail = (why: string): never => {
    throw new ConfigError(
      `storage: ${showValue(uri)} is not a valid S3 location (${why}); expected s3://bucket or s3://bucket/prefix/`,
    );
  };
  if (uri !== uri.trim()) fail('it has leading or trailing whitespace');
  if (!uri.startsWith('s3://')) fail('it does not start with s3://');
  const rest = uri.slice('s3://'.length);
  const slash = rest.indexOf('/');
  const bucket = slash === -1 ? rest : rest.slice(0, slash);
  let prefix = slash === -1 ? '' : rest.slice(slash + 1);
  if (bucket === '') fail('the bucket name is empty');
  if (!BUCKET.test(bucket)) fail(`bucket ${showValue(bucket)} is not a valid bucket name`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/u.test(prefix)) fail('the prefix contains a control character');
  if (prefix !== '' && !prefix.endsWith('/')) prefix += '/';
  // "a//b" would be a key with an empty folder name: almost surely a typo, and listings could not reach it.
  if (prefix.startsWith('/') || prefix.slice(0, -1).includes('//')) fail('the prefix has an empty folder name ("//")');
  return { bucket, prefix };
}
