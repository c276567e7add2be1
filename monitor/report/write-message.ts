/**
 * @module Writes the status message file by what its path is. A regular file (SageMaker's /opt/ml/output/message) is
 * replaced atomically through a temporary sibling; a link, a device or a pipe is written through, since a rename
 * would replace the path itself: `--message-file /dev/stdout` as root replaced the link with a regular file, and
 * /dev/full became one (issue 14, item 10). A pipe is opened without blocking, so a pipe nobody reads fails at once
 * instead of hanging the run (or its SIGTERM handler).
 */
import { randomBytes } from 'node:crypto';
import { closeSync, constants, lstatSync, openSync, renameSync, rmSync, statSync, writeFileSync, writeSync, type Stats } from 'node:fs';
import { lstat, open, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { makeFolder } from '../runtime/make-folder.ts';
import { truncateUtf8 } from './status-message.ts';

/** How a path is written: replaced atomically, or written through (with the flags to open it with). */
type Plan = { kind: 'replace' } | { kind: 'through'; flags: number };

/** Decides from lstat (the path itself) and stat (what it leads to); both undefined when nothing is there. */
function planFor(own: Stats | undefined, target: Stats | undefined): Plan {
  if (own === undefined) return { kind: 'replace' };
  if (own.isFile()) return { kind: 'replace' };
  if (own.isDirectory()) throw Object.assign(new Error('the message file is a folder'), { code: 'EISDIR' });
  // A link (to a file, a device, a pipe, or nothing yet), a device or a pipe: write through what the path leads to.
  const leadsTo = target ?? own;
  if (leadsTo.isFIFO()) return { kind: 'through', flags: constants.O_WRONLY | constants.O_NONBLOCK };
  if (leadsTo.isFile() || target === undefined) return { kind: 'through', flags: constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC };
  return { kind: 'through', flags: constants.O_WRONLY };
}

const tempName = (file: string): string => `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;

/** Writes `message` (cut to 1 KiB, the ExitMessage SageMaker keeps) to `file`. */
export async function writeMessageFile(file: string, message: string): Promise<void> {
  const body = truncateUtf8(message);
  const own = await lstat(file).catch(ignoreMissing);
  const target = own?.isSymbolicLink() ? await stat(file).catch(ignoreMissing) : own;
  const plan = planFor(own, target);
  if (plan.kind === 'through') {
    const handle = await open(file, plan.flags, 0o644);
    try {
      await handle.write(body);
    } finally {
      await handle.close();
    }
    return;
  }
  await makeFolder(path.dirname(file));
  const tmp = tempName(file);
  try {
    await writeFile(tmp, body, 'utf8');
    await rename(tmp, file);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}

/** writeMessageFile for a signal handler, which cannot wait: the same rules, synchronously, never blocking on a pipe. */
export function writeMessageFileSync(file: string, message: string): void {
  const body = truncateUtf8(message);
  const own = tryStat(() => lstatSync(file));
  const target = own?.isSymbolicLink() ? tryStat(() => statSync(file)) : own;
  const plan = planFor(own, target);
  if (plan.kind === 'through') {
    const fd = openSync(file, plan.flags, 0o644);
    try {
      writeSync(fd, body);
    } finally {
      closeSync(fd);
    }
    return;
  }
  const tmp = tempName(file);
  try {
    writeFileSync(tmp, body, 'utf8');
    renameSync(tmp, file);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
}

function ignoreMissing(error: NodeJS.ErrnoException): undefined {
  if (error.code === 'ENOENT') return undefined;
  throw error;
}

function tryStat(get: () => Stats): Stats | undefined {
  try {
    return get();
  } catch (error) {
    return ignoreMissing(error as NodeJS.ErrnoException);
  }
}
