/**
 * @module Test helper: a Parquet table as CSV text (header, one line per row; null empty, times as ISO strings,
 * numbers in full precision), so golden tables diff line by line in review.
 */
import { readParquetTable } from '../../monitor/ingest/parquet.ts';

function cell(value: unknown, time: boolean): string {
  if (value === null || value === undefined) return '';
  if (time) return new Date(Number(value)).toISOString();
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The table in `bytes` as CSV text, and its rows as objects. */
export async function parquetAsCsv(bytes: Uint8Array): Promise<{ csv: string; rows: Array<Record<string, unknown>> }> {
  const table = await readParquetTable(bytes);
  const fields = table.schema.fields;
  const times = fields.map((f) => String(f.type).startsWith('Timestamp'));
  const rows = table.toArray().map((r) => r.toJSON() as Record<string, unknown>);
  const lines = [fields.map((f) => f.name).join(','), ...rows.map((r) => fields.map((f, i) => cell(r[f.name], times[i]!)).join(','))];
  return { csv: `${lines.join('\n')}\n`, rows };
}
