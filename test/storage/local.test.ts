/**
 * @module LocalStorage against the shared storage contract, on fresh temporary folders.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { LocalStorage } from '../../monitor/storage/local.ts';
import { describeStorageContract } from '../contracts/storage.contract.ts';

const roots: string[] = [];

afterAll(async () => {
  await Promise.all(roots.map((root) => rm(root, { recursive: true, force: true })));
});

describeStorageContract('LocalStorage', () => ({
  async open() {
    const root = await mkdtemp(path.join(tmpdir(), 'mpm-local-contract-'));
    roots.push(root);
    return new LocalStorage(root);
  },
  async seed(storage, rel, body) {
    const file = path.join(storage.location, ...rel.split('/'));
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, body);
  },
}));
