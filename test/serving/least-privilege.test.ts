/**
 * @module The server's own entry point in image mode (MPM_IMAGE_USER set, started as root), without Docker: it gives
 * the capture folder to the image user, drops root before it listens or reads the model, says so in one log line,
 * and a capture folder it may not re-own is an error naming it while the server serves on. test/e2e/containers.test.ts runs the
 * image itself the same way.
 */
import { spawn } from 'node:child_process';
import { chmod, lstat, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_MODEL_DIR, REPO_ROOT } from './helpers/fixtures.ts';

const isRoot = process.getuid?.() === 0;
const scratch: string[] = [];
const children: Array<ReturnType<typeof spawn>> = [];
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  for (const d of scratch.splice(0)) await rm(d, { recursive: true, force: true });
});

/** Starts serving/server.ts as root with the image's MPM_IMAGE_USER; collects its JSON log lines. */
function startImageMode(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'serving/server.ts', 'serve'], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: '/nonexistent', MPM_BIND_HOST: '127.0.0.1', SAGEMAKER_BIND_TO_PORT: '0', MPM_IMAGE_USER: '10001:10002', SM_MODEL_DIR: DEMO_MODEL_DIR, ...env },
  });
  children.push(child);
  const logs: Array<Record<string, unknown>> = [];
  let buffered = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines) if (line.trim()) logs.push(JSON.parse(line) as Record<string, unknown>);
  });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const waitFor = async (msg: string): Promise<Record<string, unknown>> => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const found = logs.find((l) => l.msg === msg);
      if (found) return found;
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`no "${msg}" log (exit ${child.exitCode}): ${JSON.stringify(logs)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  return { child, logs, exit, waitFor };
}

const platformRoot = async (): Promise<string> => {
  const root = await mkdtemp(join(tmpdir(), 'mpm-serve-image-mode-'));
  scratch.push(root);
  await chmod(root, 0o755);
  return root;
};
const ownerOf = async (p: string) => {
  const s = await lstat(p);
  return `${s.uid}:${s.gid}`;
};
const privilegeLines = (logs: Array<Record<string, unknown>>) => logs.map((l) => String(l.msg)).filter((m) => /^(dropped root|running as)/.test(m));

describe.skipIf(!isRoot)(`mpm-serve in image mode (needs root${isRoot ? '' : ': skipped, not root'})`, () => {
  it('gives the capture folder to the image user, drops root before listening, and captures as that user', async () => {
    const capture = join(await platformRoot(), 'capture');
    const s = startImageMode({ MPM_CAPTURE_DIR: capture, MPM_CAPTURE_FLUSH_MS: '50' });
    const url = String((await s.waitFor('listening')).url);
    await s.waitFor('model loaded');
    expect(privilegeLines(s.logs)).toEqual([`dropped root: running as uid 10001 gid 10002; written folders: ${capture} (created)`]);
    const status = await readFile(`/proc/${s.child.pid}/status`, 'utf8');
    expect(/^Uid:\s*(.*)$/m.exec(status)?.[1]?.split(/\s+/)).toEqual(['10001', '10001', '10001', '10001']);
    expect(/^CapEff:\s*(.*)$/m.exec(status)?.[1]).toBe('0000000000000000');
    const res = await fetch(`${url}/invocations`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: '2596,51,3,258,0,510,221,232,148,6279' + ',0'.repeat(44) });
    expect(res.status, await res.clone().text()).toBe(200);
    s.child.kill('SIGTERM');
    expect(await s.exit).toBe(0);
    expect(await ownerOf(capture)).toBe('10001:10002');
    const files = (await readdir(capture, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
    expect(files).toHaveLength(1);
    expect(await ownerOf(files[0]!)).toBe('10001:10002');
    expect(await ownerOf(join(capture, '..'))).toBe('0:0');
  });

  it('a capture folder it may not re-own (an existing folder outside /opt/ml) is logged naming MPM_CAPTURE_DIR, and it serves on', async () => {
    const capture = join(await platformRoot(), 'capture');
    await mkdir(capture, { mode: 0o755 });
    const s = startImageMode({ MPM_CAPTURE_DIR: capture, MPM_CAPTURE_FLUSH_MS: '50' });
    const url = String((await s.waitFor('listening')).url);
    await s.waitFor('model loaded');
    expect(privilegeLines(s.logs)).toEqual([`dropped root: running as uid 10001 gid 10002; written folders: ${capture} (refused: it is not below /opt/ml and was not created here)`]);
    const error = s.logs.find((l) => l.level === 50 && String(l.msg).startsWith('capture: output: MPM_CAPTURE_DIR folder'));
    expect(String(error?.msg)).toMatch(new RegExp(`^capture: output: MPM_CAPTURE_DIR folder "${capture}" cannot be written by uid 10001 gid 10002 \\(EACCES`));
    expect(String(error?.msg)).toContain('it was not made writable: it is not below /opt/ml and was not created here');
    expect((await fetch(`${url}/ping`)).status).toBe(200);
    s.child.kill('SIGTERM');
    expect(await s.exit).toBe(0);
    expect(await ownerOf(capture)).toBe('0:0');
    expect(await readdir(capture)).toEqual([]);
  });

  it('MPM_RUN_AS_ROOT=true serves as root and re-owns nothing', async () => {
    const capture = join(await platformRoot(), 'capture');
    const s = startImageMode({ MPM_CAPTURE_DIR: capture, MPM_RUN_AS_ROOT: 'true' });
    await s.waitFor('model loaded');
    expect(privilegeLines(s.logs)).toEqual(['running as root: MPM_RUN_AS_ROOT=true (the image user 10001:10002 is not used)']);
    s.child.kill('SIGTERM');
    expect(await s.exit).toBe(0);
    expect(await ownerOf(capture)).toBe('0:0');
  });
});
