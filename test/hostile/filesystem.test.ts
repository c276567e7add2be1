/**
 * @module Issue 14, items 5, 6, 9 and 10, through the real CLI: stale outputs of an earlier run in a reused folder,
 * links, hard links, loops and FIFOs in the input tree, output folders under /proc, and a message file that is a link
 * or a pipe.
 */
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, linkSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runMonitor } from '../helpers/run-monitor.ts';
import { CAPTURE_DIR, HOUR, goodTraffic, removeFolders, reportOf, runArgs, tempFolder, writeTree } from './inputs.ts';

const tempFolders: string[] = [];
afterAll(() => {
  removeFolders();
  for (const dir of tempFolders) rmSync(dir, { recursive: true, force: true });
});

const CONSTRAINTS = '{"version": 0.0, "binary_classification_constraints": {"accuracy": {"threshold": 0.5, "comparison_operator": "LessThanThreshold"}}}';

describe('item 5: a reused output folder', () => {
  it('leaves only the failed run\'s report beside a failed run, removes constraints.json a later run does not write, and keeps other files', async () => {
    const root = tempFolder();
    const out = path.join(root, 'out');
    const good = goodTraffic(20);
    writeTree(root, {
      [`capture/${CAPTURE_DIR}/a.jsonl`]: good.capture.join('\n'),
      [`groundtruth/${HOUR}/labels.jsonl`]: good.labels.join('\n'),
      [`bad/${CAPTURE_DIR}/a.jsonl`]: `${good.capture.slice(0, 5).join('\n')}\n{cut\n{cut\n{cut\n`,
      'constraints.json': CONSTRAINTS,
      'out/notes.txt': 'not mpm\'s',
    });
    const first = await runMonitor({ env: runArgs(root, 'BinaryClassification', { output_path: out, baseline_constraints: `${root}/constraints.json` }) });
    expect(first.exitCode, first.stderr.slice(-2000)).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['constraint_violations.json', 'constraints.json', 'monitoring_report.json', 'notes.txt', 'report.html', 'statistics.json']);

    const failed = await runMonitor({ env: runArgs(root, 'BinaryClassification', { output_path: out, dataset_source: `${root}/bad` }) });
    expect(failed.exitCode).toBe(3);
    expect(readdirSync(out).sort()).toEqual(['monitoring_report.json', 'notes.txt', 'report.html']);
    expect(JSON.parse(readFileSync(path.join(out, 'monitoring_report.json'), 'utf8')).status).toBe('Failed');

    const again = await runMonitor({ env: runArgs(root, 'BinaryClassification', { output_path: out, baseline_constraints: `${root}/constraints.json` }) });
    expect(again.exitCode).toBe(0);
    const noConstraints = await runMonitor({ env: runArgs(root, 'BinaryClassification', { output_path: out }) });
    expect(noConstraints.exitCode).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['constraint_violations.json', 'monitoring_report.json', 'notes.txt', 'report.html', 'statistics.json']);
  });

  it('never removes a baseline constraints file that lives in output_path under an owned name', async () => {
    const root = tempFolder();
    const out = path.join(root, 'out');
    writeTree(root, { 'out/constraints.json': CONSTRAINTS, [`bad/${CAPTURE_DIR}/a.jsonl`]: '{cut\n' });
    const failed = await runMonitor({ env: runArgs(root, 'BinaryClassification', { output_path: out, dataset_source: `${root}/bad`, baseline_constraints: `${out}/constraints.json` }) });
    expect(failed.exitCode).toBe(3);
    expect(readFileSync(path.join(out, 'constraints.json'), 'utf8')).toBe(CONSTRAINTS);
  });

  // A configuration error used to leave the earlier run's "Completed" results beside this run's "Failed" message.
  it('removes an earlier run\'s results when the configuration is refused, keeping other files and a baseline in output_path', async () => {
    const root = tempFolder();
    const out = path.join(root, 'out');
    const good = goodTraffic(20);
    writeTree(root, { [`capture/${CAPTURE_DIR}/a.jsonl`]: good.capture.join('\n'), [`groundtruth/${HOUR}/labels.jsonl`]: good.labels.join('\n'), 'out/notes.txt': 'not mpm\'s' });
    const first = await runMonitor({ env: runArgs(root, 'BinaryClassification', { output_path: out }) });
    expect(first.exitCode, first.stderr.slice(-2000)).toBe(0);
    writeFileSync(path.join(out, 'constraints.json'), CONSTRAINTS);
    const refused = await runMonitor({ env: runArgs(root, 'BinaryClassification', { output_path: out, MPM_SEED: 'abc', baseline_constraints: `${out}/constraints.json` }) });
    expect(refused.exitCode).toBe(2);
    expect(refused.message).toMatch(/^Failed: config: MPM_SEED "abc" is not valid/);
    expect(readdirSync(out).sort()).toEqual(['constraints.json', 'notes.txt']);
  });
});

