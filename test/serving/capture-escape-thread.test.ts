/**
 * The capture writer with its escaping thread (escape-thread.ts, escape-worker.ts) writes the same files, byte for
 * byte, as the writer that escapes on its own thread; when the thread dies mid-traffic, no line is lost; and a process
 * whose writer is closed exits by itself (the thread does not hold it).
 */

import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CaptureWriter, type CaptureRecord, type CaptureWriterOptions } from '../../serving/capture/write-capture.ts';
import { REPO_ROOT } from './helpers/fixtures.ts';

let root: string;
beforeEach(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), 'mpm-escape-thread-')));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Every file under `dir` with its bytes, by path relative to it. */
async function filesOf(dir: string): Promise<Map<string, Buffer>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = new Map<string, Buffer>();
  for (const e of entries.filter((e) => e.isFile()).sort((a, b) => join(a.parentPath, a.name).localeCompare(join(b.parentPath, b.name)))) {
    files.set(relative(dir, join(e.parentPath, e.name)), await readFile(join(e.parentPath, e.name)));
  }
  return files;
}

/** A writer on a clock and ids the test controls, so two writers given the same records write the same files. */
function writer(folder: string, options: Partial<CaptureWriterOptions>) {
  const clock = { now: new Date('2026-03-01T08:59:58.042Z') };
  let id = 0;
  const w = new CaptureWriter({ root: join(root, folder), flushIntervalMs: 0, clock: () => clock.now, uuid: () => `uuid-${++id}`, ...options });
  return { w, clock };
}

/** Records of every kind of body: JSON records (many quotes), invalid UTF-8, controls, a body larger than a chunk, CSV, BASE64, strings. */
function recordOf(i: number): CaptureRecord {
  const records = JSON.stringify(Array.from({ length: 1 + (i % 60) }, (_, k) => ({ Elevation: 2000 + k, Soil_Type: `t"${k}\\`, note: 'caf\u00e9 \u2028' })));
  const kinds: CaptureRecord[] = [
    { input: { contentType: 'application/json', body: Buffer.from(records) }, output: { contentType: 'application/json', body: Buffer.from(`[{"payload_index":0,"label":"${i}"}]`) }, inferenceId: `id-${i}` },
    { input: { contentType: 'text/csv', body: Buffer.from(`1,2\r\n3,"x"\t\u0000\n`) }, output: { contentType: 'text/csv', body: Buffer.from('0.25\n0.75') } },
    { input: { contentType: 'application/json', body: Uint8Array.from([0x5b, 0xff, 0x22, 0xc3, 0x5d]) }, output: { contentType: 'application/json', body: `["${i}"]` } },
    { input: { contentType: 'application/x-npy', body: Buffer.from([0, 1, 2, 0x22]) }, output: { contentType: 'application/json', body: Buffer.from('[1]') }, inferenceId: 'b"64' },
    { input: { contentType: 'application/json', body: Buffer.from(`[${'{"k":"v\\\\"},'.repeat(25_000)}1]`) }, output: { contentType: 'application/json', body: Buffer.alloc(0) } },
  ];
  return kinds[i % 17 === 4 ? 4 : i % 4]!;
}

describe('the capture writer with its escaping thread', () => {
  it('writes the same files, byte for byte, as escaping on its own thread: flushes, large bodies, rotation by hour', async () => {
    const written: Map<string, Buffer>[] = [];
    for (const [folder, escapeOnThread] of [['own', false], ['thread', true]] as const) {
      // flushBytes 64 KiB: many batches, some written while the next is escaped.
      const { w, clock } = writer(folder, { escapeOnThread, flushBytes: 64 * 1024 });
      for (let i = 0; i < 400; i++) {
        if (i === 200) clock.now = new Date('2026-03-01T09:00:01.000Z');
        expect(w.record(recordOf(i))).toBe(true);
        if (i % 37 === 0) await w.flush();
        if (i % 11 === 0) await new Promise((r) => setImmediate(r));
      }
      await w.close();
      expect({ dropped: w.droppedLines, queued: w.queuedBytes, recorded: w.recordedLines }).toEqual({ dropped: 0, queued: 0, recorded: 400 });
      written.push(await filesOf(join(root, folder)));
    }
    const [own, thread] = written;
    expect([...thread!.keys()]).toEqual([...own!.keys()]);
    expect(own!.size).toBe(2);
    for (const [file, bytes] of own!) expect(thread!.get(file)!.equals(bytes), file).toBe(true);
    // And the lines are what was recorded.
    const lines = [...own!.values()].flatMap((b) => b.toString('utf8').trimEnd().split('\n').map((l) => JSON.parse(l)));
    expect(lines).toHaveLength(400);
    expect(lines[0].captureData.endpointInput.data).toBe(Buffer.from((recordOf(0).input.body as Buffer)).toString('utf8'));
  });

  it('loses no line when the thread dies mid-traffic: escaping goes on here, and says so once', async () => {
    const failures: unknown[] = [];
    const { w } = writer('thread', { escapeOnThread: true, flushBytes: 16 * 1024, onThreadFailure: (e) => failures.push(e) });
    const { w: reference } = writer('own', { flushBytes: 16 * 1024 });
    const pending: Promise<void>[] = [];
    for (let i = 0; i < 300; i++) {
      w.record(recordOf(i));
      reference.record(recordOf(i));
      if (i === 150) {
        // A real thread exit, while batches wait on it (flushBytes 16 KiB: several are in flight).
        pending.push((w as unknown as { escaper: { worker: { terminate(): Promise<number> } } }).escaper.worker.terminate().then(() => undefined));
      }
      if (i % 5 === 0) pending.push(w.flush());
    }
    await Promise.all(pending);
    await w.close();
    await reference.close();
    expect(w.droppedLines).toBe(0);
    expect(failures).toHaveLength(1);
    expect(String(failures[0])).toMatch(/the escaping thread exited/);
    const [own, thread] = [await filesOf(join(root, 'own')), await filesOf(join(root, 'thread'))];
    expect([...thread.keys()]).toEqual([...own.keys()]);
    for (const [file, bytes] of own) expect(thread.get(file)!.equals(bytes), file).toBe(true);
  });

  it('lets a process whose writer is closed exit by itself', () => {
    const script = `
      import { CaptureWriter } from ${JSON.stringify(join(REPO_ROOT, 'serving/capture/write-capture.ts'))};
      const w = new CaptureWriter({ root: ${JSON.stringify(root)}, escapeOnThread: true });
      for (let i = 0; i < 100; i++) w.record({ input: { contentType: 'application/json', body: Buffer.from('["a"]') }, output: { contentType: 'application/json', body: Buffer.from('[1]') } });
      await w.close();
      console.log(w.recordedLines, w.droppedLines);
    `;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: REPO_ROOT, timeout: 20_000, encoding: 'utf8' });
    expect(child.error, child.stderr).toBeUndefined();
    expect(child.status, child.stderr).toBe(0);
    expect(child.stdout.trim()).toBe('100 0');
  });
});
