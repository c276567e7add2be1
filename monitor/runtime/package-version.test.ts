/**
 * @module --version's source: mpm's package.json above the module, from the sources and from a build's depth.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packageVersion } from './package-version.ts';

const ROOT_VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

describe('packageVersion', () => {
  let dir = '';
  afterAll(async () => dir && rm(dir, { recursive: true, force: true }));

  it("is the version of the repository's package.json, from this folder and from dist/monitor's depth", () => {
    expect(packageVersion()).toBe(ROOT_VERSION);
    expect(packageVersion(path.join(path.dirname(new URL(import.meta.url).pathname), '..', '..', 'dist', 'monitor'))).toBe(ROOT_VERSION);
  });

  it("skips another package's package.json on the way up, and says unknown when mpm's is nowhere", async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'mpm-version-'));
    await mkdir(path.join(dir, 'app', 'node_modules', 'x'), { recursive: true });
    await writeFile(path.join(dir, 'app', 'node_modules', 'x', 'package.json'), JSON.stringify({ name: 'x', version: '9.9.9' }));
    await writeFile(path.join(dir, 'app', 'package.json'), JSON.stringify({ name: 'mpm', version: '1.2.3' }));
    expect(packageVersion(path.join(dir, 'app', 'node_modules', 'x'))).toBe('1.2.3');
    expect(packageVersion(dir)).toBe('unknown');
  });
});
