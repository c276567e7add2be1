/**
 * @module The version mpm-monitor and mpm-serve print for --version: the `version` of mpm's package.json, found by
 * walking up from this module (monitor/runtime/ in a clone; dist/monitor/ in a build or the monitor's image, whose bundle
 * holds it; dist/monitor/runtime/ in the server's image, which copies it; all keep package.json at the top). Node alone:
 * the server's image shares it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** mpm's version, or "unknown" when no package.json of mpm is found above this module. */
export function packageVersion(from = path.dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (let up = 0; up < 6; up++) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'mpm' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // No package.json here (or not readable JSON): look one folder up.
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return 'unknown';
}
