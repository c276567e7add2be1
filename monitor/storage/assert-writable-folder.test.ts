/**
 * @module The check of a local output_path before any input is read: a folder it cannot create is an OutputError
 * (exit 4) naming the variable and the path, and a path below /proc fails at once (Node's recursive mkdir, used here
 * before, never returned on one).
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OutputError } from '../errors.ts';
import { assertWritableFolder } from './local.ts';

const scratch: string[] = [];
afterAll(async () => {
  for (const d of scratch) await rm(d, { recursive: true, force: true });
});

describe('assertWritableFolder', () => {
  it('creates a missing output folder with its parents', async () => {
    const d = await mkdtemp(path.join(tmpdir(), 'mpm-writable-'));
    scratch.push(d);
    await assertWritableFolder(path.join(d, 'a/b'), 'output_path');
    expect((await stat(path.join(d, 'a/b'))).isDirectory()).toBe(true);
  });

  it.runIf(process.platform === 'linux')('ends at once with exit 4 naming output_path for a folder below /proc', async () => {
    const t0 = Date.now();
    const error = await assertWritableFolder('/proc/mpm-no-such/out', 'output_path').catch((e: unknown) => e);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(error).toBeInstanceOf(OutputError);
    expect((error as OutputError).exitCode).toBe(4);
    expect((error as Error).message).toMatch(/^output: output_path "\/proc\/mpm-no-such\/out" is not a writable folder \(ENOENT/);
  });
});
