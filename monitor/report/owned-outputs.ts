/**
 * @module The registry of the files mpm owns in output_path, and their removal when a run does not write them: after
 * a failed run in a reused folder, the previous run's statistics.json and constraint_violations.json used to stay
 * beside the new failed report (issue 14, item 5). Only files in this registry are ever removed.
 */
import path from 'node:path';
import { OutputError } from '../errors.ts';
import type { Storage } from '../storage/storage.ts';

/** One file a monitoring run writes into output_path. */
export interface OwnedOutput {
  /** Its name in output_path. */
  file: string;
  /** What it holds (for messages). */
  what: string;
}

/**
 * Every file a monitoring run may write into output_path, in the order they are written. A feature that writes a new
 * file there adds it with {@link registerOwnedOutput} (or to this list), so a run that does not write it removes the
 * previous run's copy.
 */
export const OWNED_OUTPUTS: OwnedOutput[] = [
  { file: 'statistics.json', what: 'the metrics' },
  { file: 'constraint_violations.json', what: 'the violations' },
  { file: 'constraints.json', what: 'the constraints checked' },
  { file: 'report.html', what: 'the report page' },
  { file: 'monitoring_report.json', what: 'the run report' },
];

/** Adds a file to the registry (once). */
export function registerOwnedOutput(output: OwnedOutput): void {
  if (!OWNED_OUTPUTS.some((o) => o.file === output.file)) OWNED_OUTPUTS.push(output);
}

export interface RemoveStaleOptions {
  /** Files this run wrote (or is about to write): kept. */
  written?: Iterable<string>;
  /** Locations this run reads (baseline constraints or statistics): never removed, even when they carry an owned name. */
  inputs?: ReadonlyArray<string | undefined>;
}

/** Whether a storage location and a configured input location name the same file. */
function sameLocation(location: string, input: string): boolean {
  return input.startsWith('s3://') ? location === input : path.resolve(location) === path.resolve(input);
}

/**
 * Removes the owned files in `output` that this run did not write, so the folder holds one run's consistent set.
 * Resolves with the names removed.
 *
 * @throws OutputError naming the file when one cannot be removed (on S3 the role needs s3:DeleteObject).
 */
export async function removeStaleOutputs(output: Storage, options: RemoveStaleOptions = {}): Promise<string[]> {
  const written = new Set(options.written ?? []);
  const inputs = (options.inputs ?? []).filter((i): i is string => i !== undefined);
  const removed: string[] = [];
  for (const { file, what } of OWNED_OUTPUTS) {
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
      await output.deleteFile(file);
    } catch (error) {
      throw new OutputError(
        `output: cannot remove the previous run's ${file} (${what}) from ${output.location}, which this run does not replace (${(error as Error).message}); ` +
          'a stale file would be read as this run\'s result (on S3 the role needs s3:DeleteObject)',
        { cause: error },
      );
    }
    removed.push(file);
  }
  return removed;
}
