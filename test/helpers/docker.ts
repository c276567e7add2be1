/**
 * @module Docker for the container end-to-end test: find or start an engine, run the docker CLI, stop what was started.
 *
 * An engine already reachable (DOCKER_HOST, or the default socket) is used as it is and left running. Otherwise, when
 * the test runs as root and dockerd is installed, a private engine is started the way docs/containers.md describes:
 * its own socket, --data-root, --exec-root and --pidfile in a temporary folder, no iptables and no bridge (only
 * `--network host` and `none` work then), and `stop()` ends it, unmounts what it left and deletes the folder.
 */

import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { constants } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** The result of one docker CLI call. */
export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options of {@link run}. */
export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Kill the command after this long. Default 10 minutes. */
  timeoutMs?: number;
  /** Resolve with a non-zero code instead of rejecting. Default false. */
  allowFailure?: boolean;
  /** Also append stdout and stderr to this file (for long builds). */
  logFile?: string;
}

/** Runs a command; rejects with its output's tail when it fails (unless allowFailure). */
export function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
  const timeoutMs = options.timeoutMs ?? 600_000;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: options.env ?? process.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const log = options.logFile ? createWriteStream(options.logFile, { flags: 'a' }) : undefined;
    log?.write(`\n$ ${command} ${args.join(' ')}\n`);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      log?.write(d);
    });
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      log?.write(d);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      log?.end();
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      log?.end();
      const result = { code: code ?? (signal ? 128 : 1), stdout, stderr };
      if (result.code === 0 || options.allowFailure) resolve(result);
      else {
        const tail = (stderr.trim() || stdout.trim()).split('\n').slice(-25).join('\n');
        const why = signal === 'SIGKILL' ? ` (killed after ${timeoutMs} ms)` : '';
        reject(new Error(`${command} ${args.slice(0, 3).join(' ')} ... exited ${result.code}${why}:\n${tail}`));
      }
    });
  });
}

/** Whether an executable is on PATH. */
export async function onPath(name: string): Promise<boolean> {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      await access(join(dir, name), constants.X_OK);
      return true;
    } catch {
      // next
    }
  }
  return false;
}

/** A usable engine: the environment to run the docker CLI with, and how to let go of it. */
export interface DockerEngine {
  /** process.env plus DOCKER_HOST (when started here) and DOCKER_BUILDKIT=0 (the legacy builder). */
  readonly env: NodeJS.ProcessEnv;
  /** True when this module started the engine (and stop() ends it). */
  readonly started: boolean;
  /** "server 20.10.24 at unix:///tmp/...", for logs. */
  readonly description: string;
  /** Runs `docker ARGS` against this engine. */
  docker(args: readonly string[], options?: Omit<RunOptions, 'env'>): Promise<CommandResult>;
  /** Ends a started engine (containers, dockerd, containerd, mounts, folder); a reused engine is left alone. */
  stop(): Promise<void>;
}

/** Why Docker cannot be used here, or undefined when it can (an engine is reachable, or one can be started). */
export async function dockerUnavailableReason(): Promise<string | undefined> {
  if (!(await onPath('docker'))) return 'the docker CLI is not installed (apt-get install docker.io)';
  if (await reachable(process.env)) return undefined;
  const where = process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
  if (process.getuid?.() !== 0) return `no Docker engine answers at ${where}, and starting one needs root`;
  if (!(await onPath('dockerd'))) return `no Docker engine answers at ${where}, and dockerd is not installed (apt-get install docker.io iptables)`;
  return undefined;
}

async function reachable(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  try {
    const r = await run('docker', ['version', '--format', '{{.Server.Version}}'], { env, timeoutMs: 10_000, allowFailure: true });
    return r.code === 0 && r.stdout.trim() ? r.stdout.trim() : undefined;
  } catch {
    return undefined;
  }
}

function engineHandle(env: NodeJS.ProcessEnv, started: boolean, description: string, stop: () => Promise<void>): DockerEngine {
  return {
    env,
    started,
    description,
    docker: (args, options) => run('docker', args, { ...options, env }),
    stop,
  };
}

/** Uses the reachable engine, or starts a private one (see the module comment). */
export async function acquireEngine(): Promise<DockerEngine> {
  const base = { ...process.env, DOCKER_BUILDKIT: '0' };
  const version = await reachable(base);
  if (version) {
    return engineHandle(base, false, `server ${version} at ${process.env.DOCKER_HOST ?? 'the default socket'} (reused)`, async () => {});
  }
  return startPrivateEngine(base);
}

