/**
 * @module The server's Node flags (serving/node-flags.ts) are the ones every way of starting it passes: the image's
 * ENTRYPOINT, bin/mpm-serve.js's first line, `npm run serve`; and Node accepts them.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SERVING_NODE_FLAGS } from '../../serving/node-flags.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const read = (file: string): string => readFileSync(path.join(ROOT, file), 'utf8');

describe('the serving Node flags', () => {
  it('are in the image ENTRYPOINT, before the script', () => {
    const line = read('Dockerfile.serving')
      .split('\n')
      .find((l) => l.startsWith('ENTRYPOINT '));
    expect(JSON.parse(line!.slice('ENTRYPOINT '.length))).toEqual(['node', ...SERVING_NODE_FLAGS, '/app/dist/serving/server.js']);
  });

  it('are on bin/mpm-serve.js first line (env -S splits them)', () => {
    expect(read('bin/mpm-serve.js').split('\n')[0]).toBe(`#!/usr/bin/env -S node ${SERVING_NODE_FLAGS.join(' ')}`);
  });

  it('are in npm run serve', () => {
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.serve).toBe(`node ${SERVING_NODE_FLAGS.join(' ')} --import tsx serving/server.ts`);
  });

  it('are accepted by this Node (a flag it did not know would stop the server at start)', () => {
    const out = spawnSync(process.execPath, [...SERVING_NODE_FLAGS, '-e', 'process.stdout.write("started")'], { encoding: 'utf8' });
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
    expect(out.stdout).toBe('started');
    const typo = spawnSync(process.execPath, ['--heap-growing-percentt=300', '-e', ''], { encoding: 'utf8' });
    expect(typo.status).not.toBe(0);
  });
});
