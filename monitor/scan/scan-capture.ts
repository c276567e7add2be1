/**
 * @module Scans the capture of a window with a plan: lists the files in path order, reads each (on the main thread,
 * or on worker threads with MPM_WORKERS > 1) into a part of its own, and merges the parts in path order into the
 * run's part. The result does not depend on the number of threads.
 */
import type { Storage } from '../storage/storage.ts';
import type { InputErrorTally } from '../ingest/input-errors.ts';
import type { MergeableAccumulator } from '../state/accumulator-state.ts';
import { captureRoot, walkCaptureFiles } from './capture-files.ts';
import { dealFiles } from '../state/input-distribution.ts';
import { emptyCaptureSummary, type CaptureSummary } from './capture-summary.ts';
import { lineHandler, readCaptureFile } from './read-capture-file.ts';
import { HeldParts } from './held-parts.ts';
import type { ScanOptions, ScanPlan } from './scan-plan.ts';
import { scanParallel } from './scan-parallel.ts';
import type { PredictionSinkResult } from '../store/prediction-sink.ts';

export interface ScanResult<Part> {
  summary: CaptureSummary;
  part: Part;
  /** What each thread's sink gave back (with ScanOptions.sink). */
  sinks?: PredictionSinkResult[];
  /** The paths of the folders pruned by the window, in path order. */
  prunedFolders: string[];
}

/** Reads every capture file of the window through `plan`. */
export async function scanCapture<Part extends MergeableAccumulator<Part>>(
  storage: Storage,
  plan: ScanPlan<Part>,
  tally: InputErrorTally,
  options: ScanOptions,
): Promise<ScanResult<Part>> {
  const root = await captureRoot(storage, options.endpointName);
  const summary = emptyCaptureSummary(root === '' ? storage.location : storage.describe(root));
  let files = [];
  const prunedFolders: string[] = [];
  for await (const file of walkCaptureFiles(storage, root, options.window, summary, prunedFolders)) files.push(file);
  if (options.deal !== undefined) {
    files = dealFiles(files, options.deal);
    // Every host listed the same tree: what the listing counts (ignored and skipped entries) is the leader's to say.
    if (options.deal.index !== 0 && options.deal.replicated.includes('')) {
      summary.ignored_files = 0;
      delete summary.skipped_files;
    }
  }
  const run = plan.startPart();
  if (Math.min(options.workers, files.length) < 2) await options.started?.stop();
  if (Math.min(options.workers, files.length) >= 2) {
    const sinks = await scanParallel(files, plan, run, summary, tally, options);
    return { summary, part: run, sinks, prunedFolders };
  }
  // The sink's writer (apache-arrow, parquet-wasm) is imported only by runs that have one.
  if (options.sink !== undefined) return { ...(await (await import('./scan-with-sink.ts')).scanWithSink(storage, files, plan, run, summary, tally, options)), prunedFolders };
  // Parts not final yet (their predictions wait for labels) are merged, in path order, once they are.
  const held = new HeldParts(plan, run);
  for (const file of files) {
    options.onFile?.(file.path, summary.files, summary);
    summary.files++;
    summary.bytes += file.size ?? 0;
    const part = plan.startPart();
    await readCaptureFile(storage, file, tally, summary, lineHandler(plan, part, options.lineOptions), options.lineOptions?.limits);
    await held.add(part);
  }
  await held.finish();
  return { summary, part: run, prunedFolders };
}
