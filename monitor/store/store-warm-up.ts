/**
 * @module Warms parquet-wasm's reading code up on the first row group of a judged window while its labels load on
 * their own thread. The first decode in a process costs about 0.15 s more than later ones (a 131,072-row row group of
 * the bench store: 180-250 ms first, 35-40 ms after), which the judgement would otherwise pay after the labels. Only a
 * first part of at most WARM_UP_MAX_BYTES is read twice; a missing or damaged hour is left for the judgement to report.
 */
import type { Storage } from '../storage/storage.ts';
import { openStoredHour } from './prediction-store-reader.ts';
import { hoursOfWindow } from './store-layout.ts';

/** The largest first part read for the warm-up (it is read again by the judgement). */
const WARM_UP_MAX_BYTES = 16 * 1024 * 1024;

/** Whether a warm-up of this process has decoded a row group (a later one costs only its own decode). */
let warm = false;

/** Whether this process's store reader has been warmed up already. */
export function storeReaderWarm(): boolean {
  return warm;
}

/** The predictions stored for the window's first hour (0 when it is not stored). Throws what the manifests' read throws. */
export async function firstHourRecords(storage: Storage, endpoint: string, window: { start?: number; end?: number }): Promise<number> {
  const [first] = hoursOfWindow(window);
  if (first === undefined) return 0;
  return (await openStoredHour(storage, { endpoint, hour: first }))?.records ?? 0;
}

/** Decodes the first row group of the window's first stored hour; whether it did. Throws what the read throws. */
export async function warmUpStoreReader(storage: Storage, endpoint: string, window: { start?: number; end?: number }): Promise<boolean> {
  const [first] = hoursOfWindow(window);
  if (first === undefined) return false;
  const stored = await openStoredHour(storage, { endpoint, hour: first });
  const part = stored?.manifests[0]?.parts[0];
  if (stored === undefined || part === undefined || part.bytes > WARM_UP_MAX_BYTES) return false;
  const batches = stored.batches();
  try {
    const decoded = (await batches.next()).done !== true;
    warm ||= decoded;
    return decoded;
  } finally {
    await batches.return(undefined);
  }
}
