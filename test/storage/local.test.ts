/**
 * @module LocalStorage against the shared storage contract, on fresh temporary folders.
 */
import { execFileSync } from 'node:child_process';
import { link, mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { walkFiles } from '../../monitor/ingest/walk.ts';
import { LocalStorage } from '../../monitor/storage/local.ts';
import { describeStorageContract } from '../contracts/storage.contract.ts';

const roots: string[] = [];

afterAll(async () => {
  await Promise.all(roots.map((root) => rm(root, { recursive: true, force: true })));
});

describeStorageContract('LocalStorage', () => ({
  async open() {
    const root = await mkdtemp(path.join(tmpdir(), 'mpm-local-contract-'));
    roots.push(root);
    return new LocalStorage(root);
  },
  async seed(storage, rel, body) {
    const file = path.join(storage.location, ...rel.split('/'));
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, body);
  },
}));

// Issue 14, item 6: a link loop read one file 41 times, two loops walked forever, a link to /etc/passwd was read.
describe('LocalStorage and the walk, with links and special files', () => {
  async function tree(): Promise<{ root: string; outside: string }> {
    const root = await mkdtemp(path.join(tmpdir(), 'mpm-local-links-'));
    const outside = await mkdtemp(path.join(tmpdir(), 'mpm-local-outside-'));
    roots.push(root, outside);
    await mkdir(path.join(root, 'data/a/b'), { recursive: true });
    await writeFile(path.join(root, 'data/a/b/one.jsonl'), '{}\n');
    await writeFile(path.join(outside, 'secret.jsonl'), 'secret\n');
    await mkdir(path.join(outside, 'dir'));
    await symlink('..', path.join(root, 'data/a/b/up'));
    await symlink(path.join(root, 'data'), path.join(root, 'data/a/loop'));
    await link(path.join(root, 'data/a/b/one.jsonl'), path.join(root, 'data/a/b/two.jsonl'));
    await symlink(path.join(root, 'data/a/b/one.jsonl'), path.join(root, 'data/a/b/three.jsonl'));
    await symlink(path.join(outside, 'secret.jsonl'), path.join(root, 'data/a/b/secret.jsonl'));
    await symlink(path.join(outside, 'dir'), path.join(root, 'data/a/outdir'));
    await symlink(path.join(root, 'missing'), path.join(root, 'data/a/b/dangling.jsonl'));
    execFileSync('mkfifo', [path.join(root, 'data/a/b/pipe.jsonl')]);
    return { root, outside };
  }

  it('lists only regular files and folders, follows links only inside the root, and says why the rest are left out', async () => {
    const { root } = await tree();
    const listing = await new LocalStorage(path.join(root, 'data')).listChildren('a/b');
    expect(listing.dirs).toEqual(['a/b/up']);
    expect(listing.files.map((f) => f.path)).toEqual(['a/b/one.jsonl', 'a/b/three.jsonl', 'a/b/two.jsonl']);
    expect(listing.skipped).toEqual([
      { path: 'a/b/dangling.jsonl', why: 'broken_link' },
      { path: 'a/b/pipe.jsonl', why: 'not_a_regular_file' },
      { path: 'a/b/secret.jsonl', why: 'link_outside_tree' },
    ]);
    const ids = listing.identities!;
    expect(ids.get('a/b/one.jsonl')).toBe(ids.get('a/b/two.jsonl'));
    expect(ids.get('a/b/one.jsonl')).toBe(ids.get('a/b/three.jsonl'));
  });

  it('walks each file and folder once through loops, links and hard links, and ends', async () => {
    const { root } = await tree();
    const skipped: string[] = [];
    const files: string[] = [];
    const storage = new LocalStorage(path.join(root, 'data'));
    for await (const f of walkFiles(storage, '', { accept: () => true, onSkipped: (p, why) => skipped.push(`${why} ${p}`) })) files.push(f.path);
    expect(files).toEqual(['a/b/one.jsonl']);
    expect(skipped.sort()).toEqual([
      'already_read a/b/three.jsonl',
      'already_read a/b/two.jsonl',
      'already_read a/b/up',
      'already_read a/loop',
      'broken_link a/b/dangling.jsonl',
      'link_outside_tree a/b/secret.jsonl',
      'link_outside_tree a/outdir',
      'not_a_regular_file a/b/pipe.jsonl',
    ]);
  });

  it('lists a file or folder past PATH_MAX as what it is, so reading it fails naming it (it was a "broken link")', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'mpm-local-deep-'));
    // Removed by rm -rf, which walks by relative steps: fs.rm's paths pass PATH_MAX here (ENAMETOOLONG).
    onTestFinished(() => void execFileSync('rm', ['-rf', root]));
    // 20 folders of 200 characters (built by relative steps: no call takes the whole path), then a file of 246
    // characters and a folder of 200: both paths pass Linux's PATH_MAX of 4096, the folder they are in does not.
    const dir = 'd'.repeat(200);
    const file = `${'f'.repeat(240)}.jsonl`;
    execFileSync('bash', ['-c', `cd "$1" && for i in $(seq 20); do mkdir "$2" && cd "$2"; done && echo '{}' > "$3" && mkdir "$2"`, '_', root, dir, file]);
    const parent = Array.from({ length: 20 }, () => dir).join('/');
    expect(path.join(root, parent).length).toBeLessThan(4096);
    const storage = new LocalStorage(root);
    const listing = await storage.listChildren(parent);
    expect(listing.skipped).toBeUndefined();
    expect(listing.files).toEqual([{ path: `${parent}/${file}`, size: 0 }]);
    expect(listing.dirs).toEqual([`${parent}/${dir}`]);
    await expect(storage.openRead(`${parent}/${file}`)).rejects.toThrow(/ENAMETOOLONG/);
    await expect(storage.listChildren(`${parent}/${dir}`)).rejects.toThrow(/^cannot list the folder .*d{200} \(ENAMETOOLONG\)/);
  });

  it('reads a root that is itself a link (a linked dataset_source), and refuses to open a FIFO', async () => {
    const { root } = await tree();
    await symlink(path.join(root, 'data'), path.join(root, 'linked'));
    const storage = new LocalStorage(path.join(root, 'linked'));
    expect((await storage.listChildren('a/b')).files.map((f) => f.path)).toEqual(['a/b/one.jsonl', 'a/b/three.jsonl', 'a/b/two.jsonl']);
    await expect(storage.openRead('a/b/pipe.jsonl')).rejects.toThrow('is not a regular file');
    await expect(storage.readFile('a/b/pipe.jsonl')).rejects.toThrow('is not a regular file');
  });
});
