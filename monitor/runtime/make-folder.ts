/**
 * @module `mkdir -p` that always ends: Node's recursive mkdir spins forever on a path whose parent exists but cannot
 * hold children (/proc/x/y: procfs answers ENOENT, the parent then "exists", and Node retries without end).
 */
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * Creates `folder` and its missing parents, like `mkdir -p`, trying each level at most twice (so a path below /proc
 * fails with ENOENT at once instead of looping). Symbolic links on the way are followed, as `mkdir -p` does. Resolves
 * with the folders it created, outermost first; rejects with the first error that cannot be fixed by creating a parent.
 */
export async function makeFolder(folder: string, mode = 0o777): Promise<string[]> {
  const target = path.resolve(folder);
  const created: string[] = [];
  // Walk up to the deepest existing ancestor, then create downwards: at most one mkdir per level.
  const missing: string[] = [];
  for (let p = target; ; p = path.dirname(p)) {
    const kind = await stat(p).then(
      (s) => (s.isDirectory() ? 'folder' : 'other'),
      (error: NodeJS.ErrnoException) => {
        // A symbolic-link loop: mkdir would say only EEXIST (the name is taken); the loop is the reason.
        if (error.code === 'ELOOP') throw error;
        return error.code === 'ENOENT' ? 'missing' : 'other';
      },
    );
    if (kind === 'folder') break;
    if (kind === 'other') {
      // A file in the way, or a folder that cannot be searched: the system's own error for the target (EEXIST, ENOTDIR,
      // EACCES ...), the one Node's recursive mkdir gives.
      await mkdir(target, { mode });
      return [target];
    }
    missing.unshift(p);
    if (path.dirname(p) === p) break; // the root itself is missing: mkdir below reports why
  }
  for (const p of missing) {
    try {
      await mkdir(p, { mode });
      created.push(p);
    } catch (error) {
      // Another process may have created it in the meantime; anything else (ENOENT below /proc, EACCES, EROFS) ends here.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !(await stat(p)).isDirectory()) throw error;
    }
  }
  return created;
}
