/**
 * @module Storage on a local folder (the /opt/ml/processing mounts, or any folder for local runs).
 */
import { randomBytes } from 'node:crypto';
import { constants, createReadStream } from 'node:fs';
import { OutputError } from '../errors.ts';
import { makeFolder } from '../runtime/make-folder.ts';
import { access, open, readdir, readFile, rename, stat, writeFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { Storage, StorageFile, StorageListing } from './storage.ts';

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

  async listChildren(dir: string): Promise<StorageListing> {
    let entries;
    try {
      entries = await readdir(this.abs(dir), { withFileTypes: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return { dirs: [], files: [] };
      throw error;
    }
    const prefix = dir === '' ? '' : `${dir}/`;
    const dirs: string[] = [];
    const files: StorageFile[] = [];
    for (const entry of entries) {
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        // Mounted inputs may be symlinks; follow them.
        const info = await stat(path.join(this.abs(dir), entry.name)).catch(() => undefined);
        isDir = info?.isDirectory() ?? false;
        isFile = info?.isFile() ?? false;
      }
      if (isDir) dirs.push(prefix + entry.name);
      else if (isFile) files.push({ path: prefix + entry.name });
    }
    dirs.sort(byCodeUnit);
    files.sort((a, b) => byCodeUnit(a.path, b.path));
    await Promise.all(
      files.map(async (f) => {
        f.size = (await stat(this.abs(f.path))).size;
      }),
    );
    return { dirs, files };
  }

  async openRead(rel: string): Promise<Readable> {
    const file = this.abs(rel);
    // Fail now (not on first read) when the file is missing.
    await stat(file);
    return createReadStream(file, { highWaterMark: 1 << 20 });
  }

  async readFile(rel: string): Promise<Buffer> {
    return readFile(this.abs(rel));
  }

  async exists(rel: string): Promise<boolean> {
    try {
      await stat(this.abs(rel));
      return true;
    } catch {
      return false;
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

/** A temporary sibling of `file`, unique per process and call, so concurrent writes never share one. */
function temporaryName(file: string): string {
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
