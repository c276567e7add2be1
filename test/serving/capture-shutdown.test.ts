/**
 * Capture in the real server process: SIGTERM in the middle of load from 8 connections loses no line of an answered
 * request (the capture file is kept open; shutdown drains the requests, then writes and closes it); and capture works
 * in a root-owned capture folder the server (not root) may write to, creating the folders below it.
 */

import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { Agent, request } from 'node:http';
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_MODEL_DIR, REPO_ROOT, readXGBoostCase, XGBOOST_FIXTURES } from './helpers/fixtures.ts';

interface Served {
  child: ChildProcessWithoutNullStreams;
  logs: Record<string, unknown>[];
  stderr: string[];
  exit: Promise<number | null>;
}

const started: Served[] = [];
const scratch: string[] = [];
afterEach(async () => {
  for (const s of started.splice(0)) if (s.child.exitCode === null) s.child.kill('SIGKILL');
  for (const d of scratch.splice(0)) await rm(d, { recursive: true, force: true });
});

/** Spawns `mpm-serve serve`; `asUser` runs it as that uid/gid through setpriv. */
function serve(env: Record<string, string>, asUser?: number): Served {
  const command = [process.execPath, '--import', 'tsx', 'serving/server.ts', 'serve'];
  const argv = asUser === undefined ? command : ['setpriv', `--reuid=${asUser}`, `--regid=${asUser}`, '--clear-groups', '--', ...command];
  const child = spawn(argv[0]!, argv.slice(1), {
    cwd: REPO_ROOT,
    env: { PATH: process.env['PATH'] ?? '', SM_MODEL_DIR: DEMO_MODEL_DIR, MPM_BIND_HOST: '127.0.0.1', SAGEMAKER_BIND_TO_PORT: '0', ...env },
  });
  const logs: Record<string, unknown>[] = [];
  const stderr: string[] = [];
  let buffered = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines) if (line.trim()) logs.push(JSON.parse(line));
  });
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const served = { child, logs, stderr, exit };
  started.push(served);
  return served;
}

async function waitForLog(s: Served, msg: string, timeoutMs = 30_000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = s.logs.find((l) => l['msg'] === msg);
    if (found) return found;
    if (s.child.exitCode !== null) throw new Error(`server exited ${s.child.exitCode}: ${s.stderr.join('')} ${JSON.stringify(s.logs)}`);
    if (Date.now() > deadline) throw new Error(`no "${msg}" log within ${timeoutMs} ms: ${JSON.stringify(s.logs)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const demo = readXGBoostCase(`${XGBOOST_FIXTURES}/demo-covertype`, 'demo-covertype');
/** A JSON body of `n` demo records starting at row `from`: outputs differ from request to request. */
const bodyOf = (from: number, n: number) =>
  JSON.stringify(demo.rows.slice(from, from + n).map((r) => Object.fromEntries(demo.featureNames!.map((name, i) => [name, r[i]]))));

function post(agent: Agent, port: number, body: string, inferenceId: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/invocations',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-amzn-sagemaker-inference-id': inferenceId },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Every capture line under dir, parsed; fails on a line that is not whole JSON. */
async function capturedLines(dir: string): Promise<{ file: string; line: Record<string, any> }[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const out: { file: string; line: Record<string, any> }[] = [];
  for (const e of entries.filter((x) => x.isFile()).map((x) => join(x.parentPath, x.name)).sort()) {
    const text = await readFile(e, 'utf8');
    expect(text.endsWith('\n'), e).toBe(true);
    for (const line of text.slice(0, -1).split('\n')) out.push({ file: e, line: JSON.parse(line) });
  }
  return out;
}

describe('capture under load', () => {
  it.each(['true', 'false'])('loses no line of an answered request when SIGTERM comes in the middle of load from 8 connections (MPM_CAPTURE_THREAD=%s)', async (thread) => {
    const captureDir = await mkdtemp(join(tmpdir(), 'mpm-capture-load-'));
    scratch.push(captureDir);
    // Small files, so rotation (closing one open file, opening the next) happens during the load too.
    const s = serve({ MPM_CAPTURE_DIR: captureDir, MPM_CAPTURE_ROTATE_BYTES: '150000', MPM_LOG_LEVEL: 'info', MPM_CAPTURE_THREAD: thread });
    const listening = await waitForLog(s, 'listening');
    expect(listening['captureThread']).toBe(thread === 'true');
    const { port } = new URL(String(listening['url']));
    await waitForLog(s, 'model loaded');

    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    const answered = new Map<string, string>();
    const failed: string[] = [];
    let sent = 0;
    const connection = async (c: number) => {
      for (let i = 0; ; i++) {
        const id = `c${c}-${i}`;
        sent++;
        try {
          const r = await post(agent, Number(port), bodyOf((c * 7 + i) % 190, 1 + (i % 5)), id);
          if (r.status === 200) answered.set(id, r.text);
          else failed.push(`${id}: ${r.status}`);
        } catch {
          return; // the server has stopped accepting: this connection is done
        }
      }
    };
    const load = Promise.all(Array.from({ length: 8 }, (_, c) => connection(c)));
    while (answered.size < 300) {
      if (s.child.exitCode !== null) throw new Error(`server exited early: ${s.stderr.join('')}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    s.child.kill('SIGTERM');
    await load;
    agent.destroy();
    expect(await s.exit).toBe(0);
    expect(failed).toEqual([]);

    const lines = await capturedLines(captureDir);
    const byId = new Map<string, Record<string, any>>();
    for (const { line } of lines) {
      const id = line['eventMetadata'].inferenceId as string;
      expect(byId.has(id), `line ${id} written twice`).toBe(false);
      byId.set(id, line);
    }
    const missing = [...answered.keys()].filter((id) => !byId.has(id));
    expect(missing).toEqual([]);
    for (const [id, text] of answered) expect(byId.get(id)!['captureData'].endpointOutput.data).toBe(text);
    // Captured but unanswered can only be requests cut off by the shutdown, never more than were sent.
    expect(lines.length).toBeLessThanOrEqual(sent);
    expect(new Set(lines.map((l) => l.file)).size).toBeGreaterThan(1);
    expect(s.logs.filter((l) => String(l['msg']).startsWith('capture:'))).toEqual([]);
  }, 120_000);
});

