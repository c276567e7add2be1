/**
 * Issue 19: `mpm-monitor history` on the command line and on S3. A source and output in S3 (fauxqs in this process)
 * give the same page and table as the same reports in a folder; errors are ConfigError (2), InputError (3) or
 * OutputError (4) with a message that names the flag or location.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { PassThrough } from 'node:stream';
import path from 'node:path';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { historyMain } from '../../monitor/history/history-main.ts';
import { REPO_ROOT } from '../helpers/run-monitor.ts';
import { startS3Server, TEST_CREDENTIALS, TEST_REGION, type S3TestServer } from '../helpers/s3-server.ts';
import { parquetAsCsv } from './table-text.ts';

const MIXED = path.resolve('test/fixtures/history/mixed/reports');

async function filesUnder(root: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(path.join(root, rel), { withFileTypes: true })) {
    const child = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await filesUnder(root, child)));
    else out.push(child);
  }
  return out.sort();
}

/** Runs `historyMain(args)` and collects what it wrote (main's dispatch line is exercised by the spawned run below). */
async function history(args: string[], env: NodeJS.ProcessEnv = { PATH: process.env.PATH }): Promise<{ code: number; stderr: string; stdout: string }> {
  const collect = (): { stream: PassThrough; text: () => string } => {
    const chunks: Buffer[] = [];
    const stream = new PassThrough();
    stream.on('data', (c: Buffer) => chunks.push(c));
    return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
  };
  const out = collect();
  const err = collect();
  const code = await historyMain(args, env, { stdout: out.stream, stderr: err.stream });
  // The log is pino's JSON lines: keep their messages as text.
  const stderr = err
    .text()
    .split('\n')
    .map((line) => {
      try {
        return (JSON.parse(line) as { msg?: string }).msg ?? line;
      } catch {
        return line;
      }
    })
    .join('\n');
  return { code, stderr, stdout: out.text() };
}

