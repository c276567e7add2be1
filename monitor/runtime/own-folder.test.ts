import { chmod, chown, lstat, mkdir, mkdtemp, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isWithin, ownFolder, refusalOf } from './own-folder.ts';

const USER = { uid: 10001, gid: 10002 };
const isRoot = process.getuid?.() === 0;
const scratch: string[] = [];
afterEach(async () => {
  for (const d of scratch.splice(0)) await rm(d, { recursive: true, force: true });
});

/** A platform root like /opt/ml: a fresh folder, root-owned 0755, with root-owned 0755 folders below it. */
async function platform(...folders: string[]): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'mpm-own-folder-'));
  scratch.push(root);
  await chmod(root, 0o755);
  for (const f of folders) {
    await mkdir(path.join(root, f), { recursive: true, mode: 0o755 });
    await chmod(path.join(root, f), 0o755);
  }
  return root;
}
const owner = async (p: string) => {
  const s = await lstat(p);
  return { uid: s.uid, gid: s.gid, mode: (s.mode & 0o7777).toString(8) };
};

describe('the lexical guards', () => {
  it('refuses /, kernel file systems and anything equal to, inside or holding an input', () => {
    expect(refusalOf('/', [])).toBe('it is the root folder');
    expect(refusalOf('/proc/x', [])).toMatch(/below \/proc, a kernel file system/);
    expect(refusalOf('/sys', [])).toMatch(/below \/sys/);
    expect(refusalOf('/dev/shm/out', [])).toMatch(/below \/dev/);
    expect(refusalOf('/opt/ml/processing/input', ['/opt/ml/processing/input'])).toBe('it is an input (/opt/ml/processing/input)');
    expect(refusalOf('/opt/ml/processing/input/endpoint/out', ['/opt/ml/processing/input/endpoint'])).toMatch(/inside the input/);
    expect(refusalOf('/opt/ml/processing', ['/opt/ml/processing/input/endpoint'])).toMatch(/holds the input/);
    expect(refusalOf('/opt/ml/processing/output', ['/opt/ml/processing/input/endpoint', '/opt/ml/config/processingjobconfig.json'])).toBeUndefined();
    // Prefixes are compared by whole path parts.
    expect(isWithin('/procfs', '/proc')).toBe(false);
    expect(refusalOf('/opt/ml/processing/output2', ['/opt/ml/processing/output'])).toBeUndefined();
  });
});

