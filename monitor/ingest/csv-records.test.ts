/**
 * @module CSV records with RFC 4180 quoting: the record texts a request is counted by and the cells a response is read
 * by agree with data quality's parseCsvRecords and with the records a writer quoted, for random cells holding commas,
 * quotes and line breaks; stray quotes stay text.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvCells, csvRecordTexts, parseCsvRecords } from './csv-records.ts';
import { payloadLines } from './decode-payload.ts';

/** A cell as a CSV writer quotes it (Python's csv.QUOTE_MINIMAL). */
const quoteCell = (cell: string): string => (/[",\r\n]/.test(cell) || cell !== cell.trim() ? `"${cell.replace(/"/g, '""')}"` : cell);

const cellText = fc.string({ unit: fc.constantFrom('a', 'b', '1', ' ', ',', '"', '\n', '\r\n', 'é', '.'), minLength: 1, maxLength: 8 });

describe('CSV records', () => {
  it('counts and splits records as a writer quoted them, and as data quality reads them (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(fc.array(cellText, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 6 }), fc.constantFrom('\n', '\r\n'), fc.boolean(), (records, newline, trailing) => {
        // A record of one cell that is only spaces would be a blank line: give it a second cell.
        const rows = records.map((cells) => (cells.length === 1 && cells[0]!.trim() === '' ? [...cells, 'x'] : cells));
        const text = rows.map((cells) => cells.map(quoteCell).join(',')).join(newline) + (trailing ? newline : '');
        const texts = csvRecordTexts(text);
        expect(texts.length).toBe(rows.length);
        expect(parseCsvRecords(text).length).toBe(rows.length);
        expect(texts.map(csvCells)).toEqual(rows.map((cells) => cells.map((c) => (quoteCell(c) === c ? c.trim() : c))));
      }),
    );
  });

  it('reads a payload without quotes line by line, as payloadLines', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('1', ',', ' ', '\n', '\r', '\t', 'x') }), (text) => {
        expect(csvRecordTexts(text)).toEqual(payloadLines(text));
      }),
    );
  });

  it('reads a quote inside an unquoted field as text, and a payload ending inside quotes line by line', () => {
    expect(csvRecordTexts('5" screen,1\n7" screen,2')).toEqual(['5" screen,1', '7" screen,2']);
    expect(csvCells('5" screen,1')).toEqual(['5" screen', '1']);
    // A stray opening quote that never closes: the quote was not CSV quoting.
    expect(csvRecordTexts('"5 inch,1\n2,3\n')).toEqual(['"5 inch,1', '2,3']);
    expect(parseCsvRecords('"5 inch,1\n2,3\n')).toEqual([['"5 inch', '1'], ['2', '3']]);
    // Quoted line breaks stay in their record; a closing \r is dropped.
    expect(csvRecordTexts('"a\r\nb",1\r\n2,3\r\n')).toEqual(['"a\r\nb",1', '2,3']);
    expect(csvCells('"a\r\nb",1')).toEqual(['a\r\nb', '1']);
  });
});
