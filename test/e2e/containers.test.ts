/**
 * @module The container chain end to end, as SageMaker runs it: build both images (Dockerfile.monitor,
 * Dockerfile.serving) on an offline Node LTS base, serve the demo model with data capture on, send multi-record
 * requests with inference ids, write their ground truth, then run the monitor image the way Model Monitor does
 * (mounted /opt/ml/processing folders, the contract's environment or processingjobconfig.json, ContainerArguments)
 * and check every output: statistics.json, constraint_violations.json, the message file, the CloudWatch metrics
 * file and the exit code.
 *
 * Every folder the platform mounts is made here as SageMaker makes it: created by root, owned by root, mode 0755 (never
 * chmod 777): /opt/ml/processing/output, /opt/ml/output, /opt/ml/config and the inputs (the model, read-only). The
 * images start as root, make the folders they write writable for their user (MPM_IMAGE_USER, uid 10001) and drop to
 * it; /proc/1/status inside the running containers shows node as that user, the files they write belong to it, and
 * every input keeps its owner, mode and mtime. The same runs with `docker run --user 10001`, with
 * MPM_RUN_AS_ROOT=true, without CAP_SETUID, and on a read-only root file system.
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
import { copyFile, chmod, chown, cp, lstat, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FEATURE_NAMES, generateCovertype } from '../../scripts/covertype/generate.ts';
import { acquireEngine, dockerUnavailableReason, onPath, run, type DockerEngine } from '../helpers/docker.ts';
import { SERVING_NODE_FLAGS } from '../../serving/node-flags.ts';

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
    /** The image user, uid:gid, from the images' MPM_IMAGE_USER. */
    let imageUser = '';
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

    /**
     * Gives paths to an owner with a mode, as root on the host does (chown + chmod). A test that does not run as root
     * (a reused engine) does it through a container started as root.
     */
    const setOwner = async (owner: string, mode: number, paths: string[]): Promise<void> => {
      const [u, g] = owner.split(':').map(Number);
      if (process.getuid?.() === 0) {
        for (const p of paths) {
          await chown(p, u!, g!);
          await chmod(p, mode);
        }
        return;
      }
      const inner = paths.map((p) => `/w/${relative(work, p)}`);
      await docker(['run', '--rm', '--network', 'none', '--user', '0', '-v', `${work}:/w`, '--entrypoint', 'sh', MONITOR_IMAGE, '-c', `chown ${owner} "$@" && chmod ${mode.toString(8)} "$@"`, 'sh', ...inner]);
    };

    /** A folder as SageMaker mounts one: created by root, owned by root, mode 0755. */
    const rootOwnedDir = async (...parts: string[]): Promise<string> => {
      const dir = join(work, ...parts);
      await mkdir(dir, { recursive: true });
      await setOwner('0:0', 0o755, [dir]);
      return dir;
    };

    /** Owner, mode and mtime of every entry below each root: what "inputs stay unchanged" compares. */
    const snapshot = async (...roots: string[]): Promise<Record<string, string>> => {
      const out: Record<string, string> = {};
      const visit = async (p: string): Promise<void> => {
        const s = await lstat(p);
        out[relative(work, p)] = `${s.uid}:${s.gid} ${(s.mode & 0o7777).toString(8)} ${s.mtimeMs}`;
        if (s.isDirectory()) for (const e of (await readdir(p)).sort()) await visit(join(p, e));
      };
      for (const r of roots) await visit(r);
      return out;
    };
    const ownerOf = async (p: string): Promise<string> => {
      const s = await lstat(p);
      return `${s.uid}:${s.gid} ${(s.mode & 0o777).toString(8)}`;
    };
    /** The uid, gid and effective capabilities of PID 1 in a running container, from /proc/1/status. */
    const pid1 = async (container: string): Promise<{ Uid: string; Gid: string; Groups: string; CapEff: string; cmdline: string[] }> => {
      const status = (await docker(['exec', container, 'cat', '/proc/1/status'])).stdout;
      const field = (name: string) => (new RegExp(`^${name}:\\t?(.*)$`, 'm').exec(status)?.[1] ?? '').trim().replace(/\s+/g, ' ');
      const cmdline = (await docker(['exec', container, 'cat', '/proc/1/cmdline'])).stdout.split('\0').filter(Boolean);
      return { Uid: field('Uid'), Gid: field('Gid'), Groups: field('Groups'), CapEff: field('CapEff'), cmdline };
    };
    /** The image user four times over, as /proc/<pid>/status lists real, effective, saved and filesystem ids. */
    const asImageUser = () => {
      const [u, g] = imageUser.split(':');
      return { Uid: `${u} ${u} ${u} ${u}`, Gid: `${g} ${g} ${g} ${g}`, Groups: '', CapEff: '0000000000000000' };
    };
    /** The messages of the log lines that report the privilege decision (exactly one per process start). */
    const privilegeLines = (log: string): string[] =>
      log
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => (JSON.parse(l) as { msg?: string }).msg ?? '')
        .filter((m) => /^(dropped root|running as)/.test(m));

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
      const env = JSON.parse((await docker(['image', 'inspect', '-f', '{{json .Config.Env}}', MONITOR_IMAGE])).stdout) as string[];
      imageUser = env.find((e) => e.startsWith('MPM_IMAGE_USER='))?.slice('MPM_IMAGE_USER='.length) ?? '';
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

    it('starts as root with its unprivileged user as an image property, the SageMaker entrypoints, and ships only the runtime', async () => {
      const inspect = async (image: string) =>
        JSON.parse((await docker(['image', 'inspect', '-f', '{{json .Config}}', image])).stdout) as {
          User?: string;
          Entrypoint: string[];
          Cmd: string[] | null;
          Env: string[];
          ExposedPorts?: Record<string, unknown>;
        };
      const monitor = await inspect(MONITOR_IMAGE);
      const serving = await inspect(SERVING_IMAGE);
      // No USER: the platform's root-owned mounts are made writable first, then the process drops to MPM_IMAGE_USER.
      expect(monitor.User ?? '').toBe('');
      expect(serving.User ?? '').toBe('');
      expect(imageUser).toBe('10001:10001');
      expect(serving.Env).toContain(`MPM_IMAGE_USER=${imageUser}`);
      expect(monitor.Entrypoint).toEqual(['node', '/app/dist/monitor/cli.js']);
      expect(monitor.Cmd ?? []).toEqual([]);
      expect(serving.Entrypoint).toEqual(['node', ...SERVING_NODE_FLAGS, '/app/dist/serving/server.js']);
      expect(serving.Cmd).toEqual(['serve']);
      expect(Object.keys(serving.ExposedPorts ?? {})).toEqual(['8080/tcp']);
      for (const env of [monitor.Env, serving.Env]) expect(env.filter((e) => /CA_CERTS|cafile/i.test(e))).toEqual([]);

      const [u, g] = imageUser.split(':');
      const probe = [
        'set -e',
        'id -u',
        `getent passwd ${u} | cut -d: -f1,3,4`,
        'ls -A /app | tr "\\n" " "; echo',
        'ls -A /app/dist | tr "\\n" " "; echo',
        'node --version',
        // No compiler, no sources, no CA bundle from the build stage; no setuid helper.
        'for p in /app/node_modules/typescript /app/node_modules/vitest /app/monitor /app/serving /tmp/mpm-certs /tmp/mpm-extra-ca.pem; do test ! -e $p || echo "present: $p"; done',
        'stat -c "%u:%g %a %n" /opt/ml/output /opt/ml/output/metrics/cloudwatch /opt/ml/processing/output /opt/ml/config 2>/dev/null || true',
        'ls -A /opt/ml/model 2>/dev/null | wc -l',
      ].join('; ');
      const look = async (image: string) =>
        (await docker(['run', '--rm', '--network', 'none', '--entrypoint', 'sh', image, '-c', probe])).stdout.trim().split('\n');
      const m = await look(MONITOR_IMAGE);
      expect(m[0]).toBe('0');
      expect(m[1]).toBe(`mpm:${u}:${g}`);
      expect(m[2]!.trim().split(' ').sort()).toEqual(['dist', 'node_modules', 'package.json']);
      expect(m[3]!.trim().split(' ').sort()).toEqual(['monitor']);
      expect(m[4]).toMatch(/^v(22|24)\./);
      expect(m.filter((l) => l.startsWith('present:'))).toEqual([]);
      // Without mounts (and for `docker run --user 10001`), the folders the job writes are the user's already; the
      // job config folder is an input and stays root's.
      expect(m.filter((l) => l.includes('/opt/ml/'))).toEqual([
        `${imageUser} 755 /opt/ml/output`,
        `${imageUser} 755 /opt/ml/output/metrics/cloudwatch`,
        `${imageUser} 755 /opt/ml/processing/output`,
        '0:0 755 /opt/ml/config',
      ]);
      const s = await look(SERVING_IMAGE);
      expect(s[0]).toBe('0');
      expect(s[1]).toBe(`mpm:${u}:${g}`);
      expect(s[2]!.trim().split(' ').sort()).toEqual(['dist', 'node_modules', 'package.json']);
      expect(s[3]!.trim().split(' ').sort()).toEqual(['monitor', 'serving']);
      expect(s.filter((l) => l.startsWith('present:'))).toEqual([]);
      expect(s.at(-1)).toBe('0'); // no model baked in
      // Of the monitor, the server image holds only the privilege step, the worker starter, the WebAssembly loader, the
      // log destination, the capped file read (the model file), the decimal-number rule (settings) and the version
      // (--version) both share (Node alone).
      const shared = await docker(['run', '--rm', '--network', 'none', '--entrypoint', 'sh', SERVING_IMAGE, '-c', 'cd /app/dist && find monitor -type f | sort']);
      expect(shared.stdout.trim().split('\n')).toEqual([
        'monitor/runtime/decimal.js',
        'monitor/runtime/least-privilege.js',
        'monitor/runtime/log-destination.js',
        'monitor/runtime/make-folder.js',
        'monitor/runtime/module-worker.js',
        'monitor/runtime/own-folder.js',
        'monitor/runtime/package-version.js',
        'monitor/runtime/read-capped-file.js',
        'monitor/runtime/wasm-instance.js',
      ]);
      // --version from the package.json each image keeps at /app: printed alone, nothing started.
      const version = (JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
      for (const image of [MONITOR_IMAGE, SERVING_IMAGE]) {
        expect((await docker(['run', '--rm', '--network', 'none', image, '--version'])).stdout, image).toBe(`${version}\n`);
      }
    });

    it('serving: answers /ping and multi-record /invocations from a root-owned read-only model as the image user, and captures every request into a root-owned folder', async () => {
      // As SageMaker provides them: the model extracted by root (folder 0755, file 0644) and mounted read-only; the
      // capture folder created by root, 0755.
      const model = await rootOwnedDir('model');
      await copyFile(join(REPO, 'demo/model/xgboost-model.json'), join(model, 'xgboost-model.json'));
      await setOwner('0:0', 0o644, [join(model, 'xgboost-model.json')]);
      const capture = await rootOwnedDir('capture');
      const modelBefore = await snapshot(model);
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
        // The escaping thread (escape-worker.js, started through module-worker.js) in the image.
        '-e', 'MPM_CAPTURE_THREAD=true',
        '-v', `${model}:/opt/ml/model:ro`,
        '-v', `${capture}:/opt/ml/capture`,
        SERVING_IMAGE, 'serve',
      ]);
      const url = `http://127.0.0.1:${port}`;
      await waitForPing(url, name);
      // node is PID 1 (signals reach it) and runs as the image user, without supplementary groups or capabilities.
      expect(await pid1(name)).toEqual({ ...asImageUser(), cmdline: ['node', ...SERVING_NODE_FLAGS, '/app/dist/serving/server.js', 'serve'] });

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
      const serverLog = await docker(['logs', name]);
      // The escaping thread started from the image's files and never fell back to the request thread.
      expect(serverLog.stdout).toContain('"captureThread":true');
      expect(serverLog.stdout).not.toContain('escaping thread failed');
      expect(privilegeLines(serverLog.stdout)).toEqual([`dropped root: running as uid ${imageUser.replace(':', ' gid ')}; written folders: /opt/ml/capture (was 0:0 0755)`]);
      await docker(['rm', name]);
      containers.splice(containers.indexOf(name), 1);

      // The capture folder was given to the image user, which wrote every capture file; the model is untouched.
      expect(await ownerOf(capture)).toBe(`${imageUser} 755`);
      expect(await snapshot(model)).toEqual(modelBefore);
      const files = await listFiles(capture);
      expect(files.length).toBeGreaterThan(0);
      for (const f of files) expect(`${relative(capture, f)} ${(await ownerOf(f)).split(' ')[0]}`).toBe(`${relative(capture, f)} ${imageUser}`);
      for (const f of files) expect(relative(capture, f)).toMatch(new RegExp(`^${ENDPOINT}/AllTraffic/\\d{4}/\\d{2}/\\d{2}/\\d{2}/[^/]+\\.jsonl$`));
      const lines = (await Promise.all(files.map((f) => readFile(f, 'utf8')))).flatMap((t) => t.split('\n').filter(Boolean));
      const events = lines.map((l) => JSON.parse(l) as { eventMetadata: { inferenceId?: string }; captureData: { endpointInput: { encoding: string } } });
      expect(events.map((e) => e.eventMetadata.inferenceId).sort()).toEqual([...sent.ids].sort());
      expect(new Set(events.map((e) => e.captureData.endpointInput.encoding))).toEqual(new Set(['JSON']));

      // The monitor's inputs, as a processing job downloads them: root's, folders 0755 and files 0644. The capture
      // is a copy of what the server wrote.
      await cp(capture, join(work, 'inputs', 'endpoint'), { recursive: true });

      // Ground truth in the seed's layout: groundtruth/yyyy/mm/dd/hh/*.jsonl, partitioned by collection time (now).
      const gtDir = join(work, 'inputs', 'groundtruth', hourPath(new Date()));
      await mkdir(gtDir, { recursive: true });
      await writeFile(join(gtDir, `labels-${RUN_ID}.jsonl`), `${groundTruth.join('\n')}\n`);

      // The baseline: accuracy must not fall below 0.5 (the demo model scores about 0.8 on this data).
      const constraintsDir = join(work, 'inputs', 'baseline', 'constraints');
      await mkdir(constraintsDir, { recursive: true });
      await writeFile(
        join(constraintsDir, 'constraints.json'),
        JSON.stringify({ version: 0.0, multiclass_classification_constraints: { accuracy: { threshold: 0.5, comparison_operator: 'LessThanThreshold' } } }),
      );
      const entries = Object.keys(await snapshot(join(work, 'inputs'))).map((p) => join(work, p));
      const isDir = await Promise.all(entries.map(async (p) => (await lstat(p)).isDirectory()));
      await setOwner('0:0', 0o755, entries.filter((_, i) => isDir[i]));
      await setOwner('0:0', 0o644, entries.filter((_, i) => !isDir[i]));
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
      /** The host folders mounted at /opt/ml/processing/output, /opt/ml/output and /opt/ml/config. */
      dirs: { output: string; mlOutput: string; config: string };
      /** uid:gid of every file written into the output folders (path relative to the run's folder). */
      written: Record<string, string>;
    }

    interface MonitorOptions {
      env?: Record<string, string>;
      /** processingjobconfig.json "Environment" (the file is always there, as on SageMaker; without it, no Environment). */
      jobConfig?: Record<string, string>;
      args?: string[];
      /** Extra `docker run` options (--user, --read-only, --cap-drop ...). */
      dockerOptions?: string[];
      /** Owner of the output mounts instead of root (uid:gid), e.g. for `--user 10001` with folders it owns. */
      outputOwner?: string;
      /** Start detached and return the container name instead of waiting (the SIGTERM test). */
      network?: 'none' | 'host';
      /** resourceconfig.json's current_host and hosts (default: algo-1 of one). */
      hosts?: { current: string; all: string[] };
      /** The folder mounted as the endpoint's capture (default inputs/endpoint): a host's shard. */
      endpointDir?: string;
    }

    /** The mounts of a Processing job: root-owned 0755 folders, the inputs read-write (a stray write would show). */
    const jobMounts = async (label: string, options: MonitorOptions) => {
      const output = await rootOwnedDir(label, 'processing-output');
      const mlOutput = await rootOwnedDir(label, 'ml-output');
      const config = await rootOwnedDir(label, 'config');
      const job = {
        ProcessingJobName: `model-quality-monitoring-${RUN_ID}`,
        AppSpecification: { ImageUri: MONITOR_IMAGE, ContainerEntrypoint: null, ContainerArguments: options.args ?? null },
        ...(options.jobConfig ? { Environment: options.jobConfig } : {}),
      };
      await writeFile(join(config, 'processingjobconfig.json'), JSON.stringify(job));
      await writeFile(join(config, 'resourceconfig.json'), JSON.stringify({ current_host: options.hosts?.current ?? 'algo-1', hosts: options.hosts?.all ?? ['algo-1'] }));
      await setOwner('0:0', 0o644, [join(config, 'processingjobconfig.json'), join(config, 'resourceconfig.json')]);
      if (options.outputOwner) await setOwner(options.outputOwner, 0o755, [output, mlOutput]);
      const inputs = join(work, 'inputs');
      const mounts = [
        '-v', `${options.endpointDir ?? join(inputs, 'endpoint')}:/opt/ml/processing/input/endpoint`,
        '-v', `${join(inputs, 'groundtruth')}:/opt/ml/processing/groundtruth`,
        '-v', `${join(inputs, 'baseline', 'constraints')}:/opt/ml/processing/baseline/constraints`,
        '-v', `${output}:/opt/ml/processing/output`,
        '-v', `${mlOutput}:/opt/ml/output`,
        '-v', `${config}:/opt/ml/config`,
      ];
      const envArgs = Object.entries(options.env ?? {}).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
      return { dirs: { output, mlOutput, config }, inputs, run: [...(options.dockerOptions ?? []), ...mounts, ...envArgs, MONITOR_IMAGE, ...(options.args ?? [])] };
    };

    /** What a finished run left: the message, the report files, the metrics file and who owns what it wrote. */
    const collect = async (code: number, log: string, dirs: MonitorRun['dirs']): Promise<MonitorRun> => {
      const readJson = async (file: string) => JSON.parse(await readFile(file, 'utf8').catch(() => 'null'));
      const metricsFile = join(dirs.mlOutput, 'metrics', 'cloudwatch', 'cloudwatch_metrics.jsonl');
      const written: Record<string, string> = {};
      for (const f of [...(await listFiles(dirs.output)), ...(await listFiles(dirs.mlOutput))]) written[relative(join(dirs.output, '..'), f)] = (await ownerOf(f)).split(' ')[0]!;
      return {
        code,
        log,
        message: await readFile(join(dirs.mlOutput, 'message'), 'utf8').catch(() => '(no message file)'),
        statistics: await readJson(join(dirs.output, 'statistics.json')),
        violations: await readJson(join(dirs.output, 'constraint_violations.json')),
        metrics: existsSync(metricsFile)
          ? (await readFile(metricsFile, 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l))
          : [],
        dirs,
        written,
      };
    };

    /**
     * Runs the monitor image by its default entrypoint as a Processing job would: mounts, environment (or job config),
     * arguments; checks that no input (nor the job config) changed owner, mode or mtime.
     */
    const runMonitor = async (label: string, options: MonitorOptions): Promise<MonitorRun> => {
      const { dirs, inputs, run: runArgs } = await jobMounts(label, options);
      const before = await snapshot(inputs, dirs.config);
      const name = `mpm-e2e-monitor-${label}-${RUN_ID}`;
      containers.push(name);
      const result = await docker(['run', '--name', name, '--network', options.network ?? 'none', ...runArgs], { allowFailure: true, timeoutMs: 3 * MIN });
      await docker(['rm', '-f', name], { allowFailure: true });
      containers.splice(containers.indexOf(name), 1);
      const log = `${result.stdout}\n${result.stderr}`;
      expect(await snapshot(inputs, dirs.config), `${label}: the inputs and the job config are unchanged`).toEqual(before);
      return collect(result.code, log, dirs);
    };

    /** Every report file, the message and the metrics file, each written by `owner`. */
    const expectWrittenBy = (r: MonitorRun, owner: string) => {
      expect(Object.keys(r.written).sort()).toEqual(
        [
          'ml-output/message',
          'ml-output/metrics/cloudwatch/cloudwatch_metrics.jsonl',
          'processing-output/constraint_violations.json',
          'processing-output/constraints.json',
          'processing-output/monitoring_report.json',
          'processing-output/report.html',
          'processing-output/statistics.json',
        ].sort(),
      );
      expect(new Set(Object.values(r.written))).toEqual(new Set([owner]));
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
      // Root-owned 0755 mounts, as on SageMaker: the job made exactly its written folders its user's, then dropped.
      const [u, g] = imageUser.split(':');
      expect(privilegeLines(r.log)).toEqual([
        `dropped root: running as uid ${u} gid ${g}; written folders: /opt/ml/processing/output (was 0:0 0755), /opt/ml/output (was 0:0 0755), /opt/ml/output/metrics/cloudwatch (created)`,
      ]);
      expectWrittenBy(r, imageUser);
      expect(await ownerOf(r.dirs.output)).toBe(`${imageUser} 755`);
      expect(await ownerOf(r.dirs.mlOutput)).toBe(`${imageUser} 755`);
      expect(await ownerOf(join(r.dirs.mlOutput, 'metrics'))).toBe('0:0 755');
    });

    it('monitor: reads the same settings from /opt/ml/config/processingjobconfig.json "Environment"', async () => {
      const env = contractEnvironment();
      const r = await runMonitor('job-config', { jobConfig: env });
      expect(r.code, r.log).toBe(0);
      expect(r.message).toBe('Completed: Job completed successfully with no violations.');
      expect(r.violations).toEqual({ violations: [] });
      expectReport(r, env.metric_time!);
      expectWrittenBy(r, imageUser);
    });

    it('monitor: two containers as two hosts of one job, sharing one state folder, write what one instance writes (issue 19)', async () => {
      const env = contractEnvironment();
      // ShardedByS3Key deals whole objects: the capture is cut into two files (as a writer that rotated would leave),
      // one dealt to each host and mounted at the same path in its container; the one instance reads both.
      const capture = join(work, 'inputs', 'endpoint');
      const whole = await rootOwnedDir('split', 'whole');
      const shards = [await rootOwnedDir('split', 'algo-1'), await rootOwnedDir('split', 'algo-2')];
      for (const file of await listFiles(capture)) {
        const lines = (await readFile(file, 'utf8')).split('\n').filter(Boolean);
        const half = Math.ceil(lines.length / 2);
        const rel = relative(capture, file);
        const pieces = [lines.slice(0, half), lines.slice(half)];
        expect(pieces[1]!.length, 'requests to deal to two hosts').toBeGreaterThan(0);
        for (const [h, piece] of pieces.entries()) {
          const name = join(dirname(rel), `${h}-${basename(rel)}`);
          for (const root of [whole, shards[h]!]) {
            await mkdir(dirname(join(root, name)), { recursive: true });
            await writeFile(join(root, name), `${piece.join('\n')}\n`);
          }
        }
      }
      const single = await runMonitor('one-host', { env, endpointDir: whole });
      expect(single.code, single.log).toBe(0);
      const state = await rootOwnedDir('host-state');
      const hostEnv = { ...env, MPM_STATE_URI: '/opt/ml/processing/state', MPM_HOST_WAIT_SECONDS: '240' };
      const hosts = ['algo-1', 'algo-2'];
      const [leader, worker] = await Promise.all(
        hosts.map((host, h) => runMonitor(`host-${host}`, { env: hostEnv, hosts: { current: host, all: hosts }, endpointDir: shards[h], dockerOptions: ['-v', `${state}:/opt/ml/processing/state`] })),
      );
      expect(worker!.code, worker!.log).toBe(0);
      expect(leader!.code, leader!.log).toBe(0);
      expect(worker!.message).toMatch(/^Completed: worker algo-2 of 2 hosts wrote its state \(\d+ bytes, [1-9]\d* capture files\) .*; algo-1 merges the states and writes the reports\.$/);
      expect(Object.keys(worker!.written), 'a worker writes no report file').toEqual(['ml-output/message']);
      expect(leader!.message).toBe(single.message);
      // The leader's files equal the one instance's, apart from the clock.
      const clockless = async (r: MonitorRun, file: string): Promise<string> => {
        const text = await readFile(join(r.dirs.output, file), 'utf8');
        const clock = (JSON.parse(await readFile(join(r.dirs.output, 'statistics.json'), 'utf8')) as { dataset: { evaluation_time: string } }).dataset.evaluation_time;
        return text.split(clock).join('<clock>');
      };
      for (const file of ['statistics.json', 'constraint_violations.json', 'constraints.json']) expect(await clockless(leader!, file), file).toBe(await clockless(single, file));
      expect(leader!.metrics).toEqual(single.metrics);
      const job = (await listFiles(state)).map((f) => relative(state, f).split('/').slice(4).join('/')).sort();
      expect(job).toEqual([`model-quality-monitoring-${RUN_ID}/hosts/algo-2.mpmstate`, `model-quality-monitoring-${RUN_ID}/run.mpmstate`]);
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

    it('monitor: suggest-baseline as a processing job re-owns only its output_path and message folder and writes the baseline as the image user', async () => {
      const { dataset_format, dataset_source, start_time, end_time, problem_type } = contractEnvironment();
      const env = { dataset_format: dataset_format!, dataset_source: dataset_source!, start_time: start_time!, end_time: end_time!, problem_type: problem_type! };
      const r = await runMonitor('suggest', { env, args: ['suggest-baseline', '--output-path', '/opt/ml/processing/output'] });
      expect(r.code, r.log).toBe(0);
      const [u, g] = imageUser.split(':');
      // One decision, one line: the model-quality pipeline it runs does not decide (nor check the job's folders) again.
      expect(privilegeLines(r.log)).toEqual([`dropped root: running as uid ${u} gid ${g}; written folders: /opt/ml/processing/output (was 0:0 0755), /opt/ml/output (was 0:0 0755)`]);
      expect(r.statistics?.dataset.item_count, r.log).toBe(sent.records);
      const constraints = JSON.parse(await readFile(join(r.dirs.output, 'constraints.json'), 'utf8'));
      expect(constraints.multiclass_classification_constraints.accuracy.comparison_operator).toBe('LessThanThreshold');
      expect(r.written['processing-output/constraints.json']).toBe(imageUser);
      expect(new Set(Object.values(r.written))).toEqual(new Set([imageUser]));
      // The baselining job's ExitMessage: the message file is suggest-baseline's too; the CloudWatch folder is not.
      expect(r.message).toBe('Completed: Job completed successfully with no violations.');
      expect(Object.keys(r.written).filter((f) => f.startsWith('ml-output/'))).toEqual(['ml-output/message']);
      expect(await ownerOf(r.dirs.output)).toBe(`${imageUser} 755`);
    });

    it('monitor: node is PID 1 as the image user while the job runs; SIGTERM (docker stop) writes the message and exits 143', async () => {
      // An S3 endpoint that accepts and never answers: the job waits on its first capture listing, after the drop.
      const stall = await stalledServer();
      try {
        const env = {
          ...contractEnvironment(),
          dataset_source: 's3://mpm-e2e/capture',
          AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${stall.port}`,
          AWS_REGION: 'us-east-1',
          AWS_ACCESS_KEY_ID: 'e2e',
          AWS_SECRET_ACCESS_KEY: 'e2e-secret',
        };
        const { dirs, inputs, run: runArgs } = await jobMounts('sigterm', { env });
        const before = await snapshot(inputs, dirs.config);
        const name = `mpm-e2e-monitor-sigterm-${RUN_ID}`;
        containers.push(name);
        await docker(['run', '-d', '--name', name, '--network', 'host', ...runArgs]);
        await stall.connected(60_000, async () => (await docker(['logs', name], { allowFailure: true })).stderr);
        expect(await pid1(name)).toEqual({ ...asImageUser(), cmdline: ['node', '/app/dist/monitor/cli.js'] });
        await docker(['stop', '-t', '30', name]);
        const state = (await docker(['inspect', '-f', '{{.State.ExitCode}} {{.State.OOMKilled}}', name])).stdout.trim();
        const log = await docker(['logs', name]);
        await docker(['rm', '-f', name], { allowFailure: true });
        containers.splice(containers.indexOf(name), 1);
        expect(state, log.stderr).toBe('143 false');
        expect(privilegeLines(log.stderr)).toHaveLength(1);
        expect(privilegeLines(log.stderr)[0]).toMatch(/^dropped root: running as uid 10001 gid 10001;/);
        expect(await readFile(join(dirs.mlOutput, 'message'), 'utf8')).toBe('Failed: stopped by SIGTERM before the job completed');
        expect(await ownerOf(join(dirs.mlOutput, 'message'))).toMatch(new RegExp(`^${imageUser} `));
        expect(await snapshot(inputs, dirs.config)).toEqual(before);
      } finally {
        await stall.close();
      }
    });

    it('monitor: docker run --user 10001 cannot write root-owned mounts: it runs as it is, says so, and exits 4 naming the folder', async () => {
      const r = await runMonitor('user-root-mounts', { env: contractEnvironment(), dockerOptions: ['--user', imageUser] });
      expect(r.code, r.log).toBe(4);
      const [u, g] = imageUser.split(':');
      expect(privilegeLines(r.log)).toEqual([`running as uid ${u} gid ${g} as started (not root): no privilege drop, the written folders must be writable by this user`]);
      expect(r.log).toContain(`output: output_path folder \\"/opt/ml/processing/output\\" cannot be written by uid ${u} gid ${g} (EACCES`);
      // /opt/ml/output is root's too: no message file; nothing was written, nothing changed owner.
      expect(r.message).toBe('(no message file)');
      expect(r.written).toEqual({});
      for (const d of Object.values(r.dirs)) expect(await ownerOf(d)).toBe('0:0 755');
    });

    it('monitor: docker run --user 10001 with output folders it owns completes as that user', async () => {
      const env = contractEnvironment();
      const r = await runMonitor('user-owned-mounts', { env, dockerOptions: ['--user', imageUser], outputOwner: imageUser });
      expect(r.code, r.log).toBe(0);
      expect(r.message).toBe('Completed: Job completed successfully with no violations.');
      expectReport(r, env.metric_time!);
      expect(privilegeLines(r.log)).toEqual([expect.stringMatching(/^running as uid 10001 gid 10001 as started \(not root\)/)]);
      expectWrittenBy(r, imageUser);
    });

    it('monitor: MPM_RUN_AS_ROOT=true in processingjobconfig.json keeps root and re-owns nothing', async () => {
      const env: Record<string, string> = { ...contractEnvironment(), MPM_RUN_AS_ROOT: 'true' };
      const r = await runMonitor('run-as-root', { jobConfig: env });
      expect(r.code, r.log).toBe(0);
      expect(r.message).toBe('Completed: Job completed successfully with no violations.');
      expectReport(r, env.metric_time!);
      expect(privilegeLines(r.log)).toEqual([`running as root: MPM_RUN_AS_ROOT=true (the image user ${imageUser} is not used)`]);
      expectWrittenBy(r, '0:0');
      for (const d of Object.values(r.dirs)) expect(await ownerOf(d)).toBe('0:0 755');
    });

    it('monitor: without CAP_SETUID/CAP_SETGID it cannot drop: it stays root, says why, and completes', async () => {
      const env = contractEnvironment();
      const r = await runMonitor('no-setuid', { env, dockerOptions: ['--cap-drop', 'SETUID', '--cap-drop', 'SETGID'] });
      expect(r.code, r.log).toBe(0);
      expectReport(r, env.metric_time!);
      expect(privilegeLines(r.log)).toEqual([`running as root: cannot drop to ${imageUser}, the container lacks CAP_SETGID, CAP_SETUID`]);
      expectWrittenBy(r, '0:0');
      expect(await ownerOf(r.dirs.output)).toBe('0:0 755');
    });

    it('monitor: on a read-only root file system the drop still works and the job completes', async () => {
      const env = contractEnvironment();
      const r = await runMonitor('read-only', { env, dockerOptions: ['--read-only'] });
      expect(r.code, r.log).toBe(0);
      expectReport(r, env.metric_time!);
      expect(privilegeLines(r.log)).toEqual([expect.stringMatching(/^dropped root: running as uid 10001 gid 10001;/)]);
      expectWrittenBy(r, imageUser);
    });

    it('serving: --user 10001 with a root-owned capture folder serves and logs the folder it cannot write; MPM_RUN_AS_ROOT=true serves as root', async () => {
      const capture = await rootOwnedDir('capture-user');
      const model = join(work, 'model');
      {
        const port = await freePort();
        const name = `mpm-e2e-serving-user-${RUN_ID}`;
        containers.push(name);
        await docker([
          'run', '-d', '--name', name, '--network', 'host', '--user', imageUser, '-e', `SAGEMAKER_BIND_TO_PORT=${port}`, '-e', 'MPM_BIND_HOST=127.0.0.1',
          '-e', 'MPM_CAPTURE_DIR=/opt/ml/capture', '-v', `${model}:/opt/ml/model:ro`, '-v', `${capture}:/opt/ml/capture`, SERVING_IMAGE, 'serve',
        ]);
        await waitForPing(`http://127.0.0.1:${port}`, name);
        expect((await pid1(name)).Uid).toBe('10001 10001 10001 10001');
        await docker(['stop', '-t', '30', name]);
        expect((await docker(['inspect', '-f', '{{.State.ExitCode}}', name])).stdout.trim()).toBe('0');
        const log = (await docker(['logs', name])).stdout;
        await docker(['rm', name]);
        containers.splice(containers.indexOf(name), 1);
        expect(privilegeLines(log)).toEqual([expect.stringMatching(/^running as uid 10001 gid 10001 as started/)]);
        expect(log).toContain('capture: output: MPM_CAPTURE_DIR folder \\"/opt/ml/capture\\" cannot be written by uid 10001 gid 10001 (EACCES');
        expect(await ownerOf(capture)).toBe('0:0 755');
      }

      const port = await freePort();
      const name = `mpm-e2e-serving-root-${RUN_ID}`;
      containers.push(name);
      await docker([
        'run', '-d', '--name', name, '--network', 'host', '-e', `SAGEMAKER_BIND_TO_PORT=${port}`, '-e', 'MPM_BIND_HOST=127.0.0.1',
        '-e', 'MPM_RUN_AS_ROOT=true', '-e', 'MPM_CAPTURE_DIR=/opt/ml/capture',
        '-v', `${model}:/opt/ml/model:ro`, '-v', `${capture}:/opt/ml/capture`, SERVING_IMAGE, 'serve',
      ]);
      await waitForPing(`http://127.0.0.1:${port}`, name);
      expect((await pid1(name)).Uid).toBe('0 0 0 0');
      await docker(['stop', '-t', '30', name]);
      expect((await docker(['inspect', '-f', '{{.State.ExitCode}}', name])).stdout.trim()).toBe('0');
      expect(privilegeLines((await docker(['logs', name])).stdout)).toEqual([`running as root: MPM_RUN_AS_ROOT=true (the image user ${imageUser} is not used)`]);
      await docker(['rm', name]);
      containers.splice(containers.indexOf(name), 1);
      expect(await ownerOf(capture)).toBe('0:0 755');
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

/** A TCP server that accepts connections and never answers: a request to it waits until the client gives up. */
async function stalledServer(): Promise<{ port: number; connected(timeoutMs: number, why: () => Promise<string>): Promise<void>; close(): Promise<void> }> {
  const sockets: Socket[] = [];
  let onConnect: (() => void) | undefined;
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => {});
    onConnect?.();
  });
  await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('stalled server: no port');
  return {
    port: address.port,
    async connected(timeoutMs, why) {
      if (sockets.length > 0) return;
      const reached = new Promise<boolean>((resolveConnect) => {
        onConnect = () => resolveConnect(true);
        setTimeout(() => resolveConnect(false), timeoutMs).unref();
      });
      if (!(await reached)) throw new Error(`stalled server: no connection within ${timeoutMs} ms; the container said:\n${await why()}`);
    },
    close: () =>
      new Promise<void>((resolveClose) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolveClose());
      }),
  };
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