describe('item 6: links, loops and special files in the input tree', () => {
  it('reads each file once, follows no link out of the tree, skips a FIFO, never echoes a file outside, and ends', async () => {
    const root = tempFolder();
    const outside = tempFolder('mpm-outside-');
    writeFileSync(path.join(outside, 'passwd'), 'root:x:0:0:SECRET-ROOT-LINE:/root:/bin/bash\n');
    const good = goodTraffic(100);
    writeTree(root, {
      [`data/capture/${CAPTURE_DIR}/a.jsonl`]: good.capture.join('\n'),
      [`groundtruth/${HOUR}/labels.jsonl`]: good.labels.join('\n'),
    });
    const hour = path.join(root, 'data/capture', CAPTURE_DIR);
    // A loop to an ancestor, a second loop, a hard link, a link out of the tree, a FIFO, a dangling link.
    symlinkSync('..', path.join(hour, 'loop'));
    symlinkSync(path.join(root, 'data/capture/ep'), path.join(root, 'data/capture/ep/AllTraffic/2024/loop-two'));
    linkSync(path.join(hour, 'a.jsonl'), path.join(hour, 'b.jsonl'));
    symlinkSync(path.join(outside, 'passwd'), path.join(hour, 'passwd.jsonl'));
    symlinkSync(path.join(outside, 'passwd'), path.join(root, 'groundtruth', HOUR, 'passwd.jsonl'));
    execFileSync('mkfifo', [path.join(hour, 'pipe.jsonl')]);
    symlinkSync(path.join(root, 'nowhere'), path.join(hour, 'dangling.jsonl'));
    // A linked dataset_source is fine: the root is resolved first.
    symlinkSync(path.join(root, 'data/capture'), path.join(root, 'capture'));

    const run = await runMonitor({ env: runArgs(root), timeoutMs: 60_000, keep: true });
    tempFolders.push(run.placeholders.tmp!);
    expect(run.timedOut).toBe(false);
    expect(run.exitCode, run.stderr.slice(-2000)).toBe(0);
    const report = reportOf(run);
    expect(report.capture?.requests).toBe(100);
    expect(report.join?.joined).toBe(200);
    expect((run.outputs['statistics.json'] as { dataset: { item_count: number } }).dataset.item_count).toBe(200);
    expect(report.capture?.skipped_files).toMatchObject({ link_outside_tree: 1, not_a_regular_file: 1, broken_link: 1 });
    expect(report.capture!.skipped_files!.already_read).toBeGreaterThanOrEqual(2);
    expect((report.ground_truth as { skipped_files?: Record<string, number> }).skipped_files).toEqual({ link_outside_tree: 1 });
    expect(run.message).toBe('Completed: Job completed successfully with no violations.');
    const html = readFileSync(path.join(run.placeholders.out!, 'report.html'), 'utf8');
    for (const text of [run.message ?? '', JSON.stringify(run.outputs), html]) expect(text).not.toContain('SECRET');
  }, 90_000);
});

