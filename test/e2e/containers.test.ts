/**
 * @module The container chain end to end, as SageMaker runs it: build both images (Dockerfile.monitor,
 * Dockerfile.serving) on an offline Node LTS base, serve the demo model with data capture on, send multi-record
 * requests with inference ids, write their ground truth, then run the monitor image the way Model Monitor does
 * (mounted /opt/ml/processing folders, the contract's environment or processingjobconfig.json, ContainerArguments)
 * and check every output: statistics.json, constraint_violations.json, the message file, the CloudWatch metrics
 * file and the exit code.
 *
 * Docker: an engine already reachable is reused; otherwise a private dockerd is started (root only) and stopped at the
 * end (test/helpers/docker.ts). Without Docker the suite fails under CI=true and is skipped elsewhere, saying why.
 * MPM_CONTAINER_TESTS=skip skips it on purpose (the builds take minutes of both cores).
 *
 * The base image comes from docker/build-base-image.sh (debootstrap + Node from the npm registry), tagged
 * mpm-local/node:24-bookworm. It is kept in the engine, and saved to $MPM_CONTAINER_CACHE_DIR (default
 * $TMPDIR/mpm-container-cache; "off" disables) so that the next run's fresh engine loads it instead of running
 * debootstrap again. MPM_E2E_BASE_IMAGE=<image> uses a given base instead (e.g. node:24-bookworm-slim on a machine
 * that can pull). The two images built here are removed at the end; a started engine is removed with all it held.
 */

import { randomBytes } from 'node:crypto';
import { copyFile, chmod, chown, cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FEATURE_NAMES, generateCovertype } from '../../scripts/covertype/generate.ts';
import { acquireEngine, dockerUnavailableReason, onPath, run, type DockerEngine } from '../helpers/docker.ts';

const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const BASE_TAG = 'mpm-local/node:24-bookworm';
const HOST_CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';
const RUN_ID = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
const MONITOR_IMAGE = `mpm-e2e/monitor:${RUN_ID}`;
const SERVING_IMAGE = `mpm-e2e/serving:${RUN_ID}`;
const ENDPOINT = 'mpm-e2e-endpoint';
const SCHEDULE = 'mpm-e2e-schedule';
const MIN = 60_000;

const isCI = Boolean(process.env.CI) && process.env.CI !== 'false' && process.env.CI !== '0';
const optedOut = process.env.MPM_CONTAINER_TESTS === 'skip';
const cacheDir = process.env.MPM_CONTAINER_CACHE_DIR ?? join(tmpdir(), 'mpm-container-cache');
const baseCacheFile = cacheDir === 'off' ? undefined : join(cacheDir, `${basename(BASE_TAG).replace(':', '-')}.tar`);
const unavailable = optedOut ? undefined : ((await dockerUnavailableReason()) ?? (await baseImageUnavailableReason()));
/** Top-level entries of the checkout that never go into the build context snapshot. */
const SKIP_IN_CONTEXT = new Set(['node_modules', '.git', 'dist', 'coverage', '.tmp', 'test-artifacts', '.demo', '.bench']);

/** The offline base needs root and debootstrap, unless it is cached (file or engine) or another base is named. */
async function baseImageUnavailableReason(): Promise<string | undefined> {
  if (process.env.MPM_E2E_BASE_IMAGE || (baseCacheFile && existsSync(baseCacheFile))) return undefined;
  if (process.getuid?.() === 0 && (await onPath('debootstrap'))) return undefined;
  const inEngine = await run('docker', ['image', 'inspect', BASE_TAG], { allowFailure: true, timeoutMs: 10_000 }).catch(() => undefined);
  if (inEngine?.code === 0) return undefined;
  return `building the offline base image ${BASE_TAG} needs root and debootstrap (apt-get install debootstrap); or set MPM_E2E_BASE_IMAGE=node:24-bookworm-slim`;
}

