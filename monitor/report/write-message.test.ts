/**
 * @module The message file by what its path is (issue 14, item 10): a regular file is replaced atomically; a link, a
 * device or a FIFO is written through and stays what it is; a FIFO nobody reads fails at once instead of blocking.
 */
import { execFileSync } from 'node:child_process';
import { createReadStream, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeMessageFile, writeMessageFileSync } from './write-message.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tmp(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mpm-message-'));
  dirs.push(dir);
  return dir;
}

describe.each([
  ['writeMessageFile', (file: string, text: string) => writeMessageFile(file, text)],
  ['writeMessageFileSync', async (file: string, text: string) => writeMessageFileSync(file, text)],
])('%s', (_, write) => {
  it('creates the file (and its folders), replaces it whole, and cuts the message to 1 KiB', async () => {
    const file = path.join(tmp(), 'opt/ml/output/message');
    // The signal handler's version does not make folders (it writes where the run already could).
    if (_ === 'writeMessageFileSync') mkdirSync(path.dirname(file), { recursive: true });
    await write(file, 'Completed: first, longer message');
    await write(file, `Failed: ${'x'.repeat(3000)}`);
    expect(readFileSync(file, 'utf8')).toBe(`Failed: ${'x'.repeat(1016)}`);
    expect(readdirSync(path.dirname(file))).toEqual(['message']);
  });

  it('writes through a link to a file, truncating it, and keeps the link', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'target'), 'an older and longer message\n');
    symlinkSync(path.join(dir, 'target'), path.join(dir, 'message'));
    await write(path.join(dir, 'message'), 'Completed: ok');
    expect(lstatSync(path.join(dir, 'message')).isSymbolicLink()).toBe(true);
    expect(readFileSync(path.join(dir, 'target'), 'utf8')).toBe('Completed: ok');
  });

  it('writes through a link to a device (/dev/null) and leaves both as they are', async () => {
    const dir = tmp();
    symlinkSync('/dev/null', path.join(dir, 'message'));
    await write(path.join(dir, 'message'), 'Completed: ok');
    expect(lstatSync(path.join(dir, 'message')).isSymbolicLink()).toBe(true);
    expect(lstatSync('/dev/null').isCharacterDevice()).toBe(true);
  });

  it('writes through a FIFO to its reader, and fails at once (ENXIO) on a FIFO nobody reads', async () => {
    const fifo = path.join(tmp(), 'message.fifo');
    execFileSync('mkfifo', [fifo]);
    await expect(write(fifo, 'Completed: nobody listens')).rejects.toThrow(/ENXIO/);
    const received = new Promise<string>((resolve) => {
      let text = '';
      createReadStream(fifo, { encoding: 'utf8' })
        .on('data', (d) => (text += d))
        .on('end', () => resolve(text));
    });
    // The reader's open must be under way before the writer opens without blocking.
    await new Promise((resolve) => setTimeout(resolve, 200));
    await write(fifo, 'Completed: heard');
    expect(await received).toBe('Completed: heard');
    expect(lstatSync(fifo).isFIFO()).toBe(true);
  });

  it('refuses a folder', async () => {
    await expect(write(tmp(), 'x')).rejects.toThrow('the message file is a folder');
  });
});
