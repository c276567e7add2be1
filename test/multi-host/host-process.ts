/**
 * @module One monitor process playing one host of a multi-instance run, as the multi-host tests start it: the host's
 * own resourceconfig.json and processingjobconfig.json, the per-host output arguments, and the process itself
 * (`node --import tsx monitor/cli.ts`) with its exit code and stderr.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/run-monitor.ts';

export interface HostProcess {
  code: number | null;
  stderr: string;
  ms: number;
}

/**
 * Writes the files of host `name` under `root`/hosts (a resourceconfig.json naming `host` of `hosts` only when
 * `hosts` is given: a one-instance run has none; a processingjobconfig.json of `jobConfig`, else `{}`) and returns the
 * arguments that point at them and at the host's own message file and CloudWatch folder beside `out`.
 */
export function hostArgs(root: string, name: string, out: string, o: { host?: string; hosts?: string[]; jobConfig?: unknown }): string[] {
  const dir = path.join(root, 'hosts', name);
  mkdirSync(dir, { recursive: true });
  const resourceConfig = path.join(dir, 'resourceconfig.json');
  if (o.hosts) writeFileSync(resourceConfig, JSON.stringify({ current_host: o.host, hosts: o.hosts, network_interface_name: 'eth0' }));
  const jobConfig = path.join(dir, 'processingjobconfig.json');
  writeFileSync(jobConfig, JSON.stringify(o.jobConfig ?? {}));
  return [
    ...['--resource-config-file', resourceConfig, '--job-config-file', jobConfig, '--log-level', 'warn'],
    ...['--message-file', path.join(out, '..', `${name}.message`), '--cloudwatch-metrics-dir', path.join(out, '..', 'cloudwatch')],
  ];
}

/** Runs the monitor with `args` and only PATH, HOME and `env` in its environment. */
export function runHostProcess(args: string[], env: Record<string, string> = {}, onStart?: (child: ChildProcess) => void): Promise<HostProcess> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'monitor/cli.ts', ...args], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? tmpdir(), ...env },
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.resume();
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr, ms: performance.now() - started }));
    onStart?.(child);
  });
}
