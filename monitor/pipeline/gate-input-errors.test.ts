/**
 * @module The input error limit as the larger of two shares (issue 14, item 3): bad lines among lines read, and
 * unreadable bytes among bytes listed, with a message for each; and the violation naming files lost entirely.
 */
import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.ts';
import type { ReasonTally } from '../ingest/input-errors.ts';
import { checkInputErrorGate, gateShares, lostFilesViolation, type GateSource } from './gate-input-errors.ts';

const tally = (count: number, samples: ReasonTally['samples'] = []): ReasonTally => ({ count, description: '', samples });

function capture(extra: Partial<GateSource>): GateSource {
  return { what: 'capture lines', filesWhat: 'capture files', total: 1000, reasons: [], files: 4, bytes: 4000, ...extra };
}

describe('gateShares', () => {
  it('takes one tally entry per unreadable file, and file-level reasons, out of the line errors', () => {
    const source = capture({
      reasons: [
        ['invalid_json', tally(10)],
        ['unreadable_file', tally(2)],
        ['gzip_trailing_garbage', tally(1)],
      ],
      unreadable: { files: 2, bytes: 1000, lost_entirely: 1, lost: ['/c/b.jsonl.gz'] },
    });
    expect(gateShares(source)).toEqual({ lines: 0.01, lineErrors: 10, bytes: 0.25 });
  });

  it('counts bytes lost with none listed as all lost, and errors with no lines as all bad', () => {
    expect(gateShares(capture({ total: 0, bytes: 0, reasons: [['gt_x', tally(1)]] }))).toEqual({ lines: 1, lineErrors: 1, bytes: 0 });
    expect(gateShares(capture({ bytes: 0, unreadable: { files: 1, bytes: 5, lost_entirely: 1, lost: [] }, reasons: [['unreadable_file', tally(1)]] })).bytes).toBe(1);
  });
});

describe('checkInputErrorGate', () => {
  it('passes shares at the limit and fails the larger share above it, with the words of each', () => {
    expect(() => checkInputErrorGate([capture({ reasons: [['invalid_json', tally(50)]] })], 0.05)).not.toThrow();
    expect(() => checkInputErrorGate([capture({ reasons: [['invalid_json', tally(51, [{ file: '/c/a.jsonl', line: 3, detail: 'Unexpected end of JSON input' }])]] })], 0.05)).toThrow(
      new InputError('input: 51 of 1000 capture lines (5.10%) are input errors, above MPM_MAX_INPUT_ERROR_RATE 0.05; most are invalid_json (51), first at /c/a.jsonl:3 (Unexpected end of JSON input)'),
    );
    const lost = capture({
      reasons: [['unreadable_file', tally(1, [{ file: '/c/b.jsonl.gz', line: 1, detail: 'it is not valid gzip (no gzip header)' }])]],
      unreadable: { files: 1, bytes: 1000, lost_entirely: 1, lost: ['/c/b.jsonl.gz'] },
    });
    expect(() => checkInputErrorGate([lost], 0.05)).toThrow(
      'input: 1 of 4 capture files could not be read to the end: 1000 of 4000 bytes (25.00%) are unreadable, above MPM_MAX_INPUT_ERROR_RATE 0.05; first: /c/b.jsonl.gz (it is not valid gzip (no gzip header))',
    );
    expect(() => checkInputErrorGate([lost], 0.25)).not.toThrow();
  });

  it('reads right for a ground-truth file that could not be used at all (was "1 of 0 ground-truth rows")', () => {
    const gt: GateSource = {
      what: 'ground-truth rows',
      filesWhat: 'ground-truth files',
      total: 0,
      reasons: [['gt_unreadable_file', tally(1, [{ file: '/g/a.json', detail: 'the JSON array is not valid JSON (Unexpected end of JSON input)' }])]],
      files: 1,
      bytes: 53,
      unreadable: { files: 1, bytes: 53, lost_entirely: 1, lost: ['/g/a.json'] },
    };
    expect(() => checkInputErrorGate([gt], 0.05)).toThrow(
      'input: 1 of 1 ground-truth files could not be read to the end: 53 of 53 bytes (100.00%) are unreadable, above MPM_MAX_INPUT_ERROR_RATE 0.05; first: /g/a.json (the JSON array is not valid JSON (Unexpected end of JSON input))',
    );
  });
});

describe('lostFilesViolation', () => {
  it('names the files lost entirely, per source, and how many more', () => {
    expect(lostFilesViolation([{ filesWhat: 'capture files' }])).toBeUndefined();
    expect(
      lostFilesViolation([
        { filesWhat: 'capture files', unreadable: { files: 3, bytes: 9, lost_entirely: 22, lost: ['/c/a.gz', '/c/b.gz'] } },
        { filesWhat: 'ground-truth files', unreadable: { files: 1, bytes: 9, lost_entirely: 1, lost: ['/g/x.json'] } },
      ]),
    ).toEqual({
      metric_name: 'unreadable_input_files',
      constraint_check_type: 'UnreadableFileCheck',
      description:
        '23 input files could not be read at all: 22 capture files (/c/a.gz, /c/b.gz and 20 more); 1 ground-truth files (/g/x.json). Their records are missing from every metric (at most 20 files are named per source).',
      value: 23,
      threshold: 0,
    });
  });
});
