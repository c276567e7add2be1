/**
 * @module Produces the shared capture-format fixture (test/fixtures/capture-format/): a real run of the serving app with
 * capture on, over a few multi-record requests, with the clock and UUIDs fixed so the output is byte-for-byte stable.
 * The server's golden test re-runs this into a temporary folder and compares; the monitor's tests read the committed
 * files. Re-generate (and review the diff) after a deliberate change to the capture format or the demo model:
 *
 *   npx tsx scripts/covertype/make-capture-fixture.ts
 */

import { mkdir, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildApp } from '../../serving/app.ts';
import { CaptureWriter } from '../../serving/capture/write-capture.ts';
import { loadModel } from '../../serving/model/load-model.ts';
import { FEATURE_NAMES, generateCovertype } from './generate.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Where the committed fixture lives. */
export const CAPTURE_FIXTURE_DIR = `${ROOT}test/fixtures/capture-format`;

interface FixtureRequest {
  readonly at: string;
  readonly inferenceId?: string;
  readonly contentType: string;
  readonly accept: string;
  readonly rows: number;
  readonly drift?: number;
}

/** The requests of the fixture run, in order. Times straddle an hour so two hour folders are written. */
export const FIXTURE_REQUESTS: readonly FixtureRequest[] = [
  { at: '2026-01-15T10:59:58.123Z', inferenceId: '0', contentType: 'application/json', accept: 'application/json', rows: 2 },
  { at: '2026-01-15T10:59:59.500Z', inferenceId: '1', contentType: 'application/json', accept: 'application/json', rows: 5 },
  { at: '2026-01-15T11:00:00.250Z', inferenceId: '2', contentType: 'text/csv', accept: 'text/csv', rows: 3 },
  { at: '2026-01-15T11:00:01.000Z', inferenceId: '3', contentType: 'application/json', accept: 'application/json; verbose=true', rows: 5, drift: 1 },
  { at: '2026-01-15T11:00:02.000Z', contentType: 'application/json', accept: 'application/json', rows: 1 },
  { at: '2026-01-15T11:00:03.000Z', inferenceId: '5', contentType: 'application/jsonlines', accept: 'application/jsonlines', rows: 2 },
];

function body(request: FixtureRequest, index: number): { payload: string; labels: number[] } {
  const { rows, labels } = generateCovertype({ n: request.rows, seed: 100 + index, drift: request.drift ?? 0 });
  const records = rows.map((r) => Object.fromEntries(FEATURE_NAMES.map((n, i) => [n, r[i]])));
  if (request.contentType === 'text/csv') return { payload: rows.map((r) => r.join(',')).join('\n') + '\n', labels };
  if (request.contentType === 'application/jsonlines') return { payload: records.map((r) => JSON.stringify(r)).join('\n') + '\n', labels };
  return { payload: JSON.stringify(records), labels };
}

/**
 * Runs the fixture requests through the app with capture into `outDir` (its `capture/` folder is replaced) and writes
 * `labels.json` (the generator's true label of every record, by inference id and payload index).
 */
export async function writeCaptureFixture(outDir: string): Promise<void> {
  const captureRoot = `${outDir}/capture`;
  await rm(captureRoot, { recursive: true, force: true });
  const times = FIXTURE_REQUESTS.map((r) => new Date(r.at));
  let tick = 0;
  let uuid = 0;
  const capture = new CaptureWriter({
    root: captureRoot,
    flushIntervalMs: 0,
    clock: () => times[Math.min(tick, times.length - 1)]!,
    uuid: () => `00000000-0000-4000-8000-${String(++uuid).padStart(12, '0')}`,
  });
  const loaded = await loadModel(`${ROOT}demo/model`);
  const app = buildApp({ model: { current: loaded }, capture });
  const labels: { inferenceId: string | null; payload_index: number; label: number }[] = [];
  for (const [i, request] of FIXTURE_REQUESTS.entries()) {
    tick = i;
    const { payload, labels: truth } = body(request, i);
    const response = await app.inject({
      method: 'POST',
      url: '/invocations',
      payload,
      headers: {
        'content-type': request.contentType,
        accept: request.accept,
        ...(request.inferenceId !== undefined ? { 'x-amzn-sagemaker-inference-id': request.inferenceId } : {}),
      },
    });
    if (response.statusCode !== 200) throw new Error(`fixture request ${i} failed: ${response.statusCode} ${response.body}`);
    truth.forEach((label, k) => labels.push({ inferenceId: request.inferenceId ?? null, payload_index: k, label }));
  }
  await app.close();
  await capture.close();
  await mkdir(outDir, { recursive: true });
  await writeFile(`${outDir}/labels.json`, `${JSON.stringify(labels, null, 1)}\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await writeCaptureFixture(CAPTURE_FIXTURE_DIR);
  console.log(`wrote ${CAPTURE_FIXTURE_DIR}`);
}
