import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, lstat, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { applyLeastPrivilege, LeastPrivilegeError, missingCapabilities, parseImageUser, writtenFolders, type LeastPrivilegeRequest } from './least-privilege.ts';
import type { ChildReport } from '../../test/helpers/least-privilege-child.ts';

const REPO = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));
const isRoot = process.getuid?.() === 0;
const USER = '10001:10002';
const scratch: string[] = [];
afterEach(async () => {
  for (const d of scratch.splice(0)) await rm(d, { recursive: true, force: true });
});

describe('parseImageUser', () => {
  it('reads uid:gid and names the variable, the value and the form otherwise', () => {
    expect(parseImageUser('10001:10001')).toEqual({ uid: 10001, gid: 10001 });
    expect(parseImageUser(' 0:0 ')).toEqual({ uid: 0, gid: 0 });
    for (const bad of ['10001', 'mpm:mpm', '-1:0', '1:2:3', '99999999999:0', '']) {
      expect(() => parseImageUser(bad)).toThrow(`image: MPM_IMAGE_USER ${JSON.stringify(bad)} is not valid; expected uid:gid, e.g. 10001:10001`);
    }
  });
});

describe('writtenFolders', () => {
  it("takes a file's folder, keeps each folder once in order, and skips URIs and empty values", () => {
    expect(
      writtenFolders([
        { variable: 'output_path', value: '/opt/ml/processing/output/', kind: 'folder' },
        { variable: 'MPM_MESSAGE_FILE', value: '/opt/ml/output/message', kind: 'file' },
        { variable: 'CLOUDWATCH_METRICS_DIRECTORY', value: '/opt/ml/output/metrics/cloudwatch', kind: 'folder' },
        { variable: 'other', value: '/opt/ml/output', kind: 'folder' },
        { variable: 'store', value: 's3://bucket/prefix', kind: 'folder' },
        { variable: 'empty', value: ' ', kind: 'folder' },
      ]),
    ).toEqual([
      { variable: 'output_path', folder: '/opt/ml/processing/output' },
      { variable: 'MPM_MESSAGE_FILE', folder: '/opt/ml/output' },
      { variable: 'CLOUDWATCH_METRICS_DIRECTORY', folder: '/opt/ml/output/metrics/cloudwatch' },
    ]);
  });
});

describe('missingCapabilities', () => {
  it('reads CAP_CHOWN, CAP_SETGID and CAP_SETUID from the effective set', () => {
    expect(missingCapabilities('Name:\tnode\nCapEff:\t000001fffeffffff\n')).toEqual([]);
    expect(missingCapabilities('CapEff:\t0000000000000000\n')).toEqual(['CAP_CHOWN', 'CAP_SETGID', 'CAP_SETUID']);
    // Docker's default set without SETUID (bit 7): 0xa80425fb -> 0xa804257b.
    expect(missingCapabilities('CapEff:\t00000000a804257b\n')).toEqual(['CAP_SETUID']);
    expect(missingCapabilities('no such line')).toEqual([]);
  });
});

describe('applyLeastPrivilege outside the images', () => {
  it('does nothing without MPM_IMAGE_USER, not even a check', async () => {
    const outcome = await applyLeastPrivilege({
      written: [{ variable: 'output_path', value: '/proc/mpm-no-such/out', kind: 'folder' }],
      inputs: [],
      runAsRoot: false,
      imageUser: undefined,
    });
    expect(outcome).toEqual({ action: 'outside-image', summary: 'no MPM_IMAGE_USER: not in an mpm image, running as started', folders: [] });
  });

  it('rejects a malformed MPM_IMAGE_USER as a config error', async () => {
    const error = await applyLeastPrivilege({ written: [], inputs: [], runAsRoot: false, imageUser: 'mpm' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LeastPrivilegeError);
    expect(error).toMatchObject({ kind: 'config' });
  });
});

/** Runs the step in a child (setuid is for good), optionally started as another user or through setpriv. */
function runChild(request: LeastPrivilegeRequest, probe: string[], spawnAs?: { uid: number; gid: number }, prefix: string[] = []): Promise<ChildReport & { code: number | null; stderr: string }> {
  const argv = [...prefix, process.execPath, '--import', 'tsx', path.join(REPO, 'test/helpers/least-privilege-child.ts'), JSON.stringify({ request, probe })];
  const child = spawn(argv[0]!, argv.slice(1), { cwd: REPO, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/nonexistent' }, ...spawnAs });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      try {
        resolve({ ...(JSON.parse(stdout.trim().split('\n').at(-1)!) as ChildReport), code, stderr });
      } catch {
        reject(new Error(`child exited ${code} without a report: ${stdout}\n${stderr}`));
      }
    });
  });
}

