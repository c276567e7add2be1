/**
 * @module The main thread's scan with a plan whose parts wait (model quality's predictions waiting for labels read on
 * another thread): parts are merged only once they are final, in path order, and when too much waits the scan stops
 * reading until it is done, so memory stays bounded however slow the labels are.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputErrorTally } from '../ingest/input-errors.ts';
import type { AccumulatorState } from '../state/accumulator-state.ts';
import { LocalStorage } from '../storage/local.ts';
import { scanCapture } from './scan-capture.ts';
import { MAX_WAITING_BYTES, type LineScanPlan } from './scan-plan.ts';

const root = mkdtempSync(path.join(os.tmpdir(), 'mpm-scan-waiting-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A part that keeps the lines it read, in order; final or not as its plan says. */
class Lines {
  lines: string[] = [];
  merge(other: Lines): void {
    this.lines.push(...other.lines);
  }
  save(): AccumulatorState {
    return { kind: 'test.lines', version: 1, meta: this.lines, arrays: {} };
  }
}

/** A plan whose parts wait until `settle()`; `bytes` is what the waiting work holds. */
function waitingPlan(bytes: number) {
  let settle!: () => void;
  let settled = false;
  const ready = new Promise<void>((resolve) => (settle = resolve)).then(() => void (settled = true));
  const read: string[] = [];
  const merged: Lines[] = [];
  const plan: LineScanPlan<Lines> = {
    name: 'test-waiting',
    workerInit: undefined,
    startPart: () => new Lines(),
    load: () => new Lines(),
    readLine(part, line) {
      read.push(line.toString('utf8'));
      part.lines.push(line.toString('utf8'));
      return { status: 'ok', records: 1 };
    },
    release: (part) => void merged.push(part),
    waiting: () => (settled ? undefined : ready),
    waitingBytes: () => (settled ? 0 : bytes),
  };
  return { plan, read, merged, settle };
}

function capture(files: number): LocalStorage {
  const hour = path.join(root, `c${files}`, 'ep/AllTraffic/2024/05/06/21');
  mkdirSync(hour, { recursive: true });
  for (let f = 0; f < files; f++) writeFileSync(path.join(hour, `f${f}.jsonl`), `file ${f} line 1\nfile ${f} line 2\n`);
  return new LocalStorage(path.join(root, `c${files}`));
}

const options = { window: {}, workers: 1, datasetSource: '', samplesPerReason: 3 };
const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 20));

describe('scanCapture with parts that wait', () => {
  it('reads on while little waits, holds every part unmerged until they are final, then merges them in path order', async () => {
    const { plan, read, merged, settle } = waitingPlan(1024);
    const scan = scanCapture(capture(3), plan, new InputErrorTally(3), options);
    // However slow the machine: every file is read (none merged), the scan then waits at its end for the parts.
    await expect.poll(() => read.length, { timeout: 20_000, interval: 10 }).toBe(6);
    await tick();
    expect(merged).toHaveLength(0);
    settle();
    const { part } = await scan;
    expect(merged).toHaveLength(3);
    expect(part.lines).toEqual(['file 0 line 1', 'file 0 line 2', 'file 1 line 1', 'file 1 line 2', 'file 2 line 1', 'file 2 line 2']);
  });

  it('stops reading after a file when more than MAX_WAITING_BYTES wait, and goes on once they are done', async () => {
    const { plan, read, settle } = waitingPlan(MAX_WAITING_BYTES + 1);
    const scan = scanCapture(capture(3), plan, new InputErrorTally(3), options);
    await expect.poll(() => read.length, { timeout: 20_000, interval: 10 }).toBe(2);
    // It stays stopped after the first file (given time to go on, it would have read them all).
    await tick();
    await tick();
    expect(read).toEqual(['file 0 line 1', 'file 0 line 2']);
    settle();
    const { part, summary } = await scan;
    expect(read).toHaveLength(6);
    expect(part.lines).toHaveLength(6);
    expect(summary.files).toBe(3);
  });
});
