/**
 * @module Builds the monitor as `npm run build` does (tsc, then the bundle of scripts/bundle-monitor.mjs) into a
 * folder of its own, so that the benchmarks time the files the image and the mpm-monitor command run.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

/** Builds into `outDir` (relative to `root`); throws with the compiler's output on failure. */
export function buildDist(root: string, outDir: string): void {
  const steps: string[][] = [
    [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', outDir, '--sourceMap', 'false'],
    [path.join(root, 'scripts/bundle-monitor.mjs'), outDir],
  ];
  for (const argv of steps) {
    const r = spawnSync(process.execPath, argv, { cwd: root, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`bench: the build failed (${path.basename(argv[0]!)}):\n${r.stdout}${r.stderr}`);
  }
}
