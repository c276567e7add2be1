/**
 * @module The error gate: too many bad inputs fail the run (exit 3), since the verdict would rest on an unknown share
 * of the traffic. Capture lines and ground-truth rows are judged apart: the lookahead reads many more label rows than
 * capture lines, and mixed into one share they hid a broken capture. Each source is judged by the larger of two
 * shares: bad lines among the lines read, and unreadable bytes among the bytes its files were listed with. An
 * unreadable file used to count as one error among thousands of lines, so losing half the capture still said
 * "Completed ... no violations" (issue 14, item 3); a file lost entirely is also a violation that names it.
 */
import type { Violation } from '../constraints/evaluate.ts';
import { InputError } from '../errors.ts';
import type { GroundTruthSummary } from '../ground-truth/read-ground-truth.ts';
import type { InputErrorTally, ReasonTally } from '../ingest/input-errors.ts';
import { MAX_NAMED_FILES, type UnreadableFiles } from '../ingest/unreadable-files.ts';
import type { CaptureSummary } from '../scan/capture-summary.ts';

export interface GateInputs {
  tally: InputErrorTally;
  capture: CaptureSummary;
  groundTruth?: GroundTruthSummary;
  /** The bytes the ground-truth files were listed with. */
  groundTruthBytes?: number;
  limit: number;
}

/** The capture and ground-truth sources of a run, as the gate sees them. */
export function gateSources({ tally, capture, groundTruth, groundTruthBytes }: Omit<GateInputs, 'limit'>): GateSource[] {
  const reasons = [...tally.byReason.entries()];
  return [
    { what: 'capture lines', filesWhat: 'capture files', total: capture.lines, reasons: reasons.filter(([r]) => !r.startsWith('gt_')), files: capture.files, bytes: capture.bytes, unreadable: capture.unreadable_files },
    {
      what: 'ground-truth rows',
      filesWhat: 'ground-truth files',
      total: groundTruth?.rows ?? 0,
      reasons: reasons.filter(([r]) => r.startsWith('gt_')),
      files: groundTruth?.files ?? 0,
      bytes: groundTruthBytes ?? 0,
      unreadable: groundTruth?.unreadable_files,
    },
  ];
}

/** Throws an InputError when a source's errors pass the limit (MPM_MAX_INPUT_ERROR_RATE). */
export function gateInputErrors(inputs: GateInputs): void {
  checkInputErrorGate(gateSources(inputs), inputs.limit);
}

/** Reasons that concern a whole file, not a line: they are weighed by bytes, never counted as bad lines. */
const FILE_LEVEL_REASONS: ReadonlySet<string> = new Set(['gzip_trailing_garbage', 'gt_gzip_trailing_garbage']);

/** One source of input, as the gate sees it. */
export interface GateSource {
  /** "capture lines" or "ground-truth rows". */
  what: string;
  /** "capture files" or "ground-truth files". */
  filesWhat: string;
  /** Lines (rows) read. */
  total: number;
  /** The tally's reasons for this source. Each unreadable file is one entry of some reason: it is taken out. */
  reasons: Array<[string, ReasonTally]>;
  /** Files listed, and the bytes they were listed with. */
  files: number;
  bytes: number;
  unreadable?: UnreadableFiles;
}

/** The two shares of one source. */
export interface GateShares {
  /** Bad lines (rows) among the lines read; 0 when none were read. */
  lines: number;
  lineErrors: number;
  /** Unreadable bytes among the bytes listed (1 when bytes are lost and none were listed). */
  bytes: number;
}

/** The shares of a source: line errors leave out one tally entry per unreadable file and file-level reasons. */
export function gateShares(source: GateSource): GateShares {
  let errors = 0;
  for (const [reason, entry] of source.reasons) if (!FILE_LEVEL_REASONS.has(reason)) errors += entry.count;
  const lineErrors = Math.max(0, errors - (source.unreadable?.files ?? 0));
  const lost = source.unreadable?.bytes ?? 0;
  return {
    lines: source.total === 0 ? (lineErrors > 0 ? 1 : 0) : lineErrors / source.total,
    lineErrors,
    bytes: lost === 0 ? 0 : source.bytes === 0 ? 1 : Math.min(1, lost / source.bytes),
  };
}

const percent = (share: number): string => `${(share * 100).toFixed(2)}%`;

/**
 * Throws an InputError for the first source whose larger share passes `limit`, saying which share, the counts, the
 * limit and the first place it happened. Shares equal to the limit pass.
 */
export function checkInputErrorGate(sources: readonly GateSource[], limit: number): void {
  for (const source of sources) {
    const shares = gateShares(source);
    if (Math.max(shares.lines, shares.bytes) <= limit) continue;
    if (shares.lines >= shares.bytes) {
      const lineReasons = source.reasons.filter(([reason]) => !FILE_LEVEL_REASONS.has(reason));
      const top = [...lineReasons].sort((a, b) => b[1].count - a[1].count)[0]!;
      const sample = top[1].samples.find((s) => s.line !== undefined) ?? top[1].samples[0];
      throw new InputError(
        `input: ${shares.lineErrors} of ${source.total} ${source.what} (${percent(shares.lines)}) are input errors, above ` +
          `MPM_MAX_INPUT_ERROR_RATE ${limit}; most are ${top[0]} (${top[1].count})` +
          (sample ? `, first at ${sample.file}${sample.line ? `:${sample.line}` : ''}${sample.detail ? ` (${sample.detail})` : ''}` : ''),
      );
    }
    const u = source.unreadable!;
    const first = firstUnreadable(source.reasons);
    throw new InputError(
      `input: ${u.files} of ${source.files} ${source.filesWhat} could not be read to the end: ${u.bytes} of ${source.bytes} bytes ` +
        `(${percent(shares.bytes)}) are unreadable, above MPM_MAX_INPUT_ERROR_RATE ${limit}` +
        (first ? `; first: ${first.file}${first.detail ? ` (${first.detail})` : ''}` : ''),
    );
  }
}

/** The first sample of the reasons unreadable files are tallied under. */
function firstUnreadable(reasons: Array<[string, ReasonTally]>): { file: string; detail?: string } | undefined {
  for (const name of ['unreadable_file', 'gt_unreadable_file', 'gt_missing_field']) {
    const entry = reasons.find(([reason]) => reason === name)?.[1];
    const sample = entry?.samples.find((s) => s.line === undefined || s.line >= 1);
    if (sample) return sample;
  }
  return undefined;
}

/**
 * The violation listing the files of which nothing could be read, so such a run never says "Completed ... no
 * violations"; undefined when no file was lost entirely.
 */
export function lostFilesViolation(sources: ReadonlyArray<{ filesWhat: string; unreadable?: UnreadableFiles }>): Violation | undefined {
  const lost = sources.filter((s) => (s.unreadable?.lost_entirely ?? 0) > 0);
  if (lost.length === 0) return undefined;
  const count = lost.reduce((n, s) => n + s.unreadable!.lost_entirely, 0);
  const parts = lost.map((s) => {
    const u = s.unreadable!;
    const more = u.lost_entirely - u.lost.length;
    return `${u.lost_entirely} ${s.filesWhat} (${u.lost.join(', ')}${more > 0 ? ` and ${more} more` : ''})`;
  });
  return {
    metric_name: 'unreadable_input_files',
    constraint_check_type: 'UnreadableFileCheck',
    description:
      `${count === 1 ? 'An input file' : `${count} input files`} could not be read at all: ${parts.join('; ')}. ` +
      `Their records are missing from every metric (at most ${MAX_NAMED_FILES} files are named per source).`,
    value: count,
    threshold: 0,
  };
}
