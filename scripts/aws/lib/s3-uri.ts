/**
 * @module s3:// URIs: parsing into bucket and key, and joining path parts without doubled slashes.
 */
import { UsageError } from './errors.ts';

/** An s3:// URI split into bucket and key. */
export interface S3Location {
  bucket: string;
  /** Key or prefix without a leading slash; may be empty (the bucket root). */
  key: string;
}

const S3_URI = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/;

/** Whether a location is an s3:// URI (anything else is taken as a local path where local paths are allowed). */
export function isS3Uri(location: string): boolean {
  return location.startsWith('s3://');
}

/** Parses s3://bucket/key. `what` names the flag in the error message. */
export function parseS3Uri(uri: string, what: string): S3Location {
  const m = S3_URI.exec(uri);
  if (!m) {
    throw new UsageError(
      `${what}: ${JSON.stringify(uri)} is not a valid s3:// URI; expected s3://bucket/prefix (bucket: 3-63 lower-case letters, digits, dots, hyphens)`,
    );
  }
  return { bucket: m[1] as string, key: m[2] ?? '' };
}

/** Joins an s3:// URI (or a key) with more path parts: one "/" between parts, no trailing slash. */
export function joinS3(base: string, ...parts: string[]): string {
  let out = base.replace(/\/+$/, '');
  for (const part of parts) {
    const clean = part.replace(/^\/+|\/+$/g, '');
    if (clean !== '') out = out === '' ? clean : `${out}/${clean}`;
  }
  return out;
}
