/**
 * @module Temporary folder trees for tests: tree({ 'a/b.jsonl': '...' }) writes the files under a new folder and gives
 * its path; removeAll() (from afterEach) deletes every tree made so far.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function tempTrees(prefix: string): { tree(files: Record<string, string | Uint8Array>): string; removeAll(): void } {
  const roots: string[] = [];
  return {
    tree(files) {
      const root = mkdtempSync(path.join(os.tmpdir(), prefix));
      roots.push(root);
      for (const [rel, body] of Object.entries(files)) {
        mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
        writeFileSync(path.join(root, rel), body);
      }
      return root;
    },
    removeAll() {
      for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
    },
  };
}
