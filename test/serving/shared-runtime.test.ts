/**
 * @module The server image copies, of the monitor, only the privilege step in monitor/runtime/, the worker starter,
 * the WebAssembly loader, the log destination, the capped file read, the decimal-number rule and the version
 * (Dockerfile.serving):
 * the server must import nothing else of the monitor, and those files nothing but Node and each other, or the image
 * fails at its first start. Checked here on the sources, in seconds, before the container test builds the image.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/run-monitor.ts';

const SHARED = [
  'monitor/runtime/least-privilege.ts',
  'monitor/runtime/make-folder.ts',
  'monitor/runtime/own-folder.ts',
  'monitor/runtime/module-worker.ts',
  'monitor/runtime/wasm-instance.ts',
  'monitor/runtime/log-destination.ts',
  'monitor/runtime/read-capped-file.ts',
  'monitor/runtime/decimal.ts',
  'monitor/runtime/package-version.ts',
];

/** The module specifiers a TypeScript file imports (static imports and re-exports). */
async function importsOf(file: string): Promise<string[]> {
  const text = await readFile(path.join(REPO_ROOT, file), 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
}

async function sourcesBelow(folder: string): Promise<string[]> {
  const entries = await readdir(path.join(REPO_ROOT, folder), { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.test.ts'))
    .map((e) => path.relative(REPO_ROOT, path.join(e.parentPath, e.name)));
}

describe('what the server image takes of the monitor', () => {
  it('the server imports, of monitor/, only the shared runtime (privilege step, worker starter, WebAssembly loader)', async () => {
    const reached = new Set<string>();
    for (const file of await sourcesBelow('serving')) {
      for (const spec of await importsOf(file)) {
        if (!spec.startsWith('.')) continue;
        const target = path.relative(REPO_ROOT, path.resolve(REPO_ROOT, path.dirname(file), spec));
        if (target.startsWith('monitor/')) reached.add(target);
      }
    }
    expect([...reached].every((t) => SHARED.includes(t)), [...reached].join(', ')).toBe(true);
    expect(reached.size).toBeGreaterThan(0);
  });

  it('the shared step imports Node and itself only', async () => {
    for (const file of SHARED) {
      for (const spec of await importsOf(file)) {
        const ok = spec.startsWith('node:') || SHARED.includes(path.relative(REPO_ROOT, path.resolve(REPO_ROOT, path.dirname(file), spec)));
        expect(ok, `${file} imports ${spec}`).toBe(true);
      }
    }
  });
});