describe('folders that cannot be listed', () => {
  it('fails with exit 3 naming a dataset_source or ground-truth folder that is a link loop, not as an internal error', async () => {
    const root = tempFolder();
    const good = goodTraffic(10);
    writeTree(root, {
      [`capture/${CAPTURE_DIR}/a.jsonl`]: good.capture.join('\n'),
      [`groundtruth/${HOUR}/labels.jsonl`]: good.labels.join('\n'),
    });
    symlinkSync(path.join(root, 'loop-b'), path.join(root, 'loop-a'));
    symlinkSync(path.join(root, 'loop-a'), path.join(root, 'loop-b'));
    for (const variable of ['dataset_source', 'ground_truth_source']) {
      const run = await runMonitor({ env: { ...runArgs(root), [variable]: path.join(root, 'loop-a') }, timeoutMs: 30_000 });
      expect(run.exitCode, run.stderr.slice(-2000)).toBe(3);
      expect(run.message).toBe(`Failed: cannot list the folder ${path.join(root, 'loop-a')} (ELOOP); its files cannot be read`);
      expect(run.stderr).not.toContain('internal error');
    }
  }, 60_000);

  it('warns that a dataset_source or ground_truth_source does not exist, and reads it as empty (an hour without traffic or labels)', async () => {
    const root = tempFolder();
    const missing = path.join(root, 'no-such-folder');
    for (const variable of ['dataset_source', 'ground_truth_source']) {
      const run = await runMonitor({ env: { ...runArgs(root), [variable]: missing }, timeoutMs: 30_000 });
      expect(run.exitCode, run.stderr.slice(-2000)).toBe(0);
      // The log is JSON: the message's quotes are escaped there.
      expect(run.stderr).toContain(JSON.stringify(`${variable} "${missing}" does not exist: read as holding no files`).slice(1, -1));
      expect(run.message).toMatch(/^CompletedWithViolations: /);
    }
  }, 60_000);

  it('refuses a dataset_source or ground_truth_source that is a file, naming the variable (exit 2)', async () => {
    const root = tempFolder();
    writeTree(root, { 'capture.jsonl': goodTraffic(5).capture.join('\n') });
    const file = path.join(root, 'capture.jsonl');
    for (const [variable, holds] of [['dataset_source', 'the capture'], ['ground_truth_source', 'the ground truth']]) {
      const run = await runMonitor({ env: { ...runArgs(root), [variable!]: file }, timeoutMs: 30_000 });
      expect(run.exitCode, run.stderr.slice(-2000)).toBe(2);
      expect(run.message).toBe(`Failed: config: ${variable} ${JSON.stringify(file)} is a file, not a folder; expected the folder (or s3:// URI) holding ${holds}`);
    }
  }, 60_000);
});

describe('a log that cannot be written', () => {
  it.runIf(existsSync('/dev/full'))('ends with its own exit code and writes its outputs when stderr is /dev/full (ENOSPC on every write)', async () => {
    // pino.destination retried a write that failed for good forever at exit: the run never ended.
    const root = tempFolder();
    const good = goodTraffic(20);
    writeTree(root, {
      [`capture/${CAPTURE_DIR}/a.jsonl`]: good.capture.join('\n'),
      [`groundtruth/${HOUR}/labels.jsonl`]: good.labels.join('\n'),
    });
    const run = await runMonitor({ env: runArgs(root), stderrPath: '/dev/full', timeoutMs: 60_000 });
    expect(run.timedOut).toBe(false);
    expect(run.exitCode).toBe(0);
    expect(run.message).toBe('Completed: Job completed successfully with no violations.');
    expect(run.outputNames).toContain('statistics.json');
  }, 90_000);
});

