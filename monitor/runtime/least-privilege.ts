/**
 * @module Least privilege for the container images: started as root (SageMaker mounts root-owned folders), the
 * process makes exactly the folders it writes writable for the image's unprivileged user, then drops to that user
 * in-process (setgroups, setgid, setuid) before it reads any input. Node stays PID 1, so signals still reach it.
 * Shared by the monitor and the server (which imports this folder and nothing else of the monitor: it depends on Node
 * alone); each passes its own written and input locations.
 */
import { readFileSync } from 'node:fs';
import { access, constants } from 'node:fs/promises';
import path from 'node:path';
import { makeFolder } from './make-folder.ts';
import { ownFolder, type OwnFolderResult } from './own-folder.ts';

/** The image property naming the unprivileged user, `uid:gid` (set by the Dockerfiles from MPM_UID/MPM_GID). */
export const IMAGE_USER_VARIABLE = 'MPM_IMAGE_USER';

/** A location the process writes: a folder, or a file whose folder is written. */
export interface WrittenLocation {
  /** The setting that names it, for messages (e.g. output_path). */
  variable: string;
  /** Its resolved value: a local path (relative to the working folder) or a URI such as s3://, which is skipped. */
  value: string;
  kind: 'folder' | 'file';
}

/** What {@link applyLeastPrivilege} needs. */
export interface LeastPrivilegeRequest {
  /** Every location the process writes (from the settings' written-location marker). */
  written: readonly WrittenLocation[];
  /** Locations the process reads (paths; URIs are ignored): never re-owned, nor anything holding or inside them. */
  inputs: readonly string[];
  /** The user's setting MPM_RUN_AS_ROOT: keep root. */
  runAsRoot: boolean;
  /** The value of MPM_IMAGE_USER; undefined outside the images (then nothing is done or checked). */
  imageUser: string | undefined;
  /** Folders strictly below it may be re-owned. Default `/opt/ml`. */
  platformRoot?: string;
}

/** What was decided and done; `summary` is the one log line. */
export interface LeastPrivilegeOutcome {
  /**
   * dropped: now the image user; root: kept root (asked, root image, or the drop is impossible); as-started: not
   * root at start (e.g. `docker run --user`), nothing changed; outside-image: no MPM_IMAGE_USER, nothing done.
   */
  action: 'dropped' | 'root' | 'as-started' | 'outside-image';
  summary: string;
  uid?: number;
  gid?: number;
  folders: OwnFolderResult[];
}

/** Why the process cannot go on: a bad image user (kind config) or a written folder it cannot write (kind output). */
export class LeastPrivilegeError extends Error {
  constructor(
    message: string,
    readonly kind: 'config' | 'output',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'LeastPrivilegeError';
  }
}

const URI = /^[a-z][a-z0-9+.-]*:\/\//i;

/** Parses `uid:gid` (whole numbers); throws a config LeastPrivilegeError otherwise. */
export function parseImageUser(value: string): { uid: number; gid: number } {
  const match = /^(\d{1,10}):(\d{1,10})$/.exec(value.trim());
  const uid = Number(match?.[1]);
  const gid = Number(match?.[2]);
  if (!match || uid > 0x7fffffff || gid > 0x7fffffff) {
    throw new LeastPrivilegeError(`image: ${IMAGE_USER_VARIABLE} ${JSON.stringify(value)} is not valid; expected uid:gid, e.g. 10001:10001 (set by the Dockerfile from MPM_UID/MPM_GID)`, 'config');
  }
  return { uid, gid };
}

/** The local folders the process writes, each once, in the order given (a file's folder for a file). */
export function writtenFolders(written: readonly WrittenLocation[]): Array<{ variable: string; folder: string }> {
  const out: Array<{ variable: string; folder: string }> = [];
  for (const w of written) {
    if (w.value.trim() === '' || URI.test(w.value)) continue;
    const folder = path.resolve(w.kind === 'file' ? path.dirname(w.value) : w.value);
    if (!out.some((o) => o.folder === folder)) out.push({ variable: w.variable, folder });
  }
  return out;
}

/** Capabilities the drop needs (capabilities(7) bit numbers). */
const NEEDED_CAPABILITIES = { CAP_CHOWN: 0, CAP_SETGID: 6, CAP_SETUID: 7 } as const;

/** The needed capabilities missing from the effective set (read from /proc/self/status; none when unreadable). */
export function missingCapabilities(status?: string): string[] {
  let text = status;
  if (text === undefined) {
    try {
      text = readFileSync('/proc/self/status', 'utf8');
    } catch {
      return []; // no /proc: try, and report what fails
    }
  }
  const hex = /^CapEff:\s*([0-9a-f]+)$/im.exec(text)?.[1];
  if (hex === undefined) return [];
  const effective = BigInt(`0x${hex}`);
  return Object.entries(NEEDED_CAPABILITIES)
    .filter(([, bit]) => (effective & (1n << BigInt(bit))) === 0n)
    .map(([name]) => name);
}

