/**
 * The real server process, spawned as `mpm-serve serve` would run it: startup, /ping, graceful shutdown on SIGTERM with
 * a request in flight (it finishes, its capture line is flushed, the exit code is 0), and failures at startup.
 */

import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { request } from 'node:http';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { configFromArgs } from '../../serving/server.ts';
import { loadConfig } from '../../serving/config.ts';
import { DEMO_MODEL_DIR, REPO_ROOT, readXGBoostCase, XGBOOST_FIXTURES } from './helpers/fixtures.ts';

interface Spawned {
  child: ChildProcessWithoutNullStreams;
  logs: Record<string, unknown>[];
  stderr: string[];
  exit: Promise<number | null>;
}

const started: Spawned[] = [];
const scratch: string[] = [];

afterEach(async () => {
  for (const s of started.splice(0)) if (s.child.exitCode === null) s.child.kill('SIGKILL');
  for (const d of scratch.splice(0)) await rm(d, { recursive: true, force: true });
});

function startServer(env: Record<string, string>, args = ['serve']): Spawned {
  const child = spawn(process.execPath, ['--import', 'tsx', 'serving/server.ts', ...args], {
    cwd: REPO_ROOT,
    env: { PATH: process.env['PATH'] ?? '', MPM_BIND_HOST: '127.0.0.1', SAGEMAKER_BIND_TO_PORT: '0', ...env },
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
  const spawned = { child, logs, stderr, exit };
  started.push(spawned);
  return spawned;
}

async function waitForLog(s: Spawned, msg: string, timeoutMs = 20_000): Promise<Record<string, unknown>> {
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
const body = JSON.stringify(demo.rows.slice(0, 5).map((r) => Object.fromEntries(demo.featureNames!.map((n, i) => [n, r[i]]))));

describe('mpm-serve process', () => {
  it('serves /ping and finishes an in-flight request on SIGTERM, flushing its capture line, then exits 0', async () => {
    const captureDir = await mkdtemp(join(tmpdir(), 'mpm-serve-'));
    scratch.push(captureDir);
    // A long flush interval: only the shutdown flush can put the line on disk.
    const s = startServer({ SM_MODEL_DIR: DEMO_MODEL_DIR, MPM_CAPTURE_DIR: captureDir, MPM_CAPTURE_FLUSH_MS: '600000' });
    const url = String((await waitForLog(s, 'listening'))['url']);
    await waitForLog(s, 'model loaded');
    const ping = await fetch(`${url}/ping`);
    expect(ping.status).toBe(200);

    const { port } = new URL(url);
    const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: Number(port),
          method: 'POST',
          path: '/invocations',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            'x-amzn-sagemaker-inference-id': 'in-flight-1',
          },
        },
        (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      // Half of the body now, SIGTERM, the other half later: the request is in flight during shutdown.
      req.write(body.slice(0, 100));
      setTimeout(() => {
        s.child.kill('SIGTERM');
        setTimeout(() => req.end(body.slice(100)), 300);
      }, 200);
    });
    const result = await response;
    const answeredAt = Date.now();
    expect(result.status).toBe(200);
    expect(JSON.parse(result.text)).toHaveLength(5);
    expect(await s.exit).toBe(0);
    // The in-flight answer closes its keep-alive connection, so shutdown does not wait for the client's idle timeout.
    expect(Date.now() - answeredAt).toBeLessThan(3000);
    expect(s.logs.map((l) => l['msg'])).toEqual(expect.arrayContaining(['shutting down: finishing in-flight requests', 'stopped']));

    const hourDirs = await readdir(join(captureDir, 'local-endpoint', 'AllTraffic'), { recursive: true, withFileTypes: true });
    const files = hourDirs.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
    expect(files).toHaveLength(1);
    const lines = (await readFile(files[0]!, 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(1);
    expect(lines[0].eventMetadata.inferenceId).toBe('in-flight-1');
    expect(lines[0].captureData.endpointOutput.data).toBe(result.text);
  });

  it('a shutdown that times out (an upload that never ends) closes it, flushes the answered requests\' capture and exits 1', async () => {
    const captureDir = await mkdtemp(join(tmpdir(), 'mpm-serve-'));
    scratch.push(captureDir);
    // Only the shutdown can flush; the stalled upload outlasts the 1 s shutdown timeout, not the request timeout.
    const s = startServer({ SM_MODEL_DIR: DEMO_MODEL_DIR, MPM_CAPTURE_DIR: captureDir, MPM_CAPTURE_FLUSH_MS: '600000', MPM_SHUTDOWN_TIMEOUT_SECONDS: '1' });
    const url = String((await waitForLog(s, 'listening'))['url']);
    await waitForLog(s, 'model loaded');
    const answered = await fetch(`${url}/invocations`, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-amzn-sagemaker-inference-id': 'answered-1' } });
    expect(answered.status).toBe(200);
    const { port } = new URL(url);
    const stalled = request({ host: '127.0.0.1', port: Number(port), method: 'POST', path: '/invocations', headers: { 'content-type': 'application/json', 'content-length': 1000 } });
    const closed = new Promise<void>((resolve) => stalled.on('error', () => resolve()).on('close', () => resolve()));
    stalled.write('[{"a":1},');
    await new Promise((r) => setTimeout(r, 200));
    const killedAt = Date.now();
    s.child.kill('SIGTERM');
    expect(await s.exit).toBe(1);
    expect(Date.now() - killedAt).toBeLessThan(8000);
    await closed;
    expect(s.logs.map((l) => l['msg'])).toContain('shutdown timed out: closing the connections still open, flushing capture, exiting 1');
    const files = (await readdir(captureDir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
    const lines = (await Promise.all(files.map((f) => readFile(f, 'utf8')))).join('').trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.eventMetadata.inferenceId)).toEqual(['answered-1']);
  });

  it('exits 1 with a clear log line when the model cannot be loaded', async () => {
    const s = startServer({ SM_MODEL_DIR: join(REPO_ROOT, 'does-not-exist') });
    expect(await s.exit).toBe(1);
    const fatal = s.logs.find((l) => l['level'] === 60);
    expect(String((fatal?.['err'] as { message: string }).message)).toMatch(/does not exist; set SM_MODEL_DIR/);
  });

  it('exits 2 naming the bad variable or argument', async () => {
    const bad = startServer({ SAGEMAKER_BIND_TO_PORT: 'eighty' });
    expect(await bad.exit).toBe(2);
    expect(bad.stderr.join('')).toContain('config: invalid environment: SAGEMAKER_BIND_TO_PORT="eighty"');
    const train = startServer({}, ['train']);
    expect(await train.exit).toBe(2);
    expect(train.stderr.join('')).toContain('mpm-serve: unknown command "train"; this image only serves ("serve")');
  });

  it('prints the version for --version and exits 0 without listening or reading the model', () => {
    const version = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'serving/server.ts', '--version'], {
      cwd: REPO_ROOT,
      env: { PATH: process.env['PATH'] ?? '', SM_MODEL_DIR: join(REPO_ROOT, 'does-not-exist') },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`${version}\n`);
    expect(run.stderr).toBe('');
  });
});

describe('configuration', () => {
  it('defaults to the SageMaker contract: port 8080, /opt/ml/model, no capture, requests within 60 s, and the image drops root', () => {
    expect(loadConfig({})).toEqual({ port: 8080, host: '0.0.0.0', modelDir: '/opt/ml/model', logLevel: 'info', shutdownTimeoutMs: 30_000, requestTimeoutMs: 60_000, runAsRoot: false });
  });

  it('reads MPM_RUN_AS_ROOT as true or false in any case, --run-as-root as true, and names a bad value', () => {
    expect(loadConfig({ MPM_RUN_AS_ROOT: 'TRUE' }).runAsRoot).toBe(true);
    expect(loadConfig({ MPM_RUN_AS_ROOT: 'false' }).runAsRoot).toBe(false);
    expect(configFromArgs(['serve', '--run-as-root'], {})).toMatchObject({ runAsRoot: true });
    expect(() => loadConfig({ MPM_RUN_AS_ROOT: 'yes' })).toThrow('config: invalid environment: MPM_RUN_AS_ROOT="yes": expected true or false');
  });

  it('enables capture with MPM_CAPTURE_DIR and reads its settings', () => {
    const config = loadConfig({
      MPM_CAPTURE_DIR: '/data/capture',
      MPM_ENDPOINT_NAME: 'covertype-prod',
      MPM_CAPTURE_SAMPLING_PERCENTAGE: '25',
      MPM_CAPTURE_ROTATE_SECONDS: '300',
      MPM_CAPTURE_JSON_CONTENT_TYPES: 'application/json, Application/JSONLines',
    });
    expect(config.capture).toEqual({
      root: '/data/capture',
      endpointName: 'covertype-prod',
      variantName: 'AllTraffic',
      samplingPercentage: 25,
      rotateAgeMs: 300_000,
      rotateBytes: 16 * 1024 * 1024,
      flushIntervalMs: 1000,
      contentTypes: { json: ['application/json', 'application/jsonlines'], csv: ['text/csv'] },
      escapeOnThread: availableParallelism() > 1,
    });
    expect(loadConfig({ MPM_CAPTURE_DIR: '/c', MPM_CAPTURE_THREAD: 'False' }).capture?.escapeOnThread).toBe(false);
    expect(loadConfig({ MPM_CAPTURE_DIR: '/c', MPM_CAPTURE_THREAD: 'true' }).capture?.escapeOnThread).toBe(true);
    expect(() => loadConfig({ MPM_CAPTURE_THREAD: 'yes' })).toThrow('MPM_CAPTURE_THREAD="yes": expected auto, true or false');
  });

  it('reports every bad variable at once', () => {
    expect(() => loadConfig({ SAGEMAKER_BIND_TO_PORT: '70000', MPM_ENDPOINT_NAME: 'bad name' })).toThrow(
      /^config: invalid environment: SAGEMAKER_BIND_TO_PORT="70000": .*; MPM_ENDPOINT_NAME="bad name": must be a SageMaker endpoint name/,
    );
  });

  it('reads numbers in decimal only, and a blank variable as unset', () => {
    expect(() => loadConfig({ SAGEMAKER_BIND_TO_PORT: '0x1F90' })).toThrow('config: invalid environment: SAGEMAKER_BIND_TO_PORT="0x1F90": expected a decimal number');
    expect(loadConfig({ SAGEMAKER_BIND_TO_PORT: '  ', MPM_CAPTURE_DIR: '/c', MPM_CAPTURE_FLUSH_MS: ' ' })).toMatchObject({ port: 8080, capture: { flushIntervalMs: 1000 } });
    expect(loadConfig({ SAGEMAKER_BIND_TO_PORT: ' 9000 ', MPM_SHUTDOWN_TIMEOUT_SECONDS: '2.5' })).toMatchObject({ port: 9000, shutdownTimeoutMs: 2500 });
    expect(() => loadConfig({ MPM_SHUTDOWN_TIMEOUT_SECONDS: 'Infinity' })).toThrow('MPM_SHUTDOWN_TIMEOUT_SECONDS="Infinity": expected a decimal number');
  });

  it('lets flags override the environment and accepts the "serve" command', () => {
    const config = configFromArgs(['serve', '--port', '9000', '--model-dir', '/m', '--capture-dir', '/c'], { SAGEMAKER_BIND_TO_PORT: '8081' });
    expect(config).toMatchObject({ port: 9000, modelDir: '/m', capture: { root: '/c' } });
    expect(configFromArgs(['--help'], {})).toBe('help');
    expect(() => configFromArgs(['--nope'], {})).toThrow("mpm-serve: Unknown option '--nope'");
  });

  it('refuses a flag given twice with different values, and reads the same value twice once', () => {
    // node:util's parseArgs keeps the last of repeated options: the first port would be dropped without a word.
    expect(() => configFromArgs(['serve', '--port', '9000', '--port', '9001'], {})).toThrow(
      'mpm-serve: --port is given twice with different values ("9000", "9001"); expected it once',
    );
    expect(() => configFromArgs(['--capture-dir=/a', '--capture-dir', '/b'], {})).toThrow('--capture-dir is given twice with different values ("/a", "/b")');
    expect(configFromArgs(['--port', '9000', '--port=9000'], {})).toMatchObject({ port: 9000 });
  });

  it('answers --version and -V with the version only, before reading any setting', () => {
    expect(configFromArgs(['--version'], { SAGEMAKER_BIND_TO_PORT: 'not a port' })).toBe('version');
    expect(configFromArgs(['-V'], {})).toBe('version');
  });
});