if (optedOut || (unavailable && !isCI)) {
  console.warn(`containers: skipped: ${optedOut ? 'MPM_CONTAINER_TESTS=skip' : unavailable}`);
}
if (optedOut) {
  describe.skip('container images (skipped: MPM_CONTAINER_TESTS=skip)', () => {
    it('builds and runs the serving and monitor images', () => {});
  });
} else if (unavailable && !isCI) {
  describe.skip(`container images (skipped: ${unavailable})`, () => {
    it('builds and runs the serving and monitor images', () => {});
  });
} else if (unavailable) {
  describe('container images', () => {
    it('needs Docker under CI', () => {
      throw new Error(
        `containers: Docker is not available: ${unavailable}. .ci/run installs docker.io, iptables, busybox-static and debootstrap; ` +
          'the test starts dockerd itself when it runs as root. Set MPM_CONTAINER_TESTS=skip to skip this suite on purpose.',
      );
    });
  });
} else {
  describe('container images', { timeout: 5 * MIN }, () => {
    let engine: DockerEngine | undefined;
    let work = '';
    let uid = '';
    const timings: Record<string, number> = {};
    const sizes: Record<string, number> = {};
    const containers: string[] = [];

    /** What the serving container answered, for the monitor's expected values. */
    const sent = { requests: 0, records: 0, correct: 0, ids: [] as string[], start: 0, end: 0 };

    const docker = (args: readonly string[], options?: Parameters<DockerEngine['docker']>[1]) => engine!.docker(args, options);
    const timed = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
      const t0 = Date.now();
      try {
        return await fn();
      } finally {
        timings[name] = Date.now() - t0;
      }
    };

    /** A folder the image user can write: chowned when we are root, else opened to everyone. */
    const writableDir = async (...parts: string[]): Promise<string> => {
      const dir = join(work, ...parts);
      await mkdir(dir, { recursive: true });
      const [u, g] = uid.split(':').map(Number);
      if (process.getuid?.() === 0) await chown(dir, u!, g ?? u!);
      else await chmod(dir, 0o777);
      return dir;
    };

    beforeAll(async () => {
      engine = await timed('engine', acquireEngine);
      work = await mkdtemp(join(tmpdir(), 'mpm-e2e-containers-'));
      const base = process.env.MPM_E2E_BASE_IMAGE ?? (await timed('base image', () => ensureBaseImage(engine!)));

      // A snapshot of the checkout as the build context (others may be editing it meanwhile), with the host's CA bundle
      // as the opt-in docker/certs/ file: this network re-signs TLS, and npm ci inside the build needs to trust it.
      const context = join(work, 'context');
      await cp(REPO, context, { recursive: true, filter: (src) => !SKIP_IN_CONTEXT.has(relative(REPO, src)) });
      if (existsSync(HOST_CA_BUNDLE)) await copyFile(HOST_CA_BUNDLE, join(context, 'docker/certs/e2e-host-ca.pem'));

      const logFile = join(work, 'build.log');
      for (const [name, dockerfile, tag] of [
        ['monitor', 'Dockerfile.monitor', MONITOR_IMAGE],
        ['serving', 'Dockerfile.serving', SERVING_IMAGE],
      ] as const) {
        await timed(`build ${name}`, () =>
          docker(['build', '--network', 'host', '--build-arg', `BASE_IMAGE=${base}`, '-f', join(context, dockerfile), '-t', tag, context], {
            timeoutMs: 15 * MIN,
            logFile,
          }),
        );
        sizes[name] = Number((await docker(['image', 'inspect', '-f', '{{.Size}}', tag])).stdout.trim());
      }
      sizes.base = Number((await docker(['image', 'inspect', '-f', '{{.Size}}', base])).stdout.trim());
      uid = (await docker(['image', 'inspect', '-f', '{{.Config.User}}', MONITOR_IMAGE])).stdout.trim();
    }, 25 * MIN);

    afterAll(async () => {
      const mb = (n: number | undefined) => (n === undefined ? '?' : `${Math.round(n / 1e6)} MB`);
      console.log(
        `containers: ${engine?.description ?? 'no engine'}; ` +
          Object.entries(timings)
            .map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`)
            .join(', ') +
          `; sizes: base ${mb(sizes.base)}, monitor ${mb(sizes.monitor)}, serving ${mb(sizes.serving)}`,
      );
      if (engine) {
        if (containers.length > 0) await docker(['rm', '-f', ...containers], { allowFailure: true }).catch(() => {});
        if (!engine.started) await docker(['rmi', '-f', MONITOR_IMAGE, SERVING_IMAGE], { allowFailure: true }).catch(() => {});
        // Files the container user wrote: removable by root; otherwise remove them through a container.
        if (work && process.getuid?.() !== 0) {
          await docker(['run', '--rm', '--network', 'none', '--user', '0', '-v', `${work}:/w`, '--entrypoint', 'sh', MONITOR_IMAGE, '-c', 'rm -rf /w/*'], {
            allowFailure: true,
          }).catch(() => {});
        }
        await engine.stop();
      }
      if (work) await rm(work, { recursive: true, force: true });
    }, 3 * MIN);

    it('runs as a non-root user with the SageMaker entrypoints, and ships only the runtime', async () => {
      const inspect = async (image: string) =>
        JSON.parse((await docker(['image', 'inspect', '-f', '{{json .Config}}', image])).stdout) as {
          User: string;
          Entrypoint: string[];
          Cmd: string[] | null;
          Env: string[];
          ExposedPorts?: Record<string, unknown>;
        };
      const monitor = await inspect(MONITOR_IMAGE);
      const serving = await inspect(SERVING_IMAGE);
      expect(monitor.User).toMatch(/^[1-9]\d*:\d+$/);
      expect(serving.User).toBe(monitor.User);
      expect(monitor.Entrypoint).toEqual(['node', '/app/dist/monitor/cli.js']);
      expect(monitor.Cmd ?? []).toEqual([]);
      expect(serving.Entrypoint).toEqual(['node', '/app/dist/serving/server.js']);
      expect(serving.Cmd).toEqual(['serve']);
      expect(Object.keys(serving.ExposedPorts ?? {})).toEqual(['8080/tcp']);
      for (const env of [monitor.Env, serving.Env]) expect(env.filter((e) => /CA_CERTS|cafile/i.test(e))).toEqual([]);

      const [u] = monitor.User.split(':');
      const probe = [
        'set -e',
        'id -u',
        'ls -A /app | tr "\\n" " "; echo',
        'ls -A /app/dist | tr "\\n" " "; echo',
        'node --version',
        // No compiler, no sources, no CA bundle from the build stage.
        'for p in /app/node_modules/typescript /app/node_modules/vitest /app/monitor /app/serving /tmp/mpm-certs /tmp/mpm-extra-ca.pem; do test ! -e $p || echo "present: $p"; done',
        'stat -c "%u %n" /opt/ml/output /opt/ml/output/metrics/cloudwatch /opt/ml/processing/output /opt/ml/config 2>/dev/null || true',
        'ls -A /opt/ml/model 2>/dev/null | wc -l',
      ].join('; ');
      const look = async (image: string) =>
        (await docker(['run', '--rm', '--network', 'none', '--entrypoint', 'sh', image, '-c', probe])).stdout.trim().split('\n');
      const m = await look(MONITOR_IMAGE);
      expect(m[0]).toBe(u);
      expect(m[1]!.trim().split(' ').sort()).toEqual(['dist', 'node_modules', 'package.json']);
      expect(m[2]!.trim()).toBe('monitor');
      expect(m[3]).toMatch(/^v(22|24)\./);
      expect(m.filter((l) => l.startsWith('present:'))).toEqual([]);
      expect(m.filter((l) => l.includes('/opt/ml/')).map((l) => l.split(' ')[0])).toEqual([u, u, u, u]);
      const s = await look(SERVING_IMAGE);
      expect(s[0]).toBe(u);
      expect(s[1]!.trim().split(' ').sort()).toEqual(['dist', 'node_modules', 'package.json']);
      expect(s[2]!.trim()).toBe('serving');
      expect(s.filter((l) => l.startsWith('present:'))).toEqual([]);
      expect(s.at(-1)).toBe('0'); // no model baked in
    });

    it('serving: answers /ping and multi-record /invocations from the mounted model, and captures every request', async () => {
      const capture = await writableDir('capture');
      const port = await freePort();
      const name = `mpm-e2e-serving-${RUN_ID}`;
      containers.push(name);
      await docker([
        'run', '-d', '--name', name, '--network', 'host',
        '-e', `SAGEMAKER_BIND_TO_PORT=${port}`,
        '-e', 'MPM_BIND_HOST=127.0.0.1',
        '-e', 'MPM_CAPTURE_DIR=/opt/ml/capture',
        '-e', `MPM_ENDPOINT_NAME=${ENDPOINT}`,
        '-e', 'MPM_CAPTURE_FLUSH_MS=200',
        '-v', `${join(REPO, 'demo/model')}:/opt/ml/model:ro`,
        '-v', `${capture}:/opt/ml/capture`,
        SERVING_IMAGE, 'serve',
      ]);
      const url = `http://127.0.0.1:${port}`;
      await waitForPing(url, name);

      // Multi-record requests of different sizes, some drifted, each with an inference id.
      const sizes = [1, 50, 7, 23, 40, 2, 31, 12, 50, 9, 18, 26];
      sent.start = Date.now();
      const groundTruth: string[] = [];
      for (const [i, n] of sizes.entries()) {
        const { rows, labels } = generateCovertype({ n, seed: 1000 + i, drift: i % 3 === 2 ? 0.6 : 0 });
        const records = rows.map((row) => Object.fromEntries(FEATURE_NAMES.map((f, j) => [f, row[j]])));
        const id = `e2e-${RUN_ID}-${i}`;
        const res = await fetch(`${url}/invocations`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json', 'x-amzn-sagemaker-inference-id': id },
          body: JSON.stringify(records),
        });
        const text = await res.text();
        expect(res.status, text).toBe(200);
        const predictions = JSON.parse(text) as Array<{ payload_index: number; label: number; score: number }>;
        expect(predictions.map((p) => p.payload_index)).toEqual(labels.map((_, k) => k));
        for (const [k, p] of predictions.entries()) {
          expect(p.label).toBeTypeOf('number');
          if (p.label === labels[k]) sent.correct++;
          groundTruth.push(JSON.stringify({ InferenceId: id, payload_index: k, groundTruthLabel: labels[k] }));
        }
        sent.ids.push(id);
        sent.records += n;
        sent.requests++;
      }
      sent.end = Date.now();
      expect(sent.correct).toBeGreaterThan(0);
      expect(sent.correct).toBeLessThan(sent.records);

      // SIGTERM (what SageMaker sends) flushes the capture and exits 0.
      await docker(['stop', '-t', '30', name]);
      expect((await docker(['inspect', '-f', '{{.State.ExitCode}}', name])).stdout.trim()).toBe('0');
      await docker(['rm', name]);
      containers.splice(containers.indexOf(name), 1);

      const files = await listFiles(capture);
      expect(files.length).toBeGreaterThan(0);
      for (const f of files) expect(relative(capture, f)).toMatch(new RegExp(`^${ENDPOINT}/AllTraffic/\\d{4}/\\d{2}/\\d{2}/\\d{2}/[^/]+\\.jsonl$`));
      const lines = (await Promise.all(files.map((f) => readFile(f, 'utf8')))).flatMap((t) => t.split('\n').filter(Boolean));
      const events = lines.map((l) => JSON.parse(l) as { eventMetadata: { inferenceId?: string }; captureData: { endpointInput: { encoding: string } } });
      expect(events.map((e) => e.eventMetadata.inferenceId).sort()).toEqual([...sent.ids].sort());
      expect(new Set(events.map((e) => e.captureData.endpointInput.encoding))).toEqual(new Set(['JSON']));

      // Ground truth in the seed's layout: groundtruth/yyyy/mm/dd/hh/*.jsonl, partitioned by collection time (now).
      const gtDir = join(work, 'groundtruth', hourPath(new Date()));
      await mkdir(gtDir, { recursive: true });
      await writeFile(join(gtDir, `labels-${RUN_ID}.jsonl`), `${groundTruth.join('\n')}\n`);

      // The baseline: accuracy must not fall below 0.5 (the demo model scores about 0.8 on this data).
      const constraintsDir = join(work, 'baseline', 'constraints');
      await mkdir(constraintsDir, { recursive: true });
      await writeFile(
        join(constraintsDir, 'constraints.json'),
        JSON.stringify({ version: 0.0, multiclass_classification_constraints: { accuracy: { threshold: 0.5, comparison_operator: 'LessThanThreshold' } } }),
      );
    });

    /** The environment Model Monitor gives a model-quality execution. */
    const contractEnvironment = (): Record<string, string> => {
      const start = floorHour(sent.start);
      const end = floorHour(sent.end) + 3_600_000;
      return {
        dataset_format: JSON.stringify({ sagemakerCaptureJson: { captureIndexNames: ['endpointInput', 'endpointOutput'] } }),
        dataset_source: '/opt/ml/processing/input/endpoint',
        output_path: '/opt/ml/processing/output',
        publish_cloudwatch_metrics: 'Enabled',
        sagemaker_endpoint_name: ENDPOINT,
        sagemaker_monitoring_schedule_name: SCHEDULE,
        start_time: contractTime(start),
        end_time: contractTime(end),
        metric_time: contractTime(start),
        baseline_constraints: '/opt/ml/processing/baseline/constraints/constraints.json',
        analysis_type: 'MODEL_QUALITY',
        problem_type: 'MulticlassClassification',
      };
    };

    interface MonitorRun {
      code: number;
      log: string;
      message: string;
      statistics: { dataset: { item_count: number }; multiclass_classification_metrics: { accuracy: { value: number } } };
      violations: { violations: Array<{ metric_name: string; constraint_check_type: string }> };
      metrics: Array<{ MetricName: string; Timestamp: string; Value: number; Unit: string; Dimensions: Array<{ Name: string; Value: string }> }>;
    }

    /** Runs the monitor image as a Processing job would: mounts, environment (or job config), arguments. */
    const runMonitor = async (label: string, options: { env?: Record<string, string>; jobConfig?: Record<string, string>; args?: string[] }): Promise<MonitorRun> => {
      const output = await writableDir(label, 'processing-output');
      const mlOutput = await writableDir(label, 'ml-output');
      const mounts = [
        '-v', `${join(work, 'capture')}:/opt/ml/processing/input/endpoint:ro`,
        '-v', `${join(work, 'groundtruth')}:/opt/ml/processing/groundtruth:ro`,
        '-v', `${join(work, 'baseline', 'constraints')}:/opt/ml/processing/baseline/constraints:ro`,
        '-v', `${output}:/opt/ml/processing/output`,
        '-v', `${mlOutput}:/opt/ml/output`,
      ];
      if (options.jobConfig) {
        const configDir = join(work, label, 'config');
        await mkdir(configDir, { recursive: true });
        const job = {
          ProcessingJobName: `model-quality-monitoring-${RUN_ID}`,
          AppSpecification: { ImageUri: MONITOR_IMAGE, ContainerEntrypoint: null, ContainerArguments: options.args ?? null },
          Environment: options.jobConfig,
        };
        await writeFile(join(configDir, 'processingjobconfig.json'), JSON.stringify(job));
        await writeFile(join(configDir, 'resourceconfig.json'), JSON.stringify({ current_host: 'algo-1', hosts: ['algo-1'] }));
        mounts.push('-v', `${configDir}:/opt/ml/config:ro`);
      }
      const envArgs = Object.entries(options.env ?? {}).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
      const name = `mpm-e2e-monitor-${label}-${RUN_ID}`;
      containers.push(name);
      const result = await docker(['run', '--name', name, '--network', 'none', ...mounts, ...envArgs, MONITOR_IMAGE, ...(options.args ?? [])], {
        allowFailure: true,
        timeoutMs: 3 * MIN,
      });
      await docker(['rm', '-f', name], { allowFailure: true });
      containers.splice(containers.indexOf(name), 1);
      const log = `${result.stdout}\n${result.stderr}`;
      const readJson = async (file: string) => JSON.parse(await readFile(file, 'utf8').catch(() => 'null'));
      const metricsFile = join(mlOutput, 'metrics', 'cloudwatch', 'cloudwatch_metrics.jsonl');
      return {
        code: result.code,
        log,
        message: await readFile(join(mlOutput, 'message'), 'utf8').catch(() => '(no message file)'),
        statistics: await readJson(join(output, 'statistics.json')),
        violations: await readJson(join(output, 'constraint_violations.json')),
        metrics: existsSync(metricsFile)
          ? (await readFile(metricsFile, 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l))
          : [],
      };
    };

    const expectReport = (r: MonitorRun, metricTime: string) => {
      expect(r.statistics?.dataset.item_count, r.log).toBe(sent.records);
      expect(r.statistics.multiclass_classification_metrics.accuracy.value).toBeCloseTo(sent.correct / sent.records, 12);
      expect(r.metrics.length, 'CloudWatch metrics file').toBeGreaterThan(0);
      for (const line of r.metrics) {
        expect(line.Dimensions).toEqual(
          expect.arrayContaining([
            { Name: 'Endpoint', Value: ENDPOINT },
            { Name: 'MonitoringSchedule', Value: SCHEDULE },
          ]),
        );
        expect(Date.parse(line.Timestamp)).toBe(Date.parse(metricTime));
        expect(Number.isFinite(line.Value)).toBe(true);
      }
      const accuracy = r.metrics.find((m) => m.MetricName === 'accuracy');
      expect(accuracy?.Value).toBeCloseTo(sent.correct / sent.records, 12);
    };

    it('monitor: a Model Monitor execution from the environment completes with no violations', async () => {
      const env = contractEnvironment();
      const r = await runMonitor('env', { env });
      expect(r.code, r.log).toBe(0);
      expect(r.message).toBe('Completed: Job completed successfully with no violations.');
      expect(r.violations).toEqual({ violations: [] });
      expectReport(r, env.metric_time!);
    });

    it('monitor: reads the same settings from /opt/ml/config/processingjobconfig.json "Environment"', async () => {
      const env = contractEnvironment();
      const r = await runMonitor('job-config', { jobConfig: env });
      expect(r.code, r.log).toBe(0);
      expect(r.message).toBe('Completed: Job completed successfully with no violations.');
      expect(r.violations).toEqual({ violations: [] });
      expectReport(r, env.metric_time!);
    });

    it('monitor: --create-violation-tests (a ContainerArgument) completes with the synthetic violation', async () => {
      const env = contractEnvironment();
      const r = await runMonitor('violation-tests', { env, args: ['--create-violation-tests'] });
      expect(r.code, r.log).toBe(0);
      const n = r.violations.violations.length;
      expect(n).toBeGreaterThan(0);
      // The built-in analyzer's words; for one violation mpm writes "1 violation." (see docs/containers.md).
      expect(r.message).toMatch(new RegExp(`^CompletedWithViolations: Job completed successfully with ${n} violations?\\.$`));
      expect(r.violations.violations.map((v) => v.metric_name)).toContain('mpm_synthetic_violation_test');
      expectReport(r, env.metric_time!);
    });

    it('monitor: a broken configuration fails the job with a non-zero exit code and a Failed message', async () => {
      const env = { ...contractEnvironment(), baseline_constraints: '/opt/ml/processing/baseline/constraints/missing.json' };
      const r = await runMonitor('bad-config', { env });
      expect(r.code, r.log).toBe(2);
      expect(r.message).toMatch(/^Failed: .*baseline_constraints/);
    });
  });
}

/** Builds (or loads from the file cache) the offline base image; returns its tag. */
async function ensureBaseImage(engine: DockerEngine): Promise<string> {
  const env = { ...engine.env, ...(baseCacheFile ? { BASE_IMAGE_CACHE: baseCacheFile } : {}) };
  await run('bash', [join(REPO, 'docker/build-base-image.sh'), BASE_TAG], { env, timeoutMs: 15 * MIN });
  return BASE_TAG;
}

async function waitForPing(url: string, container: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const res = await fetch(`${url}/ping`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`serving: ${url}/ping did not answer 200 within 60 s (container ${container})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(path)));
    else out.push(path);
  }
  return out.sort();
}

const pad = (n: number) => String(n).padStart(2, '0');
function hourPath(d: Date): string {
  return `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/${pad(d.getUTCHours())}`;
}
function floorHour(ms: number): number {
  return Math.floor(ms / 3_600_000) * 3_600_000;
}
/** The contract's YYYY-MM-DDTHH:MM:SSZ. */
function contractTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}
