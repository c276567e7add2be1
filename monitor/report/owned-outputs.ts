/**
 * @module Removes the files mpm owns in output_path (the registry report/report-files.ts) that a run does not write,
 * so a reused folder holds one run's consistent set: after a failed run, the previous run's statistics.json and
 * constraint_violations.json used to stay beside the new failed report (issue 14, item 5). Only registered files are
 * ever removed, and never one this run reads.
 */
import path from 'node:path';
import { OutputError } from '../errors.ts';
import type { Storage } from '../storage/storage.ts';
import { REPORT_FILES } from './report-files.ts';

export interface RemoveStaleOptions {
  /** Files this run wrote (or is about to write): kept. */
  written?: Iterable<string>;
  /** Locations this run reads (baseline constraints or statistics): never removed, even under an owned name. */
  inputs?: ReadonlyArray<string | undefined>;
}

/** Whether a storage location and a configured input location name the same file. */
export function sameLocation(location: string, input: string): boolean {
  return input.startsWith('s3://') ? location === input : path.resolve(location) === path.resolve(input);
}

/**
 * Removes the registered files in `output` this run did not write. Resolves with the names removed.
 *
 * @throws OutputError naming the file when one cannot be removed (on S3 the role needs s3:DeleteObject).
 */
export async function removeStaleOutputs(output: Storage, options: RemoveStaleOptions = {}): Promise<string[]> {
  const written = new Set(options.written ?? []);
  const inputs = (options.inputs ?? []).filter((i): i is string => i !== undefined);
  const removed: string[] = [];
  for (const file of Object.values(REPORT_FILES)) {
    if (written.has(file)) continue;
    const location = output.describe(file);
    if (inputs.some((input) => sameLocation(location, input))) continue;
    let present = true;
    try {
      present = await output.exists(file);
    } catch {
      // Cannot tell (no permission to look): try to remove it all the same.
    }
    if (!present) continue;
    try {
      await output.remove(file);
    } catch (error) {
      throw new OutputError(
        `output: cannot remove the previous run's ${file} from ${output.location}, which this run does not replace (${(error as Error).message}); ` +
          "a stale file would be read as this run's result (on S3 the role needs s3:DeleteObject)",
        { cause: error },
      );
    }
    removed.push(file);
  }
  return removed;
}
