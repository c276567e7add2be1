/**
 * The capture writer keeps its file open: one descriptor per file across flushes, closed on rotation (by a line or by
 * the timer) and on close; lines recorded during a write join the next one, in order; folders are made when missing;
 * a write that stops half-way (a real EFBIG under a file-size limit) is cut back to whole lines.
 */

import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, readlink, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CaptureWriter, type CaptureWriterOptions } from '../../serving/capture/write-capture.ts';
import { REPO_ROOT } from './helpers/fixtures.ts';

let root: string;
beforeEach(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), 'mpm-capture-writer-')));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function listFiles(dir = root): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(root, join(e.parentPath, e.name))).sort();
}

/** Descriptors of this process open on files under `dir`, as paths relative to root. */
async function openFiles(dir = root): Promise<string[]> {
  const open: string[] = [];
  for (const fd of await readdir('/proc/self/fd')) {
    const target = await readlink(`/proc/self/fd/${fd}`).catch(() => '');
    if (target.startsWith(`${dir}/`)) open.push(relative(root, target));
  }
  return open.sort();
}

async function linesOf(file: string): Promise<Record<string, any>[]> {
  const text = await readFile(join(root, file), 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text.slice(0, -1).split('\n').map((l) => JSON.parse(l));
}

/** A writer on a clock the test moves. */
function writerOn(options: Partial<CaptureWriterOptions> = {}): { w: CaptureWriter; clock: { now: Date } } {
  const clock = { now: new Date('2026-03-01T08:15:30.042Z') };
  let id = 0;
  const w = new CaptureWriter({ root, flushIntervalMs: 0, clock: () => clock.now, uuid: () => `uuid-${++id}`, ...options });
  return { w, clock };
}

const sample = (i: number, bodyBytes = 20) => ({
  input: { contentType: 'application/json', body: Buffer.from(`[${'1'.repeat(bodyBytes)}]`) },
  output: { contentType: 'application/json', body: Buffer.from(`[{"payload_index":0,"score":${i}}]`) },
  inferenceId: String(i),
});

const hasProc = await stat('/proc/self/fd').then(
  () => true,
  () => false,
);

describe.runIf(hasProc).each([
  { escapeOnThread: false, name: 'bodies escaped on its own thread' },
  { escapeOnThread: true, name: 'bodies escaped on the escaping thread' },
])('CaptureWriter keeps its file open ($name)', ({ escapeOnThread }) => {
  const writer = (options: Partial<CaptureWriterOptions> = {}) => writerOn({ escapeOnThread, ...options });

  it('writes every flush to one open file, in order, and closes it on close()', async () => {
    const { w } = writer({ flushBytes: 1 });
    for (let i = 0; i < 50; i++) {
      w.record(sample(i));
      if (i % 7 === 0) await w.flush();
    }
    await w.flush();
    const files = await listFiles();
    expect(files).toEqual(['local-endpoint/AllTraffic/2026/03/01/08/15-30-042-uuid-1.jsonl']);
    expect(await openFiles()).toEqual(files);
    expect((await linesOf(files[0]!)).map((l) => l['eventMetadata'].inferenceId)).toEqual(Array.from({ length: 50 }, (_, i) => String(i)));
    await w.close();
    expect(await openFiles()).toEqual([]);
  });

  it('lets lines recorded while a write runs join the next write, whole and in order, and frees the memory', async () => {
    const { w } = writer({ flushBytes: 1 });
    for (let i = 0; i < 2000; i++) {
      w.record(sample(i, i % 50));
      if (i % 100 === 0) await new Promise((r) => setImmediate(r));
    }
    await w.close();
    const [file] = await listFiles();
    expect((await linesOf(file!)).map((l) => Number(l['eventMetadata'].inferenceId))).toEqual(Array.from({ length: 2000 }, (_, i) => i));
    expect(w.queuedBytes).toBe(0);
    expect(w.droppedLines).toBe(0);
  });

  it('closes the old file when a line rotates it by hour or by size, before the writer closes', async () => {
    const { w, clock } = writer({ rotateBytes: 600 });
    w.record(sample(0));
    clock.now = new Date('2026-03-01T09:00:00.500Z'); // new hour
    w.record(sample(1));
    await w.flush();
    expect(await openFiles()).toEqual(['local-endpoint/AllTraffic/2026/03/01/09/00-00-500-uuid-3.jsonl']);
    w.record(sample(2, 300)); // same file, now past rotateBytes
    w.record(sample(3)); // starts a new file
    await w.flush();
    expect(await listFiles()).toEqual([
      'local-endpoint/AllTraffic/2026/03/01/08/15-30-042-uuid-1.jsonl',
      'local-endpoint/AllTraffic/2026/03/01/09/00-00-500-uuid-3.jsonl',
      'local-endpoint/AllTraffic/2026/03/01/09/00-00-500-uuid-6.jsonl',
    ]);
    expect(await openFiles()).toEqual(['local-endpoint/AllTraffic/2026/03/01/09/00-00-500-uuid-6.jsonl']);
    const ids = await Promise.all((await listFiles()).map(async (f) => (await linesOf(f)).map((l) => l['eventMetadata'].inferenceId)));
    expect(ids).toEqual([['0'], ['1', '2'], ['3']]);
    await w.close();
    expect(await openFiles()).toEqual([]);
  });

  it('closes a file on the flush timer once it is due for rotation, even when no line comes', async () => {
    const { w, clock } = writer({ flushIntervalMs: 10, rotateAgeMs: 60_000 });
    w.record(sample(0));
    await vi.waitFor(async () => expect(await openFiles()).toHaveLength(1), { timeout: 5000, interval: 10 });
    clock.now = new Date(clock.now.getTime() + 60_000);
    await vi.waitFor(async () => expect(await openFiles()).toEqual([]), { timeout: 5000, interval: 10 });
    w.record(sample(1));
    await w.close();
    const files = await listFiles();
    expect(files).toEqual([
      'local-endpoint/AllTraffic/2026/03/01/08/15-30-042-uuid-1.jsonl',
      'local-endpoint/AllTraffic/2026/03/01/08/16-30-042-uuid-3.jsonl',
    ]);
    expect((await linesOf(files[0]!)).map((l) => l['eventMetadata'].inferenceId)).toEqual(['0']);
  });
});

const writer = writerOn;

describe('CaptureWriter folders', () => {
  it('creates the capture root and its folders when they do not exist', async () => {
    const { w } = writer({ root: join(root, 'not', 'yet', 'there') });
    await w.checkWritable();
    expect((await stat(join(root, 'not/yet/there/local-endpoint/AllTraffic'))).isDirectory()).toBe(true);
    w.record(sample(0));
    await w.close();
    expect(await listFiles()).toEqual(['not/yet/there/local-endpoint/AllTraffic/2026/03/01/08/15-30-042-uuid-1.jsonl']);
  });

  it('reports a capture root that cannot be created, and drops (counts) the lines, then writes once it can', async () => {
    await writeFile(join(root, 'blocker'), 'a file where a folder should be');
    const errors: string[] = [];
    const { w } = writer({ root: join(root, 'blocker', 'capture'), onError: (e) => errors.push((e as NodeJS.ErrnoException).code ?? '') });
    await expect(w.checkWritable()).rejects.toMatchObject({ code: 'ENOTDIR' });
    w.record(sample(0));
    await w.flush();
    expect([w.droppedLines, errors]).toEqual([1, ['ENOTDIR']]);
    await rm(join(root, 'blocker'));
    w.record(sample(1));
    await w.close();
    const [file] = await listFiles();
    expect((await linesOf(file!)).map((l) => l['eventMetadata'].inferenceId)).toEqual(['1']);
  });

  // Node's recursive mkdir never settles below /proc (procfs answers ENOENT, the parent exists, it retries for ever on
  // a thread-pool thread); the writer uses a bounded one.
  it.runIf(process.platform === 'linux')('reports a capture root below /proc at once', async () => {
    const { w } = writer({ root: '/proc/mpm-no-such/capture' });
    const t0 = Date.now();
    await expect(w.checkWritable()).rejects.toMatchObject({ code: 'ENOENT' });
    expect(Date.now() - t0).toBeLessThan(2000);
    await w.close();
  });
});

const hasPrlimit = spawnSync('prlimit', ['--version']).status === 0;

describe.runIf(hasPrlimit && hasProc)('a write that stops half-way', () => {
  // With the escaping thread, 800 bytes of quoted strings escape to about 1,200: the file's bytes are the escaped ones.
  it.each([
    { mode: 'own thread', args: ['1000'] },
    { mode: 'escaping thread', args: ['800', 'thread'] },
  ])('is cut back to the last whole line: under a file-size limit the file holds only whole lines ($mode)', async ({ args }) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/serving/helpers/capture-writer-child.ts', root, '10', ...args], { cwd: REPO_ROOT });
    const out = createInterface({ input: child.stdout });
    const lines: string[] = [];
    const next = () => new Promise<string>((resolve) => (lines.length ? resolve(lines.shift()!) : out.once('line', resolve)));
    const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    expect(await next()).toBe('ready');
    // Each line is about 1,280 bytes (1,480 escaped with the thread): three fit under 5,000, the fourth stops half-way.
    const limit = spawnSync('prlimit', [`--pid=${child.pid}`, '--fsize=5000:5000']);
    expect(limit.status, limit.stderr.toString()).toBe(0);
    child.stdin.write('go\n');
    const result = JSON.parse(await next());
    expect(await exit, stderr).toBe(0);
    const [file] = await listFiles();
    const text = await readFile(join(root, file!), 'utf8');
    const kept = text.slice(0, -1).split('\n');
    expect(text.endsWith('\n')).toBe(true);
    expect(kept.map((l) => JSON.parse(l).eventMetadata.inferenceId)).toEqual(['0', '1', '2']);
    expect(Buffer.byteLength(text)).toBeLessThan(5000);
    expect(Buffer.byteLength(text)).toBeGreaterThan(3 * 1000);
    expect(result).toMatchObject({ recorded: 10, dropped: 7 });
    expect(new Set(result.errors)).toEqual(new Set(['EFBIG']));
  });
});