/** Switches the whole process (every thread) to uid:gid with no supplementary groups, for good. */
function switchUser(uid: number, gid: number): void {
  process.setgroups!([]);
  process.setgid!(gid);
  process.setuid!(uid);
  const now = { uid: process.getuid!(), euid: process.geteuid!(), gid: process.getgid!(), egid: process.getegid!() };
  if (now.uid !== uid || now.euid !== uid || now.gid !== gid || now.egid !== gid) {
    throw new Error(`the process is uid ${now.uid}/${now.euid} gid ${now.gid}/${now.egid} after the switch, not ${uid}:${gid}`);
  }
  let regained = false;
  try {
    process.setuid!(0);
    regained = true;
  } catch {
    // EPERM: root cannot be regained, as intended
  }
  if (regained) throw new Error('root could be regained after the switch');
}

/** Checks every written folder can be written now (creating it, bounded); throws an output LeastPrivilegeError. */
async function checkWritable(folders: ReadonlyArray<{ variable: string; folder: string }>, results: readonly OwnFolderResult[], who: string): Promise<void> {
  for (const { variable, folder } of folders) {
    try {
      await makeFolder(folder);
      await access(folder, constants.W_OK);
    } catch (error) {
      const prepared = results.find((r) => r.folder === folder);
      const why = prepared && (prepared.action === 'refused' || prepared.action === 'failed') ? `; it was not made writable: ${prepared.reason}` : '';
      throw new LeastPrivilegeError(
        `output: ${variable} folder ${JSON.stringify(folder)} cannot be written by ${who} (${(error as Error).message})${why}; expected a folder the job can write to (docs/containers.md)`,
        'output',
        { cause: error },
      );
    }
  }
}

const describe = (r: OwnFolderResult): string =>
  r.action === 'owned'
    ? `${r.folder} (${r.created ? 'created' : `was ${r.previous.uid}:${r.previous.gid} ${r.previous.mode.toString(8).padStart(4, '0')}`})`
    : r.action === 'already'
      ? `${r.folder} (already)`
      : `${r.folder} (${r.action}: ${r.reason})`;

/**
 * Decides and applies least privilege (see the module comment), hands the outcome to `report` (the caller logs its
 * one line, so the decision is said even when the check then fails), then checks that every written folder can be
 * written by the user the process now runs as. Throws LeastPrivilegeError (config: bad MPM_IMAGE_USER; output: a
 * written folder that cannot be written, naming the setting and the path). Outside the images (no MPM_IMAGE_USER)
 * it changes and checks nothing.
 */
export async function applyLeastPrivilege(request: LeastPrivilegeRequest, report: (outcome: LeastPrivilegeOutcome) => void = () => {}): Promise<LeastPrivilegeOutcome> {
  if (request.imageUser === undefined || request.imageUser === '') {
    const outcome: LeastPrivilegeOutcome = { action: 'outside-image', summary: `no ${IMAGE_USER_VARIABLE}: not in an mpm image, running as started`, folders: [] };
    report(outcome);
    return outcome;
  }
  const target = parseImageUser(request.imageUser);
  const folders = writtenFolders(request.written);
  const inputs = request.inputs.filter((p) => p.trim() !== '' && !URI.test(p)).map((p) => path.resolve(p));
  const uid = process.getuid?.() ?? 0;
  const gid = process.getgid?.() ?? 0;
  const finish = async (outcome: LeastPrivilegeOutcome): Promise<LeastPrivilegeOutcome> => {
    report(outcome);
    await checkWritable(folders, outcome.folders, `uid ${process.getuid?.()} gid ${process.getgid?.()}`);
    return outcome;
  };

  if (uid !== 0) {
    const ignored = request.runAsRoot ? '; MPM_RUN_AS_ROOT=true has no effect' : '';
    return finish({ action: 'as-started', uid, gid, folders: [], summary: `running as uid ${uid} gid ${gid} as started (not root): no privilege drop, the written folders must be writable by this user${ignored}` });
  }
  if (target.uid === 0) {
    return finish({ action: 'root', uid, gid, folders: [], summary: `running as root: the image user is root (${IMAGE_USER_VARIABLE}=${request.imageUser})` });
  }
  if (request.runAsRoot) {
    return finish({ action: 'root', uid, gid, folders: [], summary: `running as root: MPM_RUN_AS_ROOT=true (the image user ${target.uid}:${target.gid} is not used)` });
  }
  const missing = missingCapabilities();
  if (missing.length > 0) {
    return finish({ action: 'root', uid, gid, folders: [], summary: `running as root: cannot drop to ${target.uid}:${target.gid}, the container lacks ${missing.join(', ')}` });
  }

  const results: OwnFolderResult[] = [];
  for (const { folder } of folders) {
    // A guard that refuses (an input, a link, /proc...) is reported; the writability check then decides.
    results.push(await ownFolder(folder, { ...target, inputs, platformRoot: request.platformRoot }));
  }
  try {
    switchUser(target.uid, target.gid);
  } catch (error) {
    const still = process.getuid?.() === 0;
    if (!still) throw error; // half switched away from root: never run on in an unknown state
    return finish({ action: 'root', uid, gid, folders: results, summary: `running as root: the drop to ${target.uid}:${target.gid} failed (${(error as Error).message})` });
  }
  return finish({
    action: 'dropped',
    uid: target.uid,
    gid: target.gid,
    folders: results,
    summary: `dropped root: running as uid ${target.uid} gid ${target.gid}; written folders: ${results.map(describe).join(', ') || 'none'}`,
  });
}