/** A platform root (root-owned 0755, like SageMaker's mounts) with its written folders and an input folder. */
async function platform(): Promise<{ root: string; out: string; ml: string; input: string; config: string; request: (over?: Partial<LeastPrivilegeRequest>) => LeastPrivilegeRequest }> {
  const root = await mkdtemp(path.join(tmpdir(), 'mpm-least-privilege-'));
  scratch.push(root);
  const out = path.join(root, 'processing/output');
  const ml = path.join(root, 'output');
  const input = path.join(root, 'processing/input/endpoint');
  const config = path.join(root, 'config');
  for (const d of [root, out, ml, input, config]) {
    await mkdir(d, { recursive: true });
    await chmod(d, 0o755);
  }
  await chmod(path.join(root, 'processing'), 0o755);
  await chmod(path.join(root, 'processing/input'), 0o755);
  await writeFile(path.join(input, 'capture.jsonl'), '{}\n');
  await writeFile(path.join(config, 'processingjobconfig.json'), '{}');
  const request = (over: Partial<LeastPrivilegeRequest> = {}): LeastPrivilegeRequest => ({
    written: [
      { variable: 'output_path', value: out, kind: 'folder' },
      { variable: 'MPM_MESSAGE_FILE', value: path.join(ml, 'message'), kind: 'file' },
      { variable: 'CLOUDWATCH_METRICS_DIRECTORY', value: path.join(ml, 'metrics/cloudwatch'), kind: 'folder' },
    ],
    inputs: [input, path.join(config, 'processingjobconfig.json'), 's3://bucket/ground-truth'],
    runAsRoot: false,
    imageUser: USER,
    platformRoot: root,
    ...over,
  });
  return { root, out, ml, input, config, request };
}
const owner = async (p: string) => {
  const s = await lstat(p);
  return `${s.uid}:${s.gid} ${(s.mode & 0o7777).toString(8)}`;
};

