/**
 * @module LocalStorage.readChunks: the file's bytes in order whatever its size against the reused buffer, a chunk
 * untouched while the caller holds it (even while the caller awaits), bytes appended after a short read still read,
 * the event loop turning during a long file (the reads are synchronous), and the file closed when the caller stops
 * early.
 */
import { randomBytes } from 'node:crypto';
import { appendFileSync, writeFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempTrees } from '../../test/helpers/temp-trees.ts';
import { LocalStorage } from './local.ts';

const MiB = 1 << 20;
const trees = tempTrees('mpm-chunks-');
afterEach(trees.removeAll);
const folder = (): string => trees.tree({});

/** Open descriptors of this process that point at `file`. */
async function openCount(file: string): Promise<number> {
  let n = 0;
  for (const fd of await readdir('/proc/self/fd')) {
    try {
      const { readlink } = await import('node:fs/promises');
      if ((await readlink(`/proc/self/fd/${fd}`)) === file) n++;
    } catch {
      // A descriptor closed while listing.
    }
  }
  return n;
}

describe('LocalStorage.readChunks', () => {
  it('gives every byte in order, and each chunk stays as it was while the caller holds it and awaits', async () => {
    const root = folder();
    const storage = new LocalStorage(root);
    for (const size of [0, 1, MiB - 1, MiB, MiB + 1, 5 * MiB + 12_345]) {
      const body = randomBytes(size);
      writeFileSync(path.join(root, `f${size}`), body);
      const parts: Buffer[] = [];
      for await (const chunk of await storage.readChunks(`f${size}`)) {
        const copy = Buffer.from(chunk);
        // Nothing may land in this chunk until the caller asks for the next one.
        await new Promise((resolve) => setTimeout(resolve, 2));
        expect(chunk.equals(copy)).toBe(true);
        parts.push(copy);
      }
      expect(Buffer.concat(parts).equals(body), `size ${size}`).toBe(true);
    }
  });

  it('reads bytes appended after a short read, as a reader with one buffer did', async () => {
    const root = folder();
    const file = path.join(root, 'growing');
    writeFileSync(file, 'a'.repeat(100));
    const parts: Buffer[] = [];
    let appended = false;
    for await (const chunk of await new LocalStorage(root).readChunks('growing')) {
      parts.push(Buffer.from(chunk));
      if (!appended) {
        appendFileSync(file, 'b'.repeat(50));
        appended = true;
      }
    }
    expect(Buffer.concat(parts).toString()).toBe('a'.repeat(100) + 'b'.repeat(50));
  });

  it('lets the event loop turn while it reads a long file (a timer or a worker message is not held until the end)', async () => {
    const root = folder();
    writeFileSync(path.join(root, 'long'), Buffer.alloc(40 * MiB, 0x61));
    let turns = 0;
    let turnedAt = -1;
    let read = 0;
    const tick = (): void => {
      turns++;
      if (turnedAt < 0) turnedAt = read;
    };
    for await (const chunk of await new LocalStorage(root).readChunks('long')) {
      // Asked for once the reading has begun (opening the file turns the loop by itself).
      if (read === 0) setImmediate(tick);
      read += chunk.length;
    }
    expect(read).toBe(40 * MiB);
    expect(turns).toBe(1);
    // The loop turned well before the end of the file, not only after it.
    expect(turnedAt).toBeGreaterThan(MiB);
    expect(turnedAt).toBeLessThan(40 * MiB);
  });

  it('closes the file when the caller stops after the first chunk', async () => {
    const root = folder();
    const file = path.join(root, 'big');
    writeFileSync(file, randomBytes(4 * MiB));
    for await (const chunk of await new LocalStorage(root).readChunks('big')) {
      expect(chunk.length).toBe(MiB);
      expect(await openCount(file)).toBe(1);
      break;
    }
    expect(await openCount(file)).toBe(0);
  });
});
