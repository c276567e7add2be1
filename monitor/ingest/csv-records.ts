/**
 * @module The records of a CSV payload (a request or response of text/csv). One record per line (\n or \r\n); blank
 * lines are skipped. A field may be quoted ("a,b", with "" for a quote) and then holds commas and line breaks: RFC
 * 4180, as Python's csv and Spark read it. A quote opens a field only at its start (spaces before it allowed); one
 * inside an unquoted field (`5" screen`) is text. A payload that ends inside a quoted field was not quoted CSV (a
 * stray quote at a field's start): it is read line by line, its quotes as text, so one stray quote cannot merge the
 * rest of the payload into one record.
 *
 * - parseCsvRecords: every record's cells (data quality's full decode); unquoted cells are trimmed, an empty cell is
 *   missing (null), as Spark's CSV reader reads it.
 * - csvRecordTexts / csvCells: the record count of a request and the cells of a response's records (model quality).
 * A payload without quotes takes the fast path (split on line breaks and commas) in both.
 */
import { payloadLines } from './decode-payload.ts';

/** One CSV record: its cells, null where empty. */
export type CsvRecord = Array<string | null>;

const SPACE = 32;
const TAB = 9;

function cell(text: string): string | null {
  const n = text.length;
  if (n === 0) return null;
  const first = text.charCodeAt(0);
  const last = text.charCodeAt(n - 1);
  if (first !== SPACE && first !== TAB && last !== SPACE && last !== TAB && last !== 13) return text;
  const t = text.trim();
  return t === '' ? null : t;
}

/** True when a line holds only white space. */
function blank(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c !== SPACE && c !== TAB && c !== 13) return false;
  }
  return true;
}

/** Splits a CSV payload into records. */
export function parseCsvRecords(text: string): CsvRecord[] {
  return text.includes('"') ? parseQuoted(text) : plainRecords(text);
}

/** Records split on line breaks and cells on commas, quotes read as text. */
function plainRecords(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.charCodeAt(end - 1) === 13 ? text.slice(start, end - 1) : text.slice(start, end);
    if (!blank(line)) {
      const cells: Array<string | null> = line.split(',');
      for (let i = 0; i < cells.length; i++) cells[i] = cell(cells[i]!);
      records.push(cells);
    }
    start = end + 1;
  }
  return records;
}

/** The general path: a small state machine over the whole payload. */
function parseQuoted(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let record: CsvRecord = [];
  let field = '';
  let quoted = false;
  let wasQuoted = false;
  let i = 0;
  const endField = (): void => {
    record.push(wasQuoted ? (field === '' ? null : field) : cell(field));
    field = '';
    wasQuoted = false;
  };
  const endRecord = (): void => {
    endField();
    if (!(record.length === 1 && record[0] === null)) records.push(record);
    record = [];
  };
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
        }
        else {
          quoted = false;
          i++;
        }
      } else {
        field += c;
        i++;
      }
      continue;
    }
    if (c === '"' && !wasQuoted && field.trim() === '') {
      quoted = true;
      wasQuoted = true;
      field = '';
      i++;
    } else if (c === ',') {
      endField();
      i++;
    }
    else if (c === '\n') {
      endRecord();
      i++;
    }
    else if (c === '\r' && text[i + 1] === '\n') {
      endRecord();
      i += 2;
    }
    else {
      // Text after a closing quote (`"a"b`) is kept, as most readers do.
      field += c;
      i++;
    }
  }
  // Ended inside a quoted field: the quote was text, not CSV quoting (see the module note).
  if (quoted) return plainRecords(text);
  if (field !== '' || record.length > 0 || wasQuoted) endRecord();
  return records;
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const NEWLINE = 0x0a;

/** Whether the UTF-16 code unit is one String.prototype.trim removes before a quote that opens a field. */
function isFieldSpace(c: number): boolean {
  return c <= SPACE ? c === SPACE || (c >= TAB && c <= 13) : c > 0x7f && String.fromCharCode(c).trim() === '';
}

/**
 * The texts of a CSV payload's non-blank records (a record is blank when trim() leaves nothing), with quoted line
 * breaks kept inside their record and a closing \r dropped: decode-payload.ts's payloadLines when the payload holds
 * no quote. Their number is the request's record count.
 */
export function csvRecordTexts(text: string): string[] {
  if (!text.includes('"')) return payloadLines(text);
  const out: string[] = [];
  let start = 0;
  let quoted = false;
  let fieldBlank = true;
  const push = (end: number): void => {
    const record = text.charCodeAt(end - 1) === 13 ? text.slice(start, end - 1) : text.slice(start, end);
    if (record.trim() !== '') out.push(record);
  };
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (quoted) {
      if (c === QUOTE) {
        if (text.charCodeAt(i + 1) === QUOTE) i++;
        else quoted = false;
      }
      continue;
    }
    if (c === QUOTE && fieldBlank) {
      quoted = true;
      fieldBlank = false;
    } else if (c === COMMA) fieldBlank = true;
    else if (c === NEWLINE) {
      push(i);
      start = i + 1;
      fieldBlank = true;
    } else if (!isFieldSpace(c)) fieldBlank = false;
  }
  if (quoted) return payloadLines(text);
  push(text.length);
  return out;
}

/**
 * The cells of one record of csvRecordTexts, as parseCsvRecords reads them (a quoted cell unquoted, "" read as one
 * quote, an unquoted cell trimmed), an empty cell as ''.
 */
export function csvCells(record: string): string[] {
  const [cells] = parseCsvRecords(record);
  return cells === undefined ? [''] : cells.map((c) => c ?? '');
}
