/**
 * @module The monitor's own entry point in image mode (MPM_IMAGE_USER set, started as root), without Docker: it
 * resolves its configuration, makes the folders it writes writable for the image user, drops root before reading any
 * input, and says so in one log line; MPM_RUN_AS_ROOT keeps root; a folder it may not re-own is exit 4 naming it.
 * The images themselves are tested the same way in test/e2e/containers.test.ts.
 */
import { spawn } from 'node:child_process';
import { chmod, lstat, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/run-monitor.ts';

const CASE = path.join(REPO_ROOT, 'test/fixtures/monitor/blog-example');
const isRoot = process.getuid?.() === 0;
const scratch: string[] = [];
afterEach(async () => {
  for (const d of scratch.splice(0)) await rm(d, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stderr: string;
  root: string;
  out: string;
  mlOutput: string;
}

/** Runs monitor/cli.ts as root with the image's MPM_IMAGE_USER, writing below a fresh root-owned 0755 folder. */
async function runImageMode(extraArgs: string[] = [], env: Record<string, string> = {}, prepare?: (r: { out: string }) => Promise<void | { groundTruth: string }>): Promise<Run> {
  const root = await mkdtemp(path.join(tmpdir(), 'mpm-image-mode-'));
  scratch.push(root);
  await chmod(root, 0o755);
  const out = path.join(root, 'processing-output');
  const mlOutput = path.join(root, 'ml-output');
  const prepared = await prepare?.({ out });
  const args = [
    '--import', 'tsx', 'monitor/cli.ts',
    '--dataset-source', path.join(CASE, 'capture'),
    '--ground-truth-source', prepared ? prepared.groundTruth : path.join(CASE, 'groundtruth'),
    '--baseline-constraints', path.join(CASE, 'baseline/constraints.json'),
    '--output-path', out,
    '--message-file', path.join(mlOutput, 'message'),
    '--cloudwatch-metrics-dir', path.join(mlOutput, 'metrics/cloudwatch'),
    '--publish-cloudwatch-metrics', 'Enabled',
    '--job-config-file', path.join(CASE, 'case.json'), // no "Environment": an empty job config
    '--start-time', '2024-05-06T22:00:00Z', '--end-time', '2024-05-06T23:00:00Z',
    '--sagemaker-endpoint-name', 'covertype-ep', '--sagemaker-monitoring-schedule-name', 's',
    ...extraArgs,
  ];
  return { ...(await spawnImageMode(args, env)), root, out, mlOutput };
}

/** Runs node with `args` as root with the image's MPM_IMAGE_USER (10001:10002); resolves with its exit code and log. */
async function spawnImageMode(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/nonexistent', MPM_IMAGE_USER: '10001:10002', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(timer);
  return { code, stderr };
}

const ownerOf = async (p: string) => {
  const s = await lstat(p);
  return `${s.uid}:${s.gid}`;
};
const logLine = (stderr: string, pattern: RegExp) => stderr.split('\n').filter((l) => pattern.test(l));

describe.skipIf(!isRoot)(`the monitor in image mode (needs root${isRoot ? '' : ': skipped, not root'})`, () => {
  it('drops to the image user once its configuration is resolved: every file it writes belongs to that user', async () => {
    const r = await runImageMode();
    expect(r.code, r.stderr).toBe(0);
    const [line, ...more] = logLine(r.stderr, /dropped root|running as/);
    expect(more).toEqual([]);
    expect(JSON.parse(line!).msg).toMatch(/^dropped root: running as uid 10001 gid 10002; written folders: .*processing-output \(created\)/);
    expect(await readFile(path.join(r.mlOutput, 'message'), 'utf8')).toBe('Completed: Job completed successfully with no violations.');
    const written = [
      r.out,
      ...(await readdir(r.out)).map((f) => path.join(r.out, f)),
      path.join(r.mlOutput, 'message'),
      path.join(r.mlOutput, 'metrics/cloudwatch/cloudwatch_metrics.jsonl'),
    ];
    expect(written.length).toBeGreaterThan(5);
    for (const f of written) expect(`${f} ${await ownerOf(f)}`).toBe(`${f} 10001:10002`);
    // The folders it created on the way to a written folder stay root's; the inputs are untouched.
    expect(await ownerOf(path.join(r.mlOutput, 'metrics'))).toBe('0:0');
    expect(await ownerOf(r.root)).toBe('0:0');
    expect(await ownerOf(path.join(CASE, 'capture'))).toBe('0:0');
  });

  it('keeps root with a bare --run-as-root, and re-owns nothing', async () => {
    const r = await runImageMode(['--run-as-root']);
    expect(r.code, r.stderr).toBe(0);
    expect(logLine(r.stderr, /running as root/).map((l) => JSON.parse(l).msg)).toEqual(['running as root: MPM_RUN_AS_ROOT=true (the image user 10001:10002 is not used)']);
    expect(await ownerOf(path.join(r.out, 'statistics.json'))).toBe('0:0');
    expect(await ownerOf(path.join(r.mlOutput, 'message'))).toBe('0:0');
  });

  it('an existing output folder outside /opt/ml that it did not create is never re-owned: exit 4 naming output_path and why', async () => {
    const r = await runImageMode([], {}, async ({ out }) => {
      await mkdir(out);
      await chmod(out, 0o755);
    });
    expect(r.code, r.stderr).toBe(4);
    // The one line says what was done, and why output_path was left alone, before the check fails.
    expect(logLine(r.stderr, /dropped root|running as/).map((l) => JSON.parse(l).msg)).toEqual([
      `dropped root: running as uid 10001 gid 10002; written folders: ${r.out} (refused: it is not below /opt/ml and was not created here), ${r.mlOutput} (created), ${path.join(r.mlOutput, 'metrics/cloudwatch')} (created)`,
    ]);
    const message = await readFile(path.join(r.mlOutput, 'message'), 'utf8');
    expect(message).toContain(`Failed: output: output_path folder "${r.out}" cannot be written by uid 10001 gid 10002 (EACCES`);
    expect(message).toContain('it was not made writable: it is not below /opt/ml and was not created here');
    expect(await ownerOf(r.out)).toBe('0:0');
  });

  it('suggest-baseline drops once, re-owning only its own written folders (its output and its message file\'s, not the job\'s metrics folder)', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'mpm-image-mode-'));
    scratch.push(root);
    await chmod(root, 0o755);
    const out = path.join(root, 'baseline-output');
    const mlOutput = path.join(root, 'ml-output');
    // suggest-baseline runs the model-quality pipeline, whose prepare stage opens with the drop too: already the image
    // user then, it must not check the job's written locations (the CloudWatch folder is not suggest-baseline's) nor
    // log a second line. The message file is its own, as a baselining job's ExitMessage.
    const r = await spawnImageMode([
      '--import', 'tsx', 'monitor/cli.ts', 'suggest-baseline',
      '--dataset-source', path.join(CASE, 'capture'),
      '--ground-truth-source', path.join(CASE, 'groundtruth'),
      '--job-config-file', path.join(CASE, 'case.json'),
      '--start-time', '2024-05-06T22:00:00Z', '--end-time', '2024-05-06T23:00:00Z',
      '--output-path', out,
      '--message-file', path.join(mlOutput, 'message'),
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(logLine(r.stderr, /dropped root|running as/).map((l) => JSON.parse(l).msg)).toEqual([
      `dropped root: running as uid 10001 gid 10002; written folders: ${out} (created), ${mlOutput} (created)`,
    ]);
    expect(await ownerOf(path.join(out, 'constraints.json'))).toBe('10001:10002');
    expect(await ownerOf(path.join(out, 'statistics.json'))).toBe('10001:10002');
    expect(await readFile(path.join(mlOutput, 'message'), 'utf8')).toBe('Completed: Job completed successfully with no violations.');
    expect(await ownerOf(path.join(mlOutput, 'message'))).toBe('10001:10002');
  });

  it('reads no ground truth as root: the label thread starts only once root is dropped, so a root-only label file is unreadable', async () => {
    // The blog's labels in a file only root may read: read as root, both predictions would join.
    const r = await runImageMode([], {}, async ({ out }) => {
      const groundTruth = path.join(path.dirname(out), 'groundtruth');
      const hour = path.join(groundTruth, '2024/05/06/22');
      await mkdir(hour, { recursive: true });
      for (const dir of ['', '2024', '2024/05', '2024/05/06', '2024/05/06/22']) await chmod(path.join(groundTruth, dir), 0o755);
      const file = path.join(hour, 'ground-truth.json');
      await writeFile(file, await readFile(path.join(CASE, 'groundtruth/2024/05/06/22/ground-truth.json')));
      await chmod(file, 0o600);
      return { groundTruth };
    });
    // The label thread was started after the drop (its first log line comes after the drop's).
    const lines = r.stderr.split('\n').filter((l) => /dropped root|reading ground truth/.test(l)).map((l) => JSON.parse(l).msg as string);
    expect(lines.map((l) => l.split(':')[0])).toEqual(['dropped root', 'reading ground truth']);
    // The dropped process may not open it: the whole ground truth is lost, past the error limit (exit 3).
    expect(r.code, r.stderr).toBe(3);
    const report = JSON.parse(await readFile(path.join(r.out, 'monitoring_report.json'), 'utf8')) as { ground_truth: { labels: number }; input_errors: { by_reason: Record<string, { samples: Array<{ detail: string }> }> } };
    expect(report.ground_truth.labels).toBe(0);
    expect(report.input_errors.by_reason.gt_unreadable_file?.samples[0]?.detail).toMatch(/EACCES/);
  });

  it('MPM_RUN_AS_ROOT must be true or false (exit 2, before anything is re-owned)', async () => {
    const r = await runImageMode([], { MPM_RUN_AS_ROOT: 'yes' });
    expect(r.code, r.stderr).toBe(2);
    expect(await readFile(path.join(r.mlOutput, 'message'), 'utf8')).toBe('Failed: config: MPM_RUN_AS_ROOT "yes" is not valid; expected true or false');
    expect(await ownerOf(r.mlOutput)).toBe('0:0');
  });
});
