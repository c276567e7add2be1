/**
 * @module Storage on a local folder (the /opt/ml/processing mounts, or any folder for local runs). Links are followed
 * only while they stay inside the root (resolved with realpath, so a linked dataset_source is fine), only regular
 * files are listed (a FIFO would block the read forever, a device never end it), and each listed file and folder
 * carries its device and inode so the walk meets it once: a link loop read one file 41 times, two loops walked
 * forever, and a link to /etc/passwd was read as capture (issue 14, item 6).
 */
import { randomBytes } from 'node:crypto';
import { constants, createReadStream, readSync, type Stats } from 'node:fs';
import { ConfigError, InputError, OutputError } from '../errors.ts';
import { makeFolder } from '../runtime/make-folder.ts';
import { access, open, readdir, realpath, rename, stat, writeFile, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { SkipReason, Storage, StorageFile, StorageListing } from './storage.ts';

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export class LocalStorage implements Storage {
  readonly location: string;

  constructor(root: string) {
    this.location = path.resolve(root);
  }

  private abs(rel: string): string {
    return rel === '' ? this.location : path.join(this.location, ...rel.split('/'));
  }

  describe(rel: string): string {
    return this.abs(rel);
  }

  /** The root resolved through links (once): what "inside the tree" means. */
  private rootReal?: Promise<string>;

  private realRoot(): Promise<string> {
    this.rootReal ??= realpath(this.location).catch(() => this.location);
    return this.rootReal;
  }

  async listChildren(dir: string): Promise<StorageListing> {
    let entries;
    try {
      entries = await readdir(this.abs(dir), { withFileTypes: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return { dirs: [], files: [] };
      // No permission, a link loop as the folder, an I/O error: what the folder holds is unknown, so no run can say
      // what it lost. An InputError naming it (exit 3), where it used to end as an internal error with a stack trace.
      if (typeof code === 'string') throw new InputError(`cannot list the folder ${this.describe(dir)} (${code}); its files cannot be read`, { cause: error });
      throw error;
    }
    const root = await this.realRoot();
    const prefix = dir === '' ? '' : `${dir}/`;
    const dirs: string[] = [];
    const files: StorageFile[] = [];
    const skipped: Array<{ path: string; why: SkipReason }> = [];
    const identities = new Map<string, string>();
    // The folder itself too, so a link back to the starting folder of a walk is seen as met.
    const own = await stat(this.abs(dir)).catch(() => undefined);
    if (own !== undefined) identities.set(dir, `${own.dev}:${own.ino}`);
    await Promise.all(
      entries.map(async (entry) => {
        const rel = prefix + entry.name;
        const full = path.join(this.abs(dir), entry.name);
        if (!entry.isDirectory() && !entry.isFile() && !entry.isSymbolicLink()) {
          skipped.push({ path: rel, why: 'not_a_regular_file' });
          return;
        }
        if (entry.isSymbolicLink()) {
          // Mounted inputs may be links; follow one only while it stays inside the tree.
          const target = await realpath(full).catch(() => undefined);
          if (target === undefined) return void skipped.push({ path: rel, why: 'broken_link' });
          if (target !== root && !target.startsWith(root.endsWith(path.sep) ? root : root + path.sep)) {
            return void skipped.push({ path: rel, why: 'link_outside_tree' });
          }
        }
        let info: Stats;
        try {
          info = await stat(full);
        } catch (error) {
          if (entry.isSymbolicLink()) return void skipped.push({ path: rel, why: 'broken_link' });
          // A file or folder that cannot be examined (a path past PATH_MAX, an I/O error) is no link: listed as it
          // is, so reading it fails and names it (an unreadable file, a folder that cannot be listed), where it used
          // to be counted as a broken link and lost without a word. One that vanished since the listing holds nothing.
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
          if (entry.isDirectory()) dirs.push(rel);
          else files.push({ path: rel, size: 0 });
          return;
        }
        if (info.isDirectory()) dirs.push(rel);
        else if (info.isFile()) files.push({ path: rel, size: info.size });
        else return void skipped.push({ path: rel, why: 'not_a_regular_file' });
        identities.set(rel, `${info.dev}:${info.ino}`);
      }),
    );
    dirs.sort(byCodeUnit);
    files.sort((a, b) => byCodeUnit(a.path, b.path));
    skipped.sort((a, b) => byCodeUnit(a.path, b.path));
    const listing: StorageListing = { dirs, files };
    if (skipped.length > 0) listing.skipped = skipped;
    // An empty folder needs no identities (nothing below it can be met twice).
    if (dirs.length + files.length > 0) listing.identities = identities;
    return listing;
  }

  async openRead(rel: string): Promise<Readable> {
    const file = this.abs(rel);
    // Fail now (not on first read) when the file is missing, and never open a FIFO (it blocks) or a device.
    await regularFile(file);
    return createReadStream(file, { highWaterMark: 1 << 20 });
  }

  async readChunks(rel: string): Promise<AsyncIterable<Buffer>> {
    const file = this.abs(rel);
    await regularFile(file);
    // Opened now, so a file that vanished fails here as with openRead.
    const handle = await open(file, 'r');
    return chunksOf(handle, Buffer.allocUnsafe(READ_CHUNK_BYTES));
  }

  async readFile(rel: string, maxBytes?: number): Promise<Buffer> {
    const file = this.abs(rel);
    const info = await regularFile(file);
    if (maxBytes !== undefined && info.size > maxBytes) throw new Error(`${file} holds ${info.size} bytes, more than the ${maxBytes} read whole at most`);
    const handle = await open(file, 'r');
    try {
      // Read at most maxBytes + 1, in case the file grew since it was measured.
      const limit = maxBytes === undefined ? info.size : Math.min(info.size, maxBytes) + 1;
      const buffer = Buffer.alloc(limit);
      let length = 0;
      while (length < limit) {
        const { bytesRead } = await handle.read(buffer, length, limit - length, length);
        if (bytesRead === 0) break;
        length += bytesRead;
      }
      if (maxBytes !== undefined && length > maxBytes) throw new Error(`${file} holds more than the ${maxBytes} bytes read whole at most`);
      return buffer.subarray(0, length);
    } finally {
      await handle.close();
    }
  }

  /**
   * Whether `rel` exists: false when it (or a folder on its way) is missing; an error that hides the answer (a
   * symbolic-link loop, no permission to look) is an InputError naming the path, as S3's is, rather than "missing".
   */
  async exists(rel: string): Promise<boolean> {
    try {
      await stat(this.abs(rel));
      return true;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR' || typeof code !== 'string') return false;
      throw new InputError(`storage: cannot tell whether ${this.describe(rel)} exists (${code})`, { cause: error });
    }
  }

  async writeFile(rel: string, body: string | Buffer): Promise<void> {
    await writeFileAtomic(this.abs(rel), body);
  }

  async writeStream(rel: string, body: AsyncIterable<Uint8Array>): Promise<number> {
    const file = this.abs(rel);
    await makeFolder(path.dirname(file));
    const tmp = temporaryName(file);
    const handle = await open(tmp, 'wx');
    let bytes = 0;
    try {
      try {
        // Each chunk is written before the next is pulled: memory holds one chunk, whatever the file's size.
        for await (const chunk of body) {
          let done = 0;
          while (done < chunk.length) done += (await handle.write(chunk, done, chunk.length - done)).bytesWritten;
          bytes += chunk.length;
        }
      } finally {
        await handle.close();
      }
      await rename(tmp, file);
      return bytes;
    } catch (error) {
      await rm(tmp, { force: true });
      throw error;
    }
  }

  async size(rel: string): Promise<number> {
    return (await stat(this.abs(rel))).size;
  }

  async readRange(rel: string, start: number, end: number): Promise<Buffer> {
    const handle = await open(this.abs(rel), 'r');
    try {
      const length = Math.max(0, end - start);
      const out = Buffer.allocUnsafe(length);
      let done = 0;
      while (done < length) {
        const { bytesRead } = await handle.read(out, done, length - done, start + done);
        if (bytesRead === 0) break; // end of file: the range is clamped
        done += bytesRead;
      }
      return out.subarray(0, done);
    } finally {
      await handle.close();
    }
  }

  async remove(rel: string): Promise<void> {
    await rm(this.abs(rel), { force: true });
  }
}

/** The bytes of one read: large enough that the per-read cost vanishes, small enough to stay in the CPU's cache. */
const READ_CHUNK_BYTES = 1 << 20;
/** Bytes read between two turns of the event loop (so that a worker's message or a signal is not held for long). */
const YIELD_BYTES = 8 << 20;

/**
 * Reads an open file to its end into one reused buffer, closing it however the reading ends. A chunk stays valid
 * until the caller asks for the next one.
 *
 * The reads are synchronous, on the calling thread: the path was checked to be a regular file before the open (a
 * FIFO would block the open, a device never end), and the open descriptor is checked again (a path swapped for a
 * device in between is refused before the first read), so a read returns as soon as the disk or the page cache
 * gives the bytes. An asynchronous read costs far more for a file in
 * the page cache: a trip through libuv's thread pool and a promise per MiB (1 GB: 0.29 s of CPU, 50 us on the
 * calling thread per read, against 0.15 s of CPU read synchronously), and the pool's thread competes for a core
 * with the thread that reads the ground truth. The event loop turns every YIELD_BYTES.
 */
async function* chunksOf(handle: FileHandle, buffer: Buffer): AsyncGenerator<Buffer> {
  try {
    if (!(await handle.stat()).isFile()) throw notRegular(`descriptor ${handle.fd}`);
    let sinceTurn = 0;
    for (;;) {
      // Sequential (position null): each read starts where the last one ended, and bytes appended meanwhile are read.
      const bytesRead = readSync(handle.fd, buffer, 0, buffer.length, null);
      if (bytesRead === 0) return;
      yield bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead);
      sinceTurn += bytesRead;
      if (sinceTurn >= YIELD_BYTES) {
        sinceTurn = 0;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
  } finally {
    await handle.close();
  }
}

/** Stats a path and throws unless it is a regular file (reading a FIFO blocks until a writer comes; a device never ends). */
async function regularFile(file: string): Promise<Stats> {
  const info = await stat(file);
  if (!info.isFile()) throw notRegular(file);
  return info;
}

/** The error for a path or descriptor that is not a regular file. */
function notRegular(what: string): NodeJS.ErrnoException {
  const error = new Error(`${what} is not a regular file (a folder, FIFO, socket or device); only regular files are read`) as NodeJS.ErrnoException;
  error.code = 'ENOTREGULAR';
  return error;
}

/** A temporary sibling of `file`, unique per process and call, so concurrent writes never share one. */
export function temporaryName(file: string): string {
  return `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
}

/** Writes a file through a temporary sibling and a rename, so readers never see a half-written file. */
export async function writeFileAtomic(file: string, body: string | Buffer): Promise<void> {
  await makeFolder(path.dirname(file));
  // Random part: two writes of one file in the same millisecond must not share (and race on) one temporary file.
  const tmp = temporaryName(file);
  try {
    await writeFile(tmp, body);
    await rename(tmp, file);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}

/**
 * Checks that a folder exists (creating it) and can be written, before any input is read. Throws an OutputError
 * naming the variable and the path.
 */
export async function assertWritableFolder(folder: string, variable: string): Promise<void> {
  try {
    // Bounded: Node's recursive mkdir never returns on a path below /proc.
    await makeFolder(folder);
    await access(folder, constants.W_OK);
  } catch (error) {
    throw new OutputError(`output: ${variable} ${JSON.stringify(folder)} is not a writable folder (${(error as Error).message}); expected a folder the job can write to`, { cause: error });
  }
}

/**
 * Refuses an input location that is a file where a folder of files is read (dataset_source, ground_truth_source):
 * listed as a folder it held nothing, and the run reported an empty hour without saying the path was wrong. A
 * missing folder stays an empty one (an hour without traffic), reported by the run's own checks; `onMissing` hears
 * of it, so that the run can say the path does not exist (a typo reads as an empty hour otherwise).
 */
export async function assertNotAFile(location: string, variable: string, holds: string, onMissing?: (message: string) => void): Promise<void> {
  let missing = false;
  const stats = await stat(location).catch((error: NodeJS.ErrnoException) => void (missing = error.code === 'ENOENT'));
  if (missing) onMissing?.(`${variable} ${JSON.stringify(location)} does not exist: read as holding no files; check the path if it should hold ${holds}`);
  if (stats !== undefined && !stats.isDirectory()) {
    throw new ConfigError(`config: ${variable} ${JSON.stringify(location)} is a file, not a folder; expected the folder (or s3:// URI) holding ${holds}`);
  }
}
