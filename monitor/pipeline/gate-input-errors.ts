/**
 * @module The error gate: too many bad inputs fail the run (exit 3), since the verdict would rest on an unknown share
 * of the traffic. Capture lines and ground-truth rows are judged apart: the lookahead reads many more label rows than
 * capture lines, and mixed into one share they hid a broken capture. A source with errors but nothing read counts as
 * fully broken.
 */
import { InputError } from '../errors.ts';
import type { InputErrorTally } from '../ingest/input-errors.ts';

export interface GateInputs {
  tally: InputErrorTally;
  captureLines: number;
  groundTruthRows: number;
  limit: number;
}

export function gateInputErrors({ tally, captureLines, groundTruthRows, limit }: GateInputs): void {
  const reasons = [...tally.byReason.entries()];
  for (const source of [
    { what: 'capture lines', total: captureLines, reasons: reasons.filter(([r]) => !r.startsWith('gt_')) },
    { what: 'ground-truth rows', total: groundTruthRows, reasons: reasons.filter(([r]) => r.startsWith('gt_')) },
  ]) {
    const errors = source.reasons.reduce((n, [, e]) => n + e.count, 0);
    const errorRate = source.total === 0 ? (errors > 0 ? 1 : 0) : errors / source.total;
    if (errorRate <= limit) continue;
    const [reason, top] = source.reasons.sort((a, b) => b[1].count - a[1].count)[0]!;
    const sample = top.samples[0];
    throw new InputError(
      `input: ${errors} of ${source.total} ${source.what} (${(errorRate * 100).toFixed(2)}%) are input errors, above ` +
        `MPM_MAX_INPUT_ERROR_RATE ${limit}; most are ${reason} (${top.count})` +
        (sample ? `, first at ${sample.file}${sample.line ? `:${sample.line}` : ''}${sample.detail ? ` (${sample.detail})` : ''}` : ''),
    );
  }
}
