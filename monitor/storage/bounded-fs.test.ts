/**
 * @module Filesystem operations that end (issue 14, item 9): folder creation (runtime/make-folder.ts) one level at a
 * time, where Node's recursive mkdir spun forever under /proc, ending with mkdir's own error; capped reads of files
 * read whole, which refuse a FIFO instead of blocking on it.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeFolder } from '../runtime/make-folder.ts';
import { readCappedFile, readCappedFileSync } from '../runtime/read-capped-file.ts';
import { execFileSync } from 'node:child_process';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tmp = (): string => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mpm-folder-'));
  dirs.push(dir);
  return dir;
};

describe('makeFolder', () => {
  it('makes missing levels and accepts an existing folder', async () => {
    const dir = path.join(tmp(), 'a/b/c');
    await makeFolder(dir);
    await makeFolder(dir);
    expect(statSync(dir).isDirectory()).toBe(true);
  });

  it('fails at once under /proc, where mkdir says ENOENT below an existing folder', async () => {
    const started = performance.now();
    await expect(makeFolder(`/proc/mpm-${process.pid}/a/b`)).rejects.toThrow(`ENOENT: no such file or directory, mkdir '/proc/mpm-${process.pid}'`);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("says EEXIST for a file in the way, and ENOTDIR for a path through a file, in mkdir's words", async () => {
    const file = path.join(tmp(), 'file');
    writeFileSync(file, 'x');
    await expect(makeFolder(file)).rejects.toThrow(`EEXIST: file already exists, mkdir '${file}'`);
    await expect(makeFolder(path.join(file, 'sub'))).rejects.toThrow(/ENOTDIR/);
  });
});

describe('readCappedFile', () => {
  it('reads a small file, and refuses a larger one, a folder and a FIFO without blocking', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'small.json'), '{"a":1}');
    writeFileSync(path.join(dir, 'big.json'), 'x'.repeat(2000));
    execFileSync('mkfifo', [path.join(dir, 'pipe.json')]);
    expect(await readCappedFile(path.join(dir, 'small.json'), 1000)).toBe('{"a":1}');
    expect(readCappedFileSync(path.join(dir, 'small.json'), 1000)).toBe('{"a":1}');
    await expect(readCappedFile(path.join(dir, 'big.json'), 1000)).rejects.toThrow('holds more than 1000 bytes');
    expect(() => readCappedFileSync(path.join(dir, 'big.json'), 1000)).toThrow('holds more than 1000 bytes');
    await expect(readCappedFile(path.join(dir, 'pipe.json'), 1000)).rejects.toThrow('is not a regular file');
    expect(() => readCappedFileSync(path.join(dir, 'pipe.json'), 1000)).toThrow('is not a regular file');
    await expect(readCappedFile(dir, 1000)).rejects.toThrow(/EISDIR|not a regular file/);
  });
});