async function startPrivateEngine(base: NodeJS.ProcessEnv): Promise<DockerEngine> {
  // A short path: the socket path must stay under 108 bytes.
  const root = await mkdtemp(join(tmpdir(), 'mpm-dockerd-'));
  const socket = `unix://${root}/docker.sock`;
  const env = { ...base, DOCKER_HOST: socket };
  const logFile = join(root, 'dockerd.log');
  const log = createWriteStream(logFile);
  const args = [
    '--host', socket,
    '--iptables=false', '--ip6tables=false', '--bridge=none',
    '--data-root', join(root, 'data'),
    '--exec-root', join(root, 'exec'),
    '--pidfile', join(root, 'docker.pid'),
  ];
  // setpriv --pdeathsig: should the test process die without its afterAll (killed, crashed), dockerd gets SIGTERM and
  // shuts down with its containerd instead of running on.
  const dockerd: ChildProcess = (await onPath('setpriv'))
    ? spawn('setpriv', ['--pdeathsig', 'SIGTERM', '--', 'dockerd', ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn('dockerd', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  dockerd.stdout!.pipe(log, { end: false });
  dockerd.stderr!.pipe(log, { end: false });
  let exited = false;
  const exitedPromise = new Promise<void>((resolve) => {
    dockerd.on('exit', () => {
      exited = true;
      resolve();
    });
    dockerd.on('error', () => {
      exited = true;
      resolve();
    });
  });

  const stop = async (): Promise<void> => {
    if (!exited) {
      // Containers first, so dockerd does not wait on them; then dockerd, which stops its own containerd.
      const ids = await run('docker', ['ps', '-aq'], { env, timeoutMs: 20_000, allowFailure: true }).catch(() => undefined);
      const list = ids?.code === 0 ? ids.stdout.split('\n').filter(Boolean) : [];
      if (list.length > 0) await run('docker', ['rm', '-f', ...list], { env, timeoutMs: 60_000, allowFailure: true }).catch(() => {});
      dockerd.kill('SIGTERM');
      const timer = setTimeout(() => dockerd.kill('SIGKILL'), 30_000);
      await exitedPromise;
      clearTimeout(timer);
    }
    // A dockerd that died hard leaves its containerd (and shims) behind: end it by its pid file.
    killByPidFile(join(root, 'exec', 'containerd', 'containerd.pid'));
    log.end();
    await unmountBelow(root);
    if ((await mountsBelow(root)).length === 0) await rm(root, { recursive: true, force: true, maxRetries: 3 });
    else throw new Error(`docker: mounts are left below ${root}; it was not deleted`);
  };

  const deadline = Date.now() + 60_000;
  for (;;) {
    const version = await reachable(env);
    if (version) return engineHandle(env, true, `server ${version} at ${socket} (started here, pid ${dockerd.pid})`, stop);
    if (exited || Date.now() > deadline) {
      await stop().catch(() => {});
      const tail = existsSync(logFile) ? (await readFile(logFile, 'utf8').catch(() => '')).split('\n').slice(-20).join('\n') : '';
      throw new Error(`docker: dockerd did not become ready (${exited ? 'it exited' : 'timeout'}); its log ends with:\n${tail}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

function killByPidFile(file: string): void {
  let pid: number;
  try {
    pid = Number(readFileSync(file, 'utf8').trim());
  } catch {
    return;
  }
  if (!Number.isInteger(pid) || pid <= 1) return;
  try {
    // Only when it is still a containerd (the pid may have been reused).
    if (!readFileSync(`/proc/${pid}/comm`, 'utf8').startsWith('containerd')) return;
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Mount points at or below `dir`, deepest first. */
export async function mountsBelow(dir: string): Promise<string[]> {
  const text = await readFile('/proc/self/mountinfo', 'utf8').catch(() => '');
  const points = text
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((p): p is string => p !== undefined && (p === dir || p.startsWith(`${dir}/`)))
    // mountinfo escapes spaces as \040; our paths have none.
    .sort((a, b) => b.length - a.length);
  return [...new Set(points)];
}

async function unmountBelow(dir: string): Promise<void> {
  for (const point of await mountsBelow(dir)) {
    await run('umount', ['-l', point], { timeoutMs: 20_000, allowFailure: true }).catch(() => {});
  }
}
