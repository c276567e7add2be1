/**
 * @module The one-thread capture scan with a sink (the prediction store, the label arrival): each file is read into
 * counts and input errors of its own, so the sink can place them in the file's hour, then merged into the run's as
 * worker threads' files are. Without a sink, scan-capture.ts reads as before. While the labels load on their own
 * thread, parts wait unmerged as there, and so does the label arrival of the predictions read meanwhile.
 */
import { InputErrorTally } from '../ingest/input-errors.ts';
import type { MergeableAccumulator } from '../state/accumulator-state.ts';
import type { Storage, StorageFile } from '../storage/storage.ts';
import { PredictionSink } from '../store/prediction-sink.ts';
import { addFileCounts, emptyCaptureSummary, type CaptureSummary } from './capture-summary.ts';
import { lineHandler, readCaptureFile } from './read-capture-file.ts';
import type { PredictionSinkResult } from '../store/prediction-sink.ts';
import { HeldParts } from './held-parts.ts';
import type { ScanOptions, ScanPlan } from './scan-plan.ts';

/** Reads `files` on this thread through `plan` into `run`, handing every record to a sink built from options.sink. */
export async function scanWithSink<Part extends MergeableAccumulator<Part>>(
  storage: Storage,
  files: readonly StorageFile[],
  plan: ScanPlan<Part>,
  run: Part,
  summary: CaptureSummary,
  tally: InputErrorTally,
  options: ScanOptions,
): Promise<{ summary: CaptureSummary; part: Part; sinks: PredictionSinkResult[] }> {
  const sink = await PredictionSink.open(options.sink!, 'w0', options.sinkPartitionsLater);
  // Parts not final yet (their predictions wait for labels) are merged, in path order, once they are.
  const held = new HeldParts(plan, run);
  try {
    for (const file of files) {
      options.onFile?.(file.path, summary.files, summary);
      summary.files++;
      summary.bytes += file.size ?? 0;
      const part = plan.startPart();
      const fileSummary = emptyCaptureSummary('');
      const fileTally = new InputErrorTally(options.samplesPerReason);
      await readCaptureFile(storage, file, fileTally, fileSummary, lineHandler(plan, part, options.lineOptions, (record, rejected) => sink.add(file.path, record, rejected)), options.lineOptions?.limits);
      addFileCounts(summary, fileSummary);
      tally.addFrom(fileTally.byReason);
      await sink.fileDone(file.path, fileSummary, fileTally);
      await held.add(part, sink.waitingBytes);
    }
    await held.finish();
    return { summary, part: run, sinks: [await sink.close()] };
  } catch (error) {
    await sink.abort();
    throw error;
  }
}