describe.skipIf(!isRoot)(`applyLeastPrivilege in a child process (needs root${isRoot ? '' : ': skipped, not root'})`, () => {
  it('re-owns exactly the written folders, drops to the image user for good, and leaves the inputs alone', async () => {
    const p = await platform();
    const before = { input: await owner(p.input), file: await owner(path.join(p.input, 'capture.jsonl')), config: await owner(p.config) };
    const r = await runChild(p.request(), [p.out, p.ml, path.join(p.ml, 'metrics/cloudwatch'), p.input, p.config]);
    expect(r.error, r.stderr).toBeUndefined();
    expect(r.outcome).toMatchObject({ action: 'dropped', uid: 10001, gid: 10002 });
    expect(r.outcome!.summary).toMatch(/^dropped root: running as uid 10001 gid 10002; written folders: .*processing\/output \(was 0:0 0755\)/);
    // Real, effective, saved and filesystem ids; no supplementary groups; no capabilities left.
    expect(r.status).toEqual({ Uid: '10001 10001 10001 10001', Gid: '10002 10002 10002 10002', Groups: '', CapEff: '0000000000000000' });
    expect(r.probes).toEqual({ [p.out]: 'ok', [p.ml]: 'ok', [path.join(p.ml, 'metrics/cloudwatch')]: 'ok', [p.input]: 'EACCES', [p.config]: 'EACCES' });
    expect(await owner(p.out)).toBe('10001:10002 755');
    expect(await owner(p.ml)).toBe('10001:10002 755');
    expect(await owner(path.join(p.ml, 'metrics/cloudwatch'))).toBe('10001:10002 755');
    expect(await owner(path.join(p.ml, 'metrics'))).toBe('0:0 755'); // created on the way, left root's
    expect(await owner(path.join(p.out, 'probe.txt'))).toMatch(/^10001:10002 /);
    expect({ input: await owner(p.input), file: await owner(path.join(p.input, 'capture.jsonl')), config: await owner(p.config) }).toEqual(before);
    expect(await owner(p.root)).toBe('0:0 755');
    expect(await owner(path.join(p.root, 'processing'))).toBe('0:0 755');
  });

  it('started as a non-root user (docker run --user): changes nothing, and a root-owned folder is an output error naming it', async () => {
    const p = await platform();
    const r = await runChild(p.request({ runAsRoot: true }), [], { uid: 10001, gid: 10002 });
    expect(r.outcome).toBeUndefined();
    // The decision is reported before the check fails, so the log says it.
    expect(r.reported).toBe('running as uid 10001 gid 10002 as started (not root): no privilege drop, the written folders must be writable by this user; MPM_RUN_AS_ROOT=true has no effect');
    expect(r.error).toMatchObject({ name: 'LeastPrivilegeError', kind: 'output' });
    expect(r.error!.message).toMatch(new RegExp(`^output: output_path folder "${p.out}" cannot be written by uid 10001 gid 10002 \\(EACCES`));
    expect(r.status.Uid).toBe('10001 10001 10001 10001');
    expect(await owner(p.out)).toBe('0:0 755');
  });

  it('started as a non-root user whose folders are writable: runs as it is and says so', async () => {
    const p = await platform();
    await import('node:fs/promises').then(async (fs) => {
      for (const d of [p.out, p.ml]) await fs.chown(d, 10001, 10002);
    });
    const r = await runChild(p.request({ runAsRoot: true }), [p.out], { uid: 10001, gid: 10002 });
    expect(r.error, r.stderr).toBeUndefined();
    expect(r.outcome).toMatchObject({ action: 'as-started', uid: 10001, gid: 10002 });
    expect(r.outcome!.summary).toBe(
      'running as uid 10001 gid 10002 as started (not root): no privilege drop, the written folders must be writable by this user; MPM_RUN_AS_ROOT=true has no effect',
    );
    expect(r.probes).toEqual({ [p.out]: 'ok' });
    expect(existsSync(path.join(p.ml, 'metrics/cloudwatch'))).toBe(true); // created by the check, as the user
  });

  it('MPM_RUN_AS_ROOT=true keeps root and re-owns nothing', async () => {
    const p = await platform();
    const r = await runChild(p.request({ runAsRoot: true }), [p.out]);
    expect(r.error, r.stderr).toBeUndefined();
    expect(r.outcome).toMatchObject({ action: 'root', folders: [] });
    expect(r.outcome!.summary).toBe('running as root: MPM_RUN_AS_ROOT=true (the image user 10001:10002 is not used)');
    expect(r.status.Uid).toBe('0 0 0 0');
    expect(await owner(p.out)).toBe('0:0 755');
    expect(await owner(path.join(p.out, 'probe.txt'))).toMatch(/^0:0 /);
  });

  it('an image built as root (MPM_IMAGE_USER=0:0) stays root', async () => {
    const p = await platform();
    const r = await runChild(p.request({ imageUser: '0:0' }), []);
    expect(r.outcome).toMatchObject({ action: 'root', summary: 'running as root: the image user is root (MPM_IMAGE_USER=0:0)' });
    expect(await owner(p.out)).toBe('0:0 755');
  });

  it.runIf(existsSync('/usr/bin/setpriv'))('without CAP_SETUID (docker run --cap-drop SETUID) it stays root, touches nothing and says why', async () => {
    const p = await platform();
    const r = await runChild(p.request(), [p.out], undefined, ['setpriv', '--bounding-set', '-setuid', '--']);
    expect(r.error, r.stderr).toBeUndefined();
    expect(r.outcome).toMatchObject({ action: 'root', summary: 'running as root: cannot drop to 10001:10002, the container lacks CAP_SETUID' });
    expect(r.status.Uid).toBe('0 0 0 0');
    expect(await owner(p.out)).toBe('0:0 755');
  });

  it('a written folder it may not re-own (an input, a link, /proc) is an output error naming the setting, the path and why', async () => {
    const p = await platform();
    const linked = path.join(p.root, 'linked');
    await import('node:fs/promises').then((fs) => fs.symlink(p.out, linked));
    for (const [value, why] of [
      [p.input, `it is an input (${p.input})`],
      [path.join(linked, 'reports'), `${linked} is a symbolic link (never followed)`],
      ['/proc/mpm-no-such/out', 'it is below /proc, a kernel file system'],
    ] as const) {
      const t0 = Date.now();
      const r = await runChild(p.request({ written: [{ variable: 'output_path', value, kind: 'folder' }] }), []);
      expect(Date.now() - t0).toBeLessThan(20_000);
      expect(r.error).toMatchObject({ kind: 'output' });
      expect(r.error!.message).toContain(`output: output_path folder "${value}" cannot be written by uid 10001 gid 10002`);
      expect(r.error!.message).toContain(`it was not made writable: ${why}`);
    }
    expect(await owner(p.input)).toBe('0:0 755');
    expect(await readFile(path.join(p.input, 'capture.jsonl'), 'utf8')).toBe('{}\n');
    expect(existsSync(path.join(p.out, 'reports'))).toBe(false);
  });
});
