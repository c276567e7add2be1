import { mkdtemp, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeFolder } from './make-folder.ts';

const scratch: string[] = [];
afterEach(async () => {
  for (const d of scratch.splice(0)) await rm(d, { recursive: true, force: true });
});
const tmp = async (): Promise<string> => {
  const d = await mkdtemp(path.join(tmpdir(), 'mpm-make-folder-'));
  scratch.push(d);
  return d;
};

describe('makeFolder', () => {
  it('creates the missing parents and says which it created, outermost first', async () => {
    const d = await tmp();
    expect(await makeFolder(path.join(d, 'a/b/c'))).toEqual([path.join(d, 'a'), path.join(d, 'a/b'), path.join(d, 'a/b/c')]);
    expect((await stat(path.join(d, 'a/b/c'))).isDirectory()).toBe(true);
    expect(await makeFolder(path.join(d, 'a/b/c'))).toEqual([]);
  });

  it("rejects with the system's error when a file is in the way, as Node's recursive mkdir does", async () => {
    const d = await tmp();
    await writeFile(path.join(d, 'file'), 'x');
    await expect(makeFolder(path.join(d, 'file/sub'))).rejects.toThrow(`ENOTDIR: not a directory, mkdir '${path.join(d, 'file/sub')}'`);
    await expect(makeFolder(path.join(d, 'file'))).rejects.toThrow(`EEXIST: file already exists, mkdir '${path.join(d, 'file')}'`);
  });

  it('rejects with ELOOP, not EEXIST, when the folder or one on its way is a symbolic-link loop', async () => {
    const d = await tmp();
    await symlink(path.join(d, 'loop'), path.join(d, 'loop'));
    await expect(makeFolder(path.join(d, 'loop'))).rejects.toMatchObject({ code: 'ELOOP' });
    await expect(makeFolder(path.join(d, 'loop/a/b'))).rejects.toMatchObject({ code: 'ELOOP' });
  });

  // Node's own mkdir(..., { recursive: true }) never settles on these paths (procfs answers ENOENT, the parent then
  // exists, and it retries for ever): the monitor used it for output_path and the message file's folder.
  it.runIf(process.platform === 'linux')('fails at once below /proc instead of spinning', async () => {
    for (const p of ['/proc/mpm-no-such/out', '/proc/mpm-no-such', '/proc/self/mpm-no-such/x']) {
      const t0 = Date.now();
      await expect(makeFolder(p)).rejects.toMatchObject({ code: expect.stringMatching(/^(ENOENT|EACCES|EPERM)$/) });
      expect(Date.now() - t0).toBeLessThan(2000);
    }
  });
});