describe('mpm-monitor history on S3', () => {
  let s3: S3TestServer;
  let dir: string;
  beforeAll(async () => {
    s3 = await startS3Server();
    await s3.createBucket('reports');
    dir = await mkdtemp(path.join(tmpdir(), 'mpm-history-cli-'));
    for (const file of await filesUnder(MIXED)) {
      await s3.client.send(new PutObjectCommand({ Bucket: 'reports', Key: `model-monitor/${file}`, Body: await readFile(path.join(MIXED, file)) }));
    }
    vi.stubEnv('AWS_REGION', TEST_REGION);
    vi.stubEnv('AWS_ACCESS_KEY_ID', TEST_CREDENTIALS.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', TEST_CREDENTIALS.secretAccessKey);
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await s3?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('reads an S3 prefix and writes to S3 what the same reports in a folder give', async () => {
    const local = await history(['--source', MIXED, '--output-path', path.join(dir, 'local'), '--log-level', 'silent']);
    expect(local.code).toBe(0);
    const remote = await history(['--source', 's3://reports/model-monitor', '--output-path', 's3://reports/history/', '--s3-endpoint-url', s3.endpoint, '--log-level', 'silent']);
    expect(remote.code, remote.stderr).toBe(0);
    expect(remote.stdout).toContain('history: 8 runs in 3 series from 8 report folders');
    expect(remote.stdout).toContain('s3://reports/history/history.html');
    const get = async (key: string): Promise<Buffer> => Buffer.from(await (await s3.client.send(new GetObjectCommand({ Bucket: 'reports', Key: key }))).Body!.transformToByteArray());
    const html = (await get('history/history.html')).toString('utf8');
    const localHtml = await readFile(path.join(dir, 'local/history.html'), 'utf8');
    expect(html.replaceAll('s3://reports/model-monitor/', '{source}')).toBe(localHtml.replaceAll(MIXED, '{source}'));
    const table = await parquetAsCsv(await get('history/history.parquet'));
    expect(table.csv).toBe((await parquetAsCsv(await readFile(path.join(dir, 'local/history.parquet')))).csv);
    expect(table.rows.length).toBe(109);
  });

  it('a prefix without reports, or a bucket that does not exist, is an input error that says so', async () => {
    const empty = await history(['--source', 's3://reports/nothing-here/', '--output-path', path.join(dir, 'x'), '--s3-endpoint-url', s3.endpoint]);
    expect(empty.code).toBe(3);
    expect(empty.stderr).toContain('history: no report folder (statistics.json, constraint_violations.json, constraints.json or monitoring_report.json) under s3://reports/nothing-here/');
    const missing = await history(['--source', 's3://no-such-bucket/x', '--output-path', path.join(dir, 'x'), '--s3-endpoint-url', s3.endpoint]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/under s3:\/\/no-such-bucket\/x\/ \(it could not be listed: /);
  });
});

describe('mpm-monitor history command line', () => {
  let dir: string;
  beforeAll(async () => (dir = await mkdtemp(path.join(tmpdir(), 'mpm-history-args-'))));
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('configuration errors name the flag, the value and what was expected (exit 2)', async () => {
    const cases: Array<[string[], string]> = [
      [['--output-path', dir], 'config: --source is required; expected the folder or s3:// prefix holding the report folders'],
      [['--source', MIXED], 'config: --output-path is required'],
      [['--source', MIXED, '--output-path', dir, '--from', 'yesterday'], 'config: --from "yesterday" is not valid; expected a UTC time YYYY-MM-DDTHH:MM:SSZ or a date YYYY-MM-DD'],
      [['--source', MIXED, '--output-path', dir, '--from', '2026-01-16', '--to', '2026-01-15T00:00:00Z'], 'config: --from "2026-01-16" is not before --to "2026-01-15T00:00:00Z"'],
      [['--source', MIXED, '--output-path', dir, '--max-file-mb', '0'], 'config: --max-file-mb "0" is not valid; expected a size in MB between 0 and 4096'],
      // The value as typed (a number option of yargs showed "abc" as null), in decimal only (yargs read 0x10 as 16).
      [['--source', MIXED, '--output-path', dir, '--max-file-mb', 'abc'], 'config: --max-file-mb "abc" is not valid; expected a size in MB between 0 and 4096'],
      [['--source', MIXED, '--output-path', dir, '--max-file-mb', '0x10'], 'config: --max-file-mb "0x10" is not valid'],
      [['--source', MIXED, '--output-path', dir, '--folder-window-hours', '0.5'], 'config: --folder-window-hours "0.5" is not valid; expected a whole number of hours >= 1'],
      [['--source', MIXED, '--output-path', dir, '--endpoint', 'a', '--endpoint', 'b'], 'config: --endpoint is given 2 times with different values ("a", "b"); expected it once'],
      [['--source', MIXED, '--output-path', dir, '--log-level', 'loud'], 'config: --log-level "loud" is not valid; expected one of fatal, error, warn, info, debug, trace, silent'],
      [['--source', 's3://', '--output-path', dir], 'storage: "s3://" is not a valid S3 location (the bucket name is empty)'],
      [['--source', MIXED, '--output-path', dir, '--bogus', '1'], 'config: Unknown argument: bogus; see mpm-monitor history --help'],
    ];
    for (const [args, message] of cases) {
      const { code, stderr } = await history(args);
      expect(code, args.join(' ')).toBe(2);
      expect(stderr, args.join(' ')).toContain(message);
    }
  });

  it('a flag repeated with the same value, a log level in capitals and numbers with spaces are read', async () => {
    const out = path.join(dir, 'lenient');
    const { code, stderr } = await history(['--source', MIXED, '--source', MIXED, '--output-path', out, '--log-level', ' SILENT ', '--max-file-mb', ' 8 ', '--folder-window-hours', '1']);
    expect(code, stderr).toBe(0);
    expect(stderr).toBe('');
  });

  it('nothing to read is exit 3, an output that cannot be written exit 4', async () => {
    const none = await history(['--source', path.join(dir, 'empty'), '--output-path', path.join(dir, 'out')]);
    expect(none.code).toBe(3);
    expect(none.stderr).toContain(`no report folder`);
    await writeFile(path.join(dir, 'a-file'), 'x');
    const blocked = await history(['--source', MIXED, '--output-path', path.join(dir, 'a-file', 'out')]);
    expect(blocked.code).toBe(4);
    expect(blocked.stderr).toContain(`history: cannot write history.html and history.parquet to ${path.join(dir, 'a-file', 'out')}`);
  });

  it('values near Number.MAX_VALUE draw a page (the y axis ran to Infinity and V8 ended the process)', async () => {
    const source = path.join(dir, 'huge');
    // One series whose rounded axis end overflows (3.2 and 1.7e308), one whose width does (±MAX_VALUE).
    const values = [3.2, 1.7e308, Number.MAX_VALUE, -Number.MAX_VALUE];
    for (const [i, value] of values.entries()) {
      const folder = path.join(source, i < 2 ? 'ep' : 'ep2', 'sch', '2026', '01', '15', String(i).padStart(2, '0'));
      await mkdir(folder, { recursive: true });
      await writeFile(path.join(folder, 'statistics.json'), JSON.stringify({ regression_metrics: { mse: { value, standard_deviation: 0 } } }));
    }
    const out = path.join(dir, 'huge-out');
    const run = await history(['--source', source, '--output-path', out, '--log-level', 'silent']);
    expect(run.code).toBe(0);
    const page = await readFile(path.join(out, 'history.html'), 'utf8');
    expect(page).not.toMatch(/NaN|Infinity/);
    const { rows } = await parquetAsCsv(await readFile(path.join(out, 'history.parquet')));
    expect(rows.filter((r) => r.metric === 'mse').map((r) => Number(r.value))).toEqual(values);
  });

  it('filters by window and series, and says how many runs it left out', async () => {
    const out = path.join(dir, 'filtered');
    const { code, stdout } = await history(['--source', MIXED, '--output-path', out, '--from', '2026-01-15T01:00:00Z', '--endpoint', 'fraud-endpoint', '--log-level', 'silent']);
    expect(code).toBe(0);
    expect(stdout).toContain('history: 2 runs in 1 series from 8 report folders (6 left out by the filters)');
    const { rows } = await parquetAsCsv(await readFile(path.join(out, 'history.parquet')));
    expect([...new Set(rows.map((r) => r.run_path))]).toEqual(['fraud-endpoint/fraud-mq-hourly/2026/01/15/02', 'fraud-endpoint/fraud-mq-hourly/2026/01/15/03']);
    expect(await readFile(path.join(out, 'history.html'), 'utf8')).toContain('Filter</dt><dd>from 2026-01-15 01:00, endpoint fraud-endpoint (6 runs left out)</dd>');
  });

  it('runs as a real process: npx tsx monitor/cli.ts history', async () => {
    const out = path.join(dir, 'spawned');
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'monitor/cli.ts', 'history', '--source', MIXED, '--output-path', out], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('history: 8 runs in 3 series from 8 report folders');
    expect((await stat(path.join(out, 'history.html'))).size).toBeGreaterThan(10_000);
    const help = spawnSync(process.execPath, ['--import', 'tsx', 'monitor/cli.ts', 'history', '--help'], { cwd: REPO_ROOT, env: { PATH: process.env.PATH }, encoding: 'utf8', timeout: 120_000 });
    expect(help.status).toBe(0);
    for (const flag of ['--source', '--output-path', '--from', '--to', '--endpoint', '--schedule', '--max-file-mb', '--folder-window-offset-hours', '--s3-endpoint-url']) expect(help.stdout).toContain(flag);
  });
});
