/**
 * @module Whether a committed WebAssembly module is the build of its C source: the build script is run into a
 * temporary file and the base64 of the two compared. Needs clang and wasm-ld (`hasWasmToolchain`); without them the
 * callers skip.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';

/** Whether clang and wasm-ld are on the PATH. */
export const hasWasmToolchain = (): boolean => spawnSync('sh', ['-c', 'command -v clang && command -v wasm-ld'], { encoding: 'utf8' }).status === 0;

/** Expects `script` (a build script taking its output file) to write `constant` with the base64 committed in `committed`. */
export function expectCommittedBuild(script: string, committed: string, constant: string): void {
  const dir = mkdtempSync(path.join(tmpdir(), 'mpm-wasm-'));
  try {
    const out = path.join(dir, 'module.ts');
    const r = spawnSync('bash', [script, out], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const wasmOf = (file: string): string => new RegExp(`${constant} = '([^']*)'`).exec(readFileSync(file, 'utf8'))![1]!;
    expect(wasmOf(out)).toBe(wasmOf(committed));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
