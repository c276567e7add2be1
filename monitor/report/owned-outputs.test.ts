/**
 * @module The registry of files mpm owns in output_path and their removal (issue 14, item 5): only registered names,
 * never what this run wrote, never an input of this run, and an error naming the file when removal fails.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OutputError } from '../errors.ts';
import { LocalStorage } from '../storage/local.ts';
import type { Storage } from '../storage/storage.ts';
import { removeStaleOutputs } from './owned-outputs.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function folder(files: string[]): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mpm-owned-'));
  dirs.push(dir);
  for (const f of files) writeFileSync(path.join(dir, f), '{}');
  return dir;
}

describe('removeStaleOutputs', () => {
  it('removes the registered files this run did not write, and nothing else', async () => {
    const dir = folder(['statistics.json', 'constraint_violations.json', 'constraints.json', 'monitoring_report.json', 'report.html', 'notes.txt', 'statistics.json.bak']);
    const removed = await removeStaleOutputs(new LocalStorage(dir), { written: ['monitoring_report.json', 'report.html'] });
    expect(removed.sort()).toEqual(['constraint_violations.json', 'constraints.json', 'statistics.json']);
    expect(readdirSync(dir).sort()).toEqual(['monitoring_report.json', 'notes.txt', 'report.html', 'statistics.json.bak']);
  });

  it('keeps a registered name that is an input of this run (a baseline constraints file in output_path)', async () => {
    const dir = folder(['constraints.json', 'statistics.json']);
    await removeStaleOutputs(new LocalStorage(dir), { inputs: [path.join(dir, 'constraints.json'), undefined] });
    expect(readdirSync(dir)).toEqual(['constraints.json']);
  });

  it('throws an OutputError naming the file and the permission when one cannot be removed', async () => {
    const denied: Storage = Object.assign(new LocalStorage(folder(['statistics.json'])), {
      remove: async () => {
        throw new Error('storage: cannot delete s3://b/out/statistics.json: access denied (AccessDenied); the role needs s3:DeleteObject on it');
      },
    });
    const failure = removeStaleOutputs(denied);
    await expect(failure).rejects.toBeInstanceOf(OutputError);
    await expect(failure).rejects.toThrow(/^output: cannot remove the previous run's statistics\.json from .*s3:DeleteObject/);
  });
});
