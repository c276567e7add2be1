/**
 * @module Makes one folder the job writes writable for the image's unprivileged user, as root and before the drop,
 * with the guards the images promise: only below the platform root (/opt/ml) or created here, never `/`, a kernel file
 * system, an input, or anything reached through a symbolic link, and never recursively.
 */
import { constants } from 'node:fs';
import { lstat, mkdir, open } from 'node:fs/promises';
import path from 'node:path';

/** What {@link ownFolder} did with one folder. */
export type OwnFolderResult =
  /** The folder now belongs to the user (it did not before). */
  | { action: 'owned'; folder: string; created: boolean; previous: { uid: number; gid: number; mode: number } }
  /** The folder already belonged to the user and was writable for it. */
  | { action: 'already'; folder: string }
  /** The folder was not touched on purpose; `reason` says which guard stopped it. */
  | { action: 'refused'; folder: string; reason: string }
  /** The folder could not be created or re-owned (read-only mount, no permission, not a folder...). */
  | { action: 'failed'; folder: string; reason: string };

/** The guards and the target of {@link ownFolder}. */
export interface OwnFolderOptions {
  uid: number;
  gid: number;
  /** Folders strictly below this one may be re-owned even when they already existed. Default `/opt/ml`. */
  platformRoot?: string;
  /** Input locations (absolute): a folder equal to one, inside one, or holding one is never touched. */
  inputs?: readonly string[];
}

/** Kernel file systems: never created in, never re-owned (and a /proc path must fail fast, not spin). */
const KERNEL_ROOTS = ['/proc', '/sys', '/dev'];

/** Whether `inner` is `outer` or lies below it (lexically; both absolute and normalised). */
export function isWithin(inner: string, outer: string): boolean {
  return inner === outer || inner.startsWith(outer.endsWith('/') ? outer : `${outer}/`);
}

/** The lexical guards: why `folder` (absolute, normalised) must not be touched, or undefined. */
export function refusalOf(folder: string, inputs: readonly string[]): string | undefined {
  if (folder === '/') return 'it is the root folder';
  const kernel = KERNEL_ROOTS.find((k) => isWithin(folder, k));
  if (kernel) return `it is below ${kernel}, a kernel file system`;
  for (const input of inputs) {
    if (isWithin(folder, input)) return folder === input ? `it is an input (${input})` : `it is inside the input ${input}`;
    if (isWithin(input, folder)) return `it holds the input ${input}`;
  }
  return undefined;
}

const errorText = (error: unknown): string => (error as Error).message;

/**
 * Creates `folder` when missing (one level at a time, never following a link) and gives it to uid:gid with owner
 * rwx, unless a guard refuses. Only the folder itself changes owner: parents it created stay root's (0755), and
 * nothing inside is touched. Never throws: the result says what happened.
 */
export async function ownFolder(folder: string, options: OwnFolderOptions): Promise<OwnFolderResult> {
  const target = path.resolve(folder);
  const root = path.resolve(options.platformRoot ?? '/opt/ml');
  const refusal = refusalOf(target, (options.inputs ?? []).map((p) => path.resolve(p)));
  if (refusal) return { action: 'refused', folder: target, reason: refusal };

  // Walk from / down: every existing part must be a real folder (not a link); missing parts are created here.
  const parts = target.split('/').filter(Boolean);
  let created = false;
  let current = '/';
  let walked: { dev: number; ino: number } | undefined;
  for (const part of parts) {
    current = path.join(current, part);
    let info = await lstat(current).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? undefined : error));
    if (info === undefined) {
      try {
        await mkdir(current, { mode: 0o755 });
        created = current === target;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return { action: 'failed', folder: target, reason: `cannot create ${current}: ${errorText(error)}` };
      }
      info = await lstat(current).catch((error: Error) => error);
    }
    if (info instanceof Error) return { action: 'failed', folder: target, reason: `cannot inspect ${current}: ${info.message}` };
    if (info.isSymbolicLink()) return { action: 'refused', folder: target, reason: `${current} is a symbolic link (never followed)` };
    if (!info.isDirectory()) return { action: 'failed', folder: target, reason: `${current} is not a folder` };
    walked = { dev: info.dev, ino: info.ino };
  }
  if (!created && !isWithin(target, root)) {
    return { action: 'refused', folder: target, reason: `it is not below ${root} and was not created here` };
  }
  if (target === root) return { action: 'refused', folder: target, reason: `it is ${root} itself` };

  // O_NOFOLLOW: a link swapped in since the walk is not followed either; the change goes through the open descriptor.
  let handle;
  try {
    handle = await open(target, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
  } catch (error) {
    return { action: 'failed', folder: target, reason: `cannot open it: ${errorText(error)}` };
  }
  try {
    const info = await handle.stat();
    // A parent swapped for a link since the walk would lead elsewhere: the opened folder must be the walked one.
    if (walked && (info.dev !== walked.dev || info.ino !== walked.ino)) return { action: 'refused', folder: target, reason: 'it changed while it was checked' };
    const writable = (info.mode & 0o700) === 0o700;
    if (info.uid === options.uid && info.gid === options.gid && writable) return { action: 'already', folder: target };
    await handle.chown(options.uid, options.gid);
    if (!writable) await handle.chmod((info.mode & 0o7777) | 0o700);
    return { action: 'owned', folder: target, created, previous: { uid: info.uid, gid: info.gid, mode: info.mode & 0o7777 } };
  } catch (error) {
    return { action: 'failed', folder: target, reason: errorText(error) };
  } finally {
    await handle.close();
  }
}
