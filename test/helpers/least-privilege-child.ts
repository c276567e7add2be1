/**
 * @module A child process for the least-privilege tests: setuid changes the whole process for good, so the drop is
 * tried here, never in the test runner. Reads a LeastPrivilegeRequest (plus folders to probe) as JSON from argv[2],
 * applies it, then tries to write one file into each probe folder, and prints one JSON line: the outcome (or the
 * error), the process's ids and effective capabilities from /proc/self/status, and each probe's result.
 *
 *   node --import tsx test/helpers/least-privilege-child.ts '{"request": {...}, "probe": ["/dir"]}'
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { applyLeastPrivilege, LeastPrivilegeError, type LeastPrivilegeRequest } from '../../monitor/runtime/least-privilege.ts';

/** What the child prints. */
export interface ChildReport {
  outcome?: Awaited<ReturnType<typeof applyLeastPrivilege>>;
  /** The summary handed to the report callback (before the check, so also when the check fails). */
  reported?: string;
  error?: { name: string; kind?: string; message: string };
  /** Uid, Gid, Groups and CapEff lines of /proc/self/status after the step. */
  status: Record<string, string>;
  /** Per probe folder: "ok" or the error code of writing a file into it. */
  probes: Record<string, string>;
}

const input = JSON.parse(process.argv[2]!) as { request: LeastPrivilegeRequest; probe?: string[] };
const report: ChildReport = { status: {}, probes: {} };
try {
  await applyLeastPrivilege(input.request, (outcome) => (report.reported = outcome.summary)).then((outcome) => (report.outcome = outcome));
} catch (error) {
  const e = error as Error;
  report.error = { name: e.name, message: e.message, ...(error instanceof LeastPrivilegeError ? { kind: error.kind } : {}) };
}
for (const line of readFileSync('/proc/self/status', 'utf8').split('\n')) {
  const [key, value] = line.split(':\t');
  if (key && value !== undefined && ['Uid', 'Gid', 'Groups', 'CapEff'].includes(key)) report.status[key] = value.trim().replace(/\s+/g, ' ');
}
for (const folder of input.probe ?? []) {
  try {
    writeFileSync(path.join(folder, 'probe.txt'), 'written after the step\n');
    report.probes[folder] = 'ok';
  } catch (error) {
    report.probes[folder] = (error as NodeJS.ErrnoException).code ?? 'error';
  }
}
process.stdout.write(`${JSON.stringify(report)}\n`);
