/**
 * @module Package hygiene: dependencies pinned exactly (package-lock.json is committed too), both bins exist, and
 * `npx mpm-monitor --help` / `npx mpm-serve --help` work from the package as the README says.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  bin: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  engines: { node: string };
  type: string;
};

describe('package.json', () => {
  it('pins every dependency to an exact version', () => {
    // An exact version may carry a pre-release tag (@duckdb/node-api publishes only 1.5.6-r.1-style versions); ranges
    // (^, ~, >=, x, *) never match.
    for (const [name, version] of Object.entries({ ...pkg.dependencies, ...pkg.devDependencies })) {
      expect(version, name).toMatch(/^\d+\.\d+\.\d+(-[0-9A-Za-z]+(\.[0-9A-Za-z]+)*)?$/);
    }
    expect(existsSync(path.join(ROOT, 'package-lock.json'))).toBe(true);
  });

  it('is an ESM package for Node >= 20 that never depends on danfojs-node', () => {
    expect(pkg.type).toBe('module');
    expect(pkg.engines.node).toMatch(/^>=20/);
    expect(Object.keys({ ...pkg.dependencies, ...pkg.devDependencies })).not.toContain('danfojs-node');
  });
});

describe('the package bins', () => {
  beforeAll(() => {
    // npm install runs `prepare` (npm run build) and creates dist/; build it here when a checkout has not.
    if (!existsSync(path.join(ROOT, 'dist/monitor/cli.js')) || !existsSync(path.join(ROOT, 'dist/serving/server.js'))) {
      execFileSync('npm', ['run', '-s', 'build'], { cwd: ROOT, stdio: 'ignore' });
    }
  }, 180_000);

  for (const [name, file] of Object.entries(pkg.bin)) {
    it(`npx ${name} --help prints its usage and exits 0`, () => {
      expect(existsSync(path.join(ROOT, file)), file).toBe(true);
      const run = spawnSync('npx', ['--no-install', name, '--help'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toContain(name);
    });
  }
});
