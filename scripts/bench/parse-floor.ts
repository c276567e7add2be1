/**
 * @module The parse floor: the least work any reader of capture does with JSON.parse, measured in its own Node
 * process on the same files as the monitor: read (1 MiB reads into one reused buffer, the monitor's LocalStorage.readChunks), split lines with
 * Buffer.indexOf, JSON.parse each line, JSON.parse the endpointOutput payload and count its items. Nothing else: no
 * join, no metrics, no endpointInput decoding.
 *
 * `--decode full` is the data-quality floor: the request (endpointInput) is decoded in full too, as data quality
 * must: JSON.parse of a JSON payload, or its lines split on commas for CSV (base64 payloads decoded first), and its
 * records counted. Still no flattening, no typing, no statistics.
 *
 *   npx tsx scripts/bench/parse-floor.ts <capture folder> [--decode count|full]   -> prints one JSON line
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { LocalStorage } from '../../monitor/storage/local.ts';

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listFiles(p));
    else if (name.endsWith('.jsonl')) out.push(p);
  }
  return out;
}

interface FloorResult {
  bytes: number;
  lines: number;
  invalid: number;
  predictions: number;
  /** Request records (--decode full only). */
  records?: number;
  wallSeconds: number;
  cpuSeconds: number;
  maxRssMb: number;
}

interface CapturedPayload {
  data?: unknown;
  encoding?: unknown;
  observedContentType?: unknown;
}

/** The text of a payload, decoded from base64 when so encoded. */
function payloadText(p: CapturedPayload): string | undefined {
  if (typeof p.data !== 'string') return undefined;
  return p.encoding === 'BASE64' ? Buffer.from(p.data, 'base64').toString('utf8') : p.data;
}

/** The records of a request, decoded in full: JSON parsed, CSV split into cells. */
function requestRecords(p: CapturedPayload | undefined): number {
  const text = p === undefined ? undefined : payloadText(p);
  if (text === undefined) return 0;
  const csv = p!.encoding === 'CSV' || (typeof p!.observedContentType === 'string' && p!.observedContentType.includes('csv'));
  if (!csv) {
    const value = JSON.parse(text) as unknown;
    return Array.isArray(value) ? value.length : 1;
  }
  let records = 0;
  for (const line of text.split('\n')) {
    if (line === '' || line === '\r') continue;
    // The cells are made (as data quality reads them); a line is one record whatever its width.
    if (line.split(',').length > 0) records++;
  }
  return records;
}

async function measure(dir: string, full: boolean): Promise<FloorResult> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let bytes = 0;
  let lines = 0;
  let invalid = 0;
  let predictions = 0;
  let records = 0;
  const onLine = (text: string): void => {
    lines++;
    let record: { captureData?: { endpointInput?: CapturedPayload; endpointOutput?: { data?: string } } };
    try {
      record = JSON.parse(text);
    } catch {
      invalid++;
      return;
    }
    const data = record.captureData?.endpointOutput?.data;
    if (typeof data === 'string') predictions += (JSON.parse(data) as unknown[]).length;
    if (full) records += requestRecords(record.captureData?.endpointInput);
  };
  const storage = new LocalStorage(dir);
  for (const file of listFiles(dir)) {
    // The carry is always a copy: the chunk's buffer is reused by the next read.
    let carry: Buffer | undefined;
    for await (const chunk of await storage.readChunks(path.relative(dir, file).split(path.sep).join('/'))) {
      bytes += chunk.length;
      let start = 0;
      let nl = chunk.indexOf(0x0a);
      if (carry !== undefined) {
        if (nl === -1) {
          carry = Buffer.concat([carry, chunk]);
          continue;
        }
        const joined = Buffer.concat([carry, chunk.subarray(0, nl)]);
        carry = undefined;
        if (joined.length > 0) onLine(joined.toString('utf8'));
        start = nl + 1;
        nl = chunk.indexOf(0x0a, start);
      }
      while (nl !== -1) {
        if (nl > start) onLine(chunk.toString('utf8', start, nl));
        start = nl + 1;
        nl = chunk.indexOf(0x0a, start);
      }
      if (start < chunk.length) carry = Buffer.from(chunk.subarray(start));
    }
    if (carry !== undefined && carry.length > 0) onLine(carry.toString('utf8'));
  }
  const cpu = process.cpuUsage(cpu0);
  return {
    bytes,
    lines,
    invalid,
    predictions,
    ...(full ? { records } : {}),
    wallSeconds: (performance.now() - t0) / 1000,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

const dir = process.argv[2];
const decode = process.argv[3] === '--decode' ? process.argv[4] : 'count';
if (!dir || (decode !== 'count' && decode !== 'full')) throw new Error('parse-floor: usage: parse-floor.ts <capture folder> [--decode count|full]');
console.log(JSON.stringify(await measure(dir, decode === 'full')));