describe.skipIf(!isRoot)(`ownFolder (needs root to change owners${isRoot ? '' : ': skipped, not root'})`, () => {
  it('gives a root-owned 0755 folder below the platform root to the user, and nothing inside it', async () => {
    const root = await platform('processing/output');
    const out = path.join(root, 'processing/output');
    await mkdir(path.join(out, 'old'));
    await writeFile(path.join(out, 'old/file'), 'x');
    const result = await ownFolder(out, { ...USER, platformRoot: root });
    expect(result).toEqual({ action: 'owned', folder: out, created: false, previous: { uid: 0, gid: 0, mode: 0o755 } });
    expect(await owner(out)).toEqual({ ...USER, mode: '755' });
    expect(await owner(path.join(out, 'old'))).toMatchObject({ uid: 0, gid: 0 });
    expect(await owner(path.join(out, 'old/file'))).toMatchObject({ uid: 0, gid: 0 });
    expect(await owner(path.join(root, 'processing'))).toMatchObject({ uid: 0, gid: 0 });
    expect(await ownFolder(out, { ...USER, platformRoot: root })).toEqual({ action: 'already', folder: out });
  });

  it('adds owner rwx to a folder without it (0555 -> 0755)', async () => {
    const root = await platform('output');
    await chmod(path.join(root, 'output'), 0o555);
    expect(await ownFolder(path.join(root, 'output'), { ...USER, platformRoot: root })).toMatchObject({ action: 'owned' });
    expect(await owner(path.join(root, 'output'))).toEqual({ ...USER, mode: '755' });
  });

  it('creates a missing folder one level at a time: the folder is the user\'s, its new parents stay root\'s', async () => {
    const root = await platform('output');
    const leaf = path.join(root, 'output/metrics/cloudwatch');
    expect(await ownFolder(leaf, { ...USER, platformRoot: root })).toMatchObject({ action: 'owned', created: true });
    expect(await owner(leaf)).toMatchObject(USER);
    expect(await owner(path.join(root, 'output/metrics'))).toMatchObject({ uid: 0, gid: 0, mode: '755' });
    expect(await owner(path.join(root, 'output'))).toMatchObject({ uid: 0, gid: 0 });
  });

  it('outside the platform root: re-owns only a folder it created itself', async () => {
    const root = await platform('ml');
    const existing = await platform('out');
    expect(await ownFolder(path.join(existing, 'out'), { ...USER, platformRoot: path.join(root, 'ml') })).toMatchObject({
      action: 'refused',
      reason: `it is not below ${path.join(root, 'ml')} and was not created here`,
    });
    expect(await owner(path.join(existing, 'out'))).toMatchObject({ uid: 0, gid: 0 });
    const created = path.join(existing, 'new/out');
    expect(await ownFolder(created, { ...USER, platformRoot: path.join(root, 'ml') })).toMatchObject({ action: 'owned', created: true });
    expect(await owner(created)).toMatchObject(USER);
    // The platform root itself is never re-owned.
    expect(await ownFolder(path.join(root, 'ml'), { ...USER, platformRoot: path.join(root, 'ml') })).toMatchObject({ action: 'refused' });
  });

  it('never goes through a symbolic link: neither a linked folder nor a folder below a link', async () => {
    const root = await platform('output', 'elsewhere/target');
    await symlink(path.join(root, 'elsewhere'), path.join(root, 'linked'));
    await symlink(path.join(root, 'elsewhere/target'), path.join(root, 'output/leaf'));
    expect(await ownFolder(path.join(root, 'linked/target'), { ...USER, platformRoot: root })).toMatchObject({
      action: 'refused',
      reason: `${path.join(root, 'linked')} is a symbolic link (never followed)`,
    });
    expect(await ownFolder(path.join(root, 'output/leaf'), { ...USER, platformRoot: root })).toMatchObject({ action: 'refused' });
    expect(await ownFolder(path.join(root, 'linked/new'), { ...USER, platformRoot: root })).toMatchObject({ action: 'refused' });
    expect(await owner(path.join(root, 'elsewhere/target'))).toMatchObject({ uid: 0, gid: 0 });
    await expect(stat(path.join(root, 'elsewhere/new'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('never touches an input, a folder holding one, /proc or /', async () => {
    const root = await platform('processing/input/endpoint', 'config');
    await writeFile(path.join(root, 'config/processingjobconfig.json'), '{}');
    const inputs = [path.join(root, 'processing/input/endpoint'), path.join(root, 'config/processingjobconfig.json')];
    for (const folder of [inputs[0]!, path.join(root, 'processing'), path.join(root, 'config'), path.join(inputs[0]!, 'out')]) {
      expect(await ownFolder(folder, { ...USER, platformRoot: root, inputs })).toMatchObject({ action: 'refused' });
    }
    await expect(stat(path.join(inputs[0]!, 'out'))).rejects.toMatchObject({ code: 'ENOENT' });
    for (const p of [root, path.join(root, 'processing'), inputs[0]!, path.join(root, 'config')]) expect(await owner(p)).toMatchObject({ uid: 0, gid: 0 });
    const t0 = Date.now();
    expect(await ownFolder('/proc/mpm-no-such/out', { ...USER, platformRoot: '/proc' })).toMatchObject({ action: 'refused' });
    expect(await ownFolder('/', { ...USER, platformRoot: '/' })).toMatchObject({ action: 'refused', reason: 'it is the root folder' });
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it('fails (without throwing) on a file in the way', async () => {
    const root = await platform('output');
    await writeFile(path.join(root, 'output/file'), 'x');
    expect(await ownFolder(path.join(root, 'output/file'), { ...USER, platformRoot: root })).toMatchObject({ action: 'failed', reason: `${path.join(root, 'output/file')} is not a folder` });
    expect(await ownFolder(path.join(root, 'output/file/sub'), { ...USER, platformRoot: root })).toMatchObject({ action: 'failed' });
  });

  it('leaves a folder that already has an owner other than root alone when it is the user\'s', async () => {
    const root = await platform('output');
    await chown(path.join(root, 'output'), USER.uid, USER.gid);
    expect(await ownFolder(path.join(root, 'output'), { ...USER, platformRoot: root })).toEqual({ action: 'already', folder: path.join(root, 'output') });
  });
});
