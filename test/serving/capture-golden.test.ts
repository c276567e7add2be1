/**
 * The server still writes exactly the capture files pinned in test/fixtures/capture-format/ (shared with the monitor's
 * tests): same folders, same file names, same bytes.
 */

import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CAPTURE_FIXTURE_DIR, writeCaptureFixture } from '../../scripts/covertype/make-capture-fixture.ts';

async function tree(dir: string): Promise<Map<string, string>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile() && e.name !== 'README.md').map((e) => join(e.parentPath, e.name));
  const out = new Map<string, string>();
  for (const f of files.sort()) out.set(relative(dir, f), await readFile(f, 'utf8'));
  return out;
}

const scratch = await mkdtemp(join(tmpdir(), 'mpm-golden-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

describe('capture-format fixture', () => {
  it('is what the server writes today (regenerate with scripts/covertype/make-capture-fixture.ts)', async () => {
    await writeCaptureFixture(scratch);
    const expected = await tree(CAPTURE_FIXTURE_DIR);
    const actual = await tree(scratch);
    expect([...actual.keys()]).toEqual([...expected.keys()]);
    for (const [file, text] of expected) expect(actual.get(file), file).toBe(text);
  });

  it('holds the six requests, one line each, in two hour folders', async () => {
    const files = [...(await tree(CAPTURE_FIXTURE_DIR)).entries()].filter(([f]) => f.endsWith('.jsonl'));
    expect(files.map(([f]) => f.split('/').slice(0, 7).join('/'))).toEqual([
      'capture/local-endpoint/AllTraffic/2026/01/15/10',
      'capture/local-endpoint/AllTraffic/2026/01/15/11',
    ]);
    const lines = files.flatMap(([, text]) => text.trimEnd().split('\n').map((l) => JSON.parse(l)));
    expect(lines.map((l) => l.eventMetadata.inferenceId ?? null)).toEqual(['0', '1', '2', '3', null, '5']);
    expect(lines.map((l) => l.captureData.endpointInput.encoding)).toEqual(['JSON', 'JSON', 'CSV', 'JSON', 'JSON', 'BASE64']);
  });
});
