/**
 * @module The records of a CSV payload (a request or response of text/csv), cell by cell, for the full decode of
 * data quality. One record per line (\n or \r\n); blank lines are skipped. A field may be quoted ("a,b", with ""
 * for a quote) and then holds commas and line breaks. Unquoted cells are trimmed. An empty cell is missing (null),
 * as Spark's CSV reader reads it. A line without quotes takes the fast path (split on commas).
 */

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
  const records: CsvRecord[] = [];
  if (!text.includes('"')) {
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
  return parseQuoted(text);
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
    if (c === '"' && field.trim() === '') {
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
  if (field !== '' || record.length > 0 || wasQuoted) endRecord();
  return records;
}
