/**
 * Issue 19: the small parts of the history: numbers stated in violation texts, UTC time ticks and window labels,
 * Model Monitor's output path, ordered concurrency, the walk's pruning and depth limit, missing windows.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalStorage } from '../storage/local.ts';
import type { Storage, StorageListing } from '../storage/storage.ts';
import { findReportFolders, MAX_WALK_DEPTH } from './find-report-folders.ts';
import type { SeriesRun } from './history-collector.ts';
import { HistoryIssues } from './history-issues.ts';
import { orderedMap } from './ordered-map.ts';
import { locationSegments, parseReportPath } from './report-path.ts';
import { findMissingWindows } from './status-timeline.ts';
import { formatTick, formatWindow, timeTicks } from './time-axis.ts';
import { numbersInDescription } from './violation-numbers.ts';

const HOUR = 3_600_000;
const H = (day: number, hour: number, minute = 0): number => Date.UTC(2026, 0, day, hour, minute);

describe('numbersInDescription', () => {
  it('reads the contract texts and mpm\'s, and nothing from other texts', () => {
    expect(numbersInDescription('Numerical distance: 0.2711598746081505 exceeds numerical threshold: 0')).toEqual({ value: 0.2711598746081505, threshold: 0 });
    expect(numbersInDescription('Categorical distance: 1e-2 exceeds categorical threshold: 5E-3')).toEqual({ value: 0.01, threshold: 0.005 });
    expect(numbersInDescription('Value: 0.0 does not meet the constraint requirement! ')).toEqual({ value: 0, threshold: null });
    expect(numbersInDescription('Data type match requirement is not met. Expected data type: Integral, Expected match: 100.0%. Observed: Only 99.5% of data is Integral.')).toEqual({ value: 0.995, threshold: 1 });
    expect(numbersInDescription('Metric accuracy with 0.7463 (± 0.0053) was LessThanThreshold 0.9: accuracy is less than the threshold 0.9, over 1482 records.')).toEqual({ value: 0.7463, threshold: 0.9 });
    expect(numbersInDescription('Metric gini with 0.6111 was LessThanThreshold 0.6611')).toEqual({ value: 0.6111, threshold: 0.6611 });
    expect(numbersInDescription('Metric f2 with 0.55 +/- 0.02 was LessThanThreshold 0.625')).toEqual({ value: 0.55, threshold: 0.625 });
    expect(numbersInDescription('There are missing columns in current dataset. Number of columns in current dataset: 4')).toEqual({ value: null, threshold: null });
    expect(numbersInDescription(`${'x'.repeat(5000)}Value: 1 does not meet`)).toEqual({ value: null, threshold: null });
  });
});

describe('time axis', () => {
  it('ticks at round UTC steps with at most about the asked number', () => {
    expect(timeTicks(H(15, 0), H(17, 0), 8)).toEqual({ ticks: [0, 6, 12, 18, 24, 30, 36, 42, 48].map((h) => H(15, 0) + h * HOUR), step: 6 * HOUR });
    const week = timeTicks(H(1, 0), H(31, 0), 6);
    expect(week.step).toBe(7 * 24 * HOUR);
    // Weeks start on Mondays (2026-01-05 is a Monday).
    expect(new Date(week.ticks[0]!).getUTCDay()).toBe(1);
    expect(timeTicks(H(15, 0, 0), H(15, 0, 40), 8).step).toBe(5 * 60_000);
    // Months and years tick at the first of a month.
    const year = timeTicks(Date.UTC(2025, 0, 1, 5), Date.UTC(2026, 0, 1), 8);
    expect(year.ticks).toEqual([Date.UTC(2025, 3, 1), Date.UTC(2025, 6, 1), Date.UTC(2025, 9, 1), Date.UTC(2026, 0, 1)]);
    expect(formatTick(year.ticks[0]!, year.step)).toBe('2025-04');
    expect(timeTicks(Date.UTC(2025, 0, 20), Date.UTC(2025, 4, 2), 5).ticks).toEqual([1, 2, 3, 4].map((m) => Date.UTC(2025, m, 1)));
  });

  it('labels ticks and windows in UTC', () => {
    expect(formatTick(H(15, 6), 6 * HOUR)).toBe('06:00');
    expect(formatTick(H(16, 0), 6 * HOUR)).toBe('01-16');
    expect(formatTick(H(16, 0), 24 * HOUR)).toBe('01-16');
    expect(formatWindow(H(15, 8), H(15, 9))).toBe('2026-01-15 08:00–09:00');
    expect(formatWindow(H(15, 23), H(16, 0))).toBe('2026-01-15 23:00–24:00');
    expect(formatWindow(H(15, 0), H(16, 0))).toBe('2026-01-15 00:00–24:00');
    expect(formatWindow(H(15, 8), H(16, 8))).toBe('2026-01-15 08:00 – 2026-01-16 08:00');
    expect(formatWindow(H(15, 8, 30) + 5000, H(15, 9))).toBe('2026-01-15 08:30:05–09:00');
  });
});

describe("Model Monitor's output path", () => {
  it('reads endpoint, schedule and the hour; the window is the hour before', () => {
    expect(parseReportPath(['bucket', 'results', 'ep', 'sched', '2026', '01', '15', '23'])).toEqual({
      endpoint: 'ep',
      schedule: 'sched',
      folderSpan: { start: H(15, 23), end: H(16, 0) },
      window: { start: H(15, 22), end: H(15, 23) },
    });
    expect(parseReportPath(['sched', '2026', '1', '5', '3'], { offsetHours: 0, hours: 2 })).toMatchObject({ endpoint: null, schedule: 'sched', window: { start: H(5, 3), end: H(5, 5) } });
    expect(parseReportPath(['ep', 'sched', '2026', '01', '15'])).toMatchObject({ schedule: 'sched', window: { start: H(15, 0), end: H(16, 0) } });
    expect(parseReportPath(['runs', '2026-01-15-08'])).toEqual({ endpoint: null, schedule: null, folderSpan: null, window: null });
    expect(parseReportPath(['ep', 'sched', '2026', '02', '30', '01']).window).toBeNull();
  });

  it('splits locations into segments', () => {
    expect(locationSegments('s3://bucket/a/b/')).toEqual(['bucket', 'a', 'b']);
    expect(locationSegments('/tmp/x//y')).toEqual(['tmp', 'x', 'y']);
  });
});

describe('orderedMap', () => {
  it('yields in input order with at most `concurrency` calls in flight, and rethrows a failure in order', async () => {
    let inFlight = 0;
    let most = 0;
    const delays = [30, 1, 20, 2, 10, 3, 1, 1];
    const out: number[] = [];
    for await (const v of orderedMap(delays.keys(), async (i) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, delays[i]));
      inFlight--;
      return i;
    }, 3)) out.push(v);
    expect(out).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(most).toBe(3);
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const v of orderedMap([1, 2, 3], async (i) => {
          if (i === 2) throw new Error('second failed');
          return i;
        }, 3)) seen.push(v);
      })(),
    ).rejects.toThrow('second failed');
    expect(seen).toEqual([1]);
  });
});

describe('findReportFolders', () => {
  const dirs: string[] = [];
  afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  it('skips day and hour folders that end before --from without listing them, and stops at the depth limit', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'mpm-history-walk-'));
    dirs.push(dir);
    for (const hour of ['2026/01/14/23', '2026/01/15/00', '2026/01/15/01', '2026/01/16/00']) {
      await mkdir(path.join(dir, 'ep/sched', hour), { recursive: true });
      await writeFile(path.join(dir, 'ep/sched', hour, 'statistics.json'), '{}');
    }
    const deep = path.join(dir, ...Array.from({ length: MAX_WALK_DEPTH + 2 }, (_, i) => `d${i}`));
    await mkdir(deep, { recursive: true });
    await writeFile(path.join(deep, 'statistics.json'), '{}');
    const listed: string[] = [];
    const local = new LocalStorage(dir);
    const spy: Storage = Object.assign(Object.create(local) as Storage, {
      listChildren: (d: string): Promise<StorageListing> => (listed.push(d), local.listChildren(d)),
    });
    const issues = new HistoryIssues();
    const found: string[] = [];
    for await (const f of findReportFolders(spy, { from: H(15, 1), issues })) found.push(f.path);
    // Folder 2026/01/15/00 ends at 01:00 = from: a run there judged a window before from, so it is not even listed.
    expect(found).toEqual(['ep/sched/2026/01/15/01', 'ep/sched/2026/01/16/00']);
    expect(listed).not.toContain('ep/sched/2026/01/14');
    expect(listed).not.toContain('ep/sched/2026/01/15/00');
    expect(issues.list().map((i) => [i.reason, i.count])).toEqual([['too_deep', 1]]);
  });
});

describe('findMissingWindows', () => {
  const run = (start: number, hours = 1): SeriesRun =>
    ({ start, end: start + hours * HOUR, index: 0, path: '', windowSource: 'folder', evaluationTime: null, status: 'Completed', message: null, violationCount: 0, violated: [], itemCount: null, predictions: null, joined: null, coverage: null, superseded: false });

  it('finds the usual cadence and the windows it predicts but no run covers', () => {
    const runs = [0, 1, 2, 5, 6, 8].map((h) => run(H(15, h)));
    const { cadence, missing, missingCount } = findMissingWindows(runs);
    expect(cadence).toBe(HOUR);
    expect(missingCount).toBe(3);
    expect(missing).toEqual([
      { start: H(15, 3), end: H(15, 5), slots: 2 },
      { start: H(15, 7), end: H(15, 8), slots: 1 },
    ]);
    expect(findMissingWindows([run(H(15, 0), 24), run(H(16, 0), 24), run(H(18, 0), 24)])).toMatchObject({ cadence: 24 * HOUR, missingCount: 1 });
    expect(findMissingWindows([run(H(15, 0))])).toMatchObject({ missingCount: 0, missing: [] });
  });
});