describe('item 9: output folders where mkdir cannot succeed', () => {
  it('fails with exit 4 in bounded time for an output folder under /proc', async () => {
    const run = await runMonitor({ env: { ...runArgs(tempFolder()), output_path: `/proc/mpm-${process.pid}/out` }, timeoutMs: 30_000 });
    expect(run.timedOut).toBe(false);
    expect(run.exitCode).toBe(4);
    expect(run.message).toMatch(/^Failed: output: output_path "\/proc\/mpm-\d+\/out" is not a writable folder \(ENOENT: no such file or directory, mkdir '\/proc\/mpm-\d+'\)/);
  });

  // The metrics file is an output of the job (the service publishes from it): a folder that cannot hold it fails the
  // run before any input is read, as output_path does. It used to end Completed with nothing published.
  it('fails with exit 4 before reading input for a CloudWatch metrics folder under /proc, naming the variable', async () => {
    const root = tempFolder();
    const good = goodTraffic(10);
    writeTree(root, { [`capture/${CAPTURE_DIR}/a.jsonl`]: good.capture.join('\n'), [`groundtruth/${HOUR}/labels.jsonl`]: good.labels.join('\n') });
    const run = await runMonitor({
      env: runArgs(root, 'BinaryClassification', { publish_cloudwatch_metrics: 'Enabled' }),
      cloudwatchDir: `/proc/mpm-${process.pid}/cloudwatch`,
      timeoutMs: 30_000,
    });
    expect(run.timedOut).toBe(false);
    expect(run.exitCode).toBe(4);
    expect(run.message).toMatch(/^Failed: output: CLOUDWATCH_METRICS_DIRECTORY "\/proc\/mpm-\d+\/cloudwatch" is not a writable folder \(ENOENT: no such file or directory, mkdir '\/proc\/mpm-\d+'\)/);
    expect(run.outputNames).not.toContain('statistics.json');
  });
});

describe('item 10: a message file that is a link or a pipe', () => {
  function smallRun(root: string): Record<string, string> {
    const good = goodTraffic(5);
    writeTree(root, { [`capture/${CAPTURE_DIR}/a.jsonl`]: good.capture.join('\n'), [`groundtruth/${HOUR}/labels.jsonl`]: good.labels.join('\n') });
    return runArgs(root);
  }

  it('writes through a link to the file it names, and the link stays a link', async () => {
    const root = tempFolder();
    const target = path.join(root, 'elsewhere', 'message.txt');
    mkdirSync(path.dirname(target));
    writeFileSync(target, 'an older, longer message that must not survive in part\n');
    const link = path.join(root, 'message-link');
    symlinkSync(target, link);
    const run = await runMonitor({ env: smallRun(root), messageFile: link });
    expect(run.exitCode, run.stderr.slice(-2000)).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(target);
    expect(readFileSync(target, 'utf8')).toBe('Completed: Job completed successfully with no violations.');
  });

  it('writes through a FIFO to its reader, and the FIFO stays a FIFO', async () => {
    const root = tempFolder();
    const fifo = path.join(root, 'message.fifo');
    execFileSync('mkfifo', [fifo]);
    let received: Promise<string> | undefined;
    const run = await runMonitor({
      env: smallRun(root),
      messageFile: fifo,
      prepare: () => {
        received = new Promise((resolve, reject) => {
          let text = '';
          createReadStream(fifo, { encoding: 'utf8' })
            .on('data', (d) => (text += d))
            .on('end', () => resolve(text))
            .on('error', reject);
        });
      },
    });
    expect(run.exitCode, run.stderr.slice(-2000)).toBe(0);
    const text = await Promise.race([received!, new Promise<string>((resolve) => setTimeout(() => resolve('(nothing within 10 s)'), 10_000))]);
    expect(text).toBe('Completed: Job completed successfully with no violations.');
    expect(existsSync(fifo) && lstatSync(fifo).isFIFO()).toBe(true);
  });

  it('still exits with its own code when the message file is a FIFO nobody reads (no hang)', async () => {
    const root = tempFolder();
    const fifo = path.join(root, 'unread.fifo');
    execFileSync('mkfifo', [fifo]);
    const run = await runMonitor({ env: smallRun(root), messageFile: fifo, timeoutMs: 30_000 });
    expect(run.timedOut).toBe(false);
    expect(run.exitCode).toBe(0);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
  });
});

