/**
 * @module Creates a folder and its missing parents one level at a time, so the call ends after at most one mkdir per
 * path segment. Node's recursive mkdir retries forever where mkdir fails with ENOENT below an existing folder (any
 * path under /proc): an output folder there made the run spin at 100% CPU instead of failing (issue 14, item 9).
 */
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';

/** Makes `folder` (and its missing parents). Rejects with mkdir's own error when a level cannot be created. */
export async function makeFolder(folder: string): Promise<void> {
  const target = path.resolve(folder);
  const missing: string[] = [];
  for (let current = target; ; ) {
    let info;
    try {
      info = await stat(current);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      missing.push(current);
      const parent = path.dirname(current);
      if (parent === current) break;
      current = parent;
      continue;
    }
    // Something that is not a folder: mkdir says so in its own words (EEXIST for the target, ENOTDIR below it).
    if (!info.isDirectory()) await mkdir(missing.length > 0 ? missing[missing.length - 1]! : current);
    break;
  }
  for (const level of missing.reverse()) {
    try {
      await mkdir(level);
    } catch (error) {
      // Made by someone else meanwhile: fine when it is a folder.
      if ((error as NodeJS.ErrnoException).code === 'EEXIST' && (await stat(level)).isDirectory()) continue;
      throw error;
    }
  }
}