const canDropPrivileges = process.getuid?.() === 0 && spawnSync('setpriv', ['--version']).status === 0;
const NOBODY = 65534;

describe.runIf(canDropPrivileges)('capture in a root-owned folder, server not root', () => {
  async function rootOwnedFolder(mode: number): Promise<string> {
    const base = await mkdtemp(join(tmpdir(), 'mpm-capture-owned-'));
    scratch.push(base);
    await chmod(base, 0o755);
    const folder = join(base, 'capture');
    await mkdir(folder);
    await chmod(folder, mode);
    return folder;
  }

  async function invokeAndStop(s: Served, n: number): Promise<void> {
    const { port } = new URL(String((await waitForLog(s, 'listening'))['url']));
    await waitForLog(s, 'model loaded');
    const agent = new Agent({ keepAlive: false });
    for (let i = 0; i < n; i++) expect((await post(agent, Number(port), bodyOf(i, 2), `r${i}`)).status).toBe(200);
    s.child.kill('SIGTERM');
    expect(await s.exit).toBe(0);
  }

  it('creates the folders below a root-owned capture folder made writable for it, and writes its files there', async () => {
    const folder = await rootOwnedFolder(0o1777);
    const captureDir = join(folder, 'not', 'created', 'yet');
    const s = serve({ MPM_CAPTURE_DIR: captureDir }, NOBODY);
    await invokeAndStop(s, 3);
    const lines = await capturedLines(captureDir);
    expect(lines.map((l) => l.line['eventMetadata'].inferenceId)).toEqual(['r0', 'r1', 'r2']);
    expect((await stat(lines[0]!.file)).uid).toBe(NOBODY);
    expect((await stat(folder)).uid).toBe(0);
    expect(s.logs.filter((l) => String(l['msg']).startsWith('capture:'))).toEqual([]);
  }, 60_000);

  it('says at startup when the capture folder is not writable, keeps serving, and logs the dropped lines', async () => {
    const folder = await rootOwnedFolder(0o755);
    const s = serve({ MPM_CAPTURE_DIR: folder }, NOBODY);
    await waitForLog(s, 'capture: the capture folder is not writable; captured lines will be dropped until it is');
    await invokeAndStop(s, 2);
    expect(await readdir(folder)).toEqual([]);
    const failures = s.logs.filter((l) => l['msg'] === 'capture: write failed; lines dropped');
    expect(failures.length).toBeGreaterThan(0);
    expect(failures.map((l) => (l['err'] as { code: string }).code)).toEqual(failures.map(() => 'EACCES'));
  }, 60_000);
});
