/**
 * @module The one storage interface the monitor reads and writes through. A local folder and an S3 prefix both
 * implement it, and both pass the shared contract suite in test/contracts/storage.contract.ts.
 *
 * Paths are relative to the storage's root, use "/" as the separator, and never start with "/". The empty string
 * is the root itself.
 */
import type { Readable } from 'node:stream';

export interface StorageFile {
  /** Path relative to the root, e.g. "ep/AllTraffic/2024/01/02/03/00-01-002-uuid.jsonl". */
  path: string;
  /** Size in bytes, when the backend knows it. */
  size?: number;
}

/**
 * Why an entry of a folder is not read: a link leading out of the storage's root, a link to nothing, an entry that is
 * neither a regular file nor a folder (FIFO, socket, device: reading one may block forever or never end), or a file or
 * folder already met through another path (the walk decides that one).
 */
export type SkipReason = 'link_outside_tree' | 'broken_link' | 'not_a_regular_file' | 'already_read';

export interface StorageListing {
  /** Immediate sub-folders (relative paths, no trailing slash), sorted by code unit order. */
  dirs: string[];
  /** Immediate files, sorted by path in code unit order. Only regular files (or objects). */
  files: StorageFile[];
  /** Entries left out of dirs and files, with why (local folders only). */
  skipped?: Array<{ path: string; why: SkipReason }>;
  /**
   * The identity of each listed folder and file, and of the listed folder itself under its own path ("device:inode"
   * on a local disk), when the backend has one: the same identity under two paths is the same file (a link, a hard
   * link), read once.
   */
  identities?: Map<string, string>;
}

export interface Storage {
  /** A human-readable location of the root: a local path or an s3:// URI. Used in messages and reports. */
  readonly location: string;
  /** Lists the immediate children of a folder. A folder that does not exist lists as empty. */
  listChildren(dir: string): Promise<StorageListing>;
  /** Opens a file as a byte stream (no decompression: the caller gunzips .gz files). */
  openRead(path: string): Promise<Readable>;
  /**
   * Reads a file as chunks that share one reused buffer (no decompression): each chunk is valid only until the next is
   * pulled, so the caller must copy what it keeps. Backends that cannot do better than openRead leave it out. Local
   * files use it for capture: a fresh buffer per read costs the allocator a map and an unmap, and the kernel a second
   * fault of every page (docs/benchmarks.md).
   */
  readChunks?(path: string): Promise<AsyncIterable<Buffer>>;
  /**
   * Reads a whole small file (constraints, configs, Parquet). Throws when it does not exist, and, when `maxBytes` is
   * given, when it is larger (without reading it).
   */
  readFile(path: string, maxBytes?: number): Promise<Buffer>;
  /** Whether a file exists. */
  exists(path: string): Promise<boolean>;
  /** Writes a whole file atomically: readers see the old content or the new one, never a part. */
  writeFile(path: string, body: string | Buffer): Promise<void>;
  /**
   * Writes a file from a stream of chunks, atomically: the file appears whole when the stream ends, readers see the
   * old content (or no file) until then, and a stream that throws leaves nothing new behind once the call settles
   * (the call rejects with the stream's own error). Memory is bounded by the backend's part size, not by the file.
   * Returns the number of bytes written.
   */
  writeStream(path: string, body: AsyncIterable<Uint8Array>): Promise<number>;
  /** The size of a file in bytes. Throws, naming the path, when it does not exist. */
  size(path: string): Promise<number>;
  /**
   * Reads the bytes [start, end) of a file (Parquet footers and row groups); `end` past the end of the file is
   * clamped to it. Throws, naming the path, when the file does not exist.
   */
  readRange(path: string, start: number, end: number): Promise<Buffer>;
  /** Removes a file. A file that does not exist is not an error. */
  remove(path: string): Promise<void>;
  /** A human-readable location of one path (for messages and the run report). */
  describe(path: string): string;
}

/** How a storage is opened (open-storage.ts); S3Storage takes these and more. */
export interface StorageOptions {
  /** Endpoint override for S3-compatible servers (flag --s3-endpoint-url, env AWS_ENDPOINT_URL_S3). */
  s3EndpointUrl?: string;
  /** Path-style addressing, needed by most S3-compatible servers. Default: true when s3EndpointUrl is set. */
  s3ForcePathStyle?: boolean;
  /** Region; default from the standard AWS SDK chain. */
  region?: string;
}
