/**
 * @module The common JSON response, an array of flat objects (`[{"payload_index": 0, "label": 4, "score": 0.93}, ...]`),
 * read from the capture line's bytes by the request scan's flat reader (WebAssembly): no `JSON.parse` of the line's
 * response string, none of the payload, no object per record. What is read is what extract-response.ts's fromItem
 * reads from the objects `JSON.parse` would make: `payload_index ?? payloadIndex`, the first label key and the first
 * score key of its lists that the object has, a repeated key's last value. Anything else (another shape, an escape in
 * a key or a string, a nested value, attribute paths or columns set) is left to the `JSON.parse` path, which then
 * reads the same line as before.
 *
 * Reading is split in two: snapshotFlatResponse copies the few values each record needs out of the module's memory
 * (never throws, so the line's other checks keep their order), visitFlatResponse later hands them to the same
 * visitor as extractResponse, with the same errors.
 */
import { asNumber } from './interpret-prediction.ts';
import { LABEL_KEYS, payloadIndexFrom, SCORE_KEYS, type ExtractOptions, type RawVisitor } from './extract-response.ts';
import { flatValue, wasmFlatRecords, type FlatTape } from './request-scan-wasm.ts';

/** What each record of a flat response said, copied out of the tape. */
export interface FlatResponse {
  /** `payload_index ?? payloadIndex` of each record (undefined: neither). */
  index: unknown[];
  /** The value of the first of LABEL_KEYS the record has (undefined: none). */
  label: unknown[];
  /** The value of the first of SCORE_KEYS the record has (undefined: none). */
  score: unknown[];
}

// Roles of a key: payload_index, payloadIndex, then LABEL_KEYS and SCORE_KEYS in their order of preference.
const PAYLOAD_INDEX = 0;
const PAYLOAD_INDEX_CAMEL = 1;
const FIRST_LABEL = 2;
const FIRST_SCORE = FIRST_LABEL + LABEL_KEYS.length;
const ROLES = FIRST_SCORE + SCORE_KEYS.length;
const ROLE_OF = new Map<string, number>([
  ['payload_index', PAYLOAD_INDEX],
  ['payloadIndex', PAYLOAD_INDEX_CAMEL],
  ...LABEL_KEYS.map((k, i): [string, number] => [k, FIRST_LABEL + i]),
  ...SCORE_KEYS.map((k, i): [string, number] => [k, FIRST_SCORE + i]),
]);

/** Stands for this reader of flat records (request-scan-wasm.ts keeps one layout, for one reader at a time). */
const FLAT_RESPONSE = {};

/** Whether a response read with these options may be read flat (no attribute path or column picks its values). */
export function flatResponseApplies(o: ExtractOptions): boolean {
  return o.inferencePath === undefined && o.probabilityPath === undefined && o.inferenceColumn === undefined && o.probabilityColumn === undefined;
}

/** Member offset (in its record) of each role's key, -1 when the record has none; the last of a repeated key. */
const roleAt = new Int32Array(ROLES);

function mapRoles(bytes: Buffer, start: number, tape: Uint32Array, first: number, count: number): void {
  roleAt.fill(-1);
  for (let k = 0; k < count; k++) {
    const t = 5 * (first + k);
    const role = ROLE_OF.get(bytes.toString('utf8', start + tape[t]!, start + tape[t + 1]!));
    if (role !== undefined) roleAt[role] = k;
  }
}

/** The first role in [from, to) the record has, as a member offset, or -1. */
function firstRole(from: number, to: number): number {
  for (let r = from; r < to; r++) if (roleAt[r]! >= 0) return roleAt[r]!;
  return -1;
}

/** The value of the member `offset` places after member `first`, undefined for offset -1 (no such key). */
function valueAt(line: Buffer, start: number, flat: FlatTape, first: number, offset: number): unknown {
  return offset < 0 ? undefined : flatValue(line, start, flat.tape, flat.nums, first + offset);
}

/**
 * Reads the JSON response string whose content is line[start, end) (end: its closing quote) as an array of flat
 * objects; undefined when it is not one (then nothing was read).
 */
export function snapshotFlatResponse(line: Buffer, start: number, end: number): FlatResponse | undefined {
  const flat = wasmFlatRecords(line, start, line.length, false, FLAT_RESPONSE);
  if (flat === undefined || flat.end !== end || flat.records === 0) return undefined;
  const { tape, recordWords } = flat;
  const out: FlatResponse = { index: new Array(flat.records), label: new Array(flat.records), score: new Array(flat.records) };
  let m = 0;
  for (let r = 0; r < flat.records; r++) {
    const members = recordWords[2 * r]!;
    if (r === 0 || recordWords[2 * r + 1] !== 1) mapRoles(line, start, tape, m, members);
    out.index[r] = valueAt(line, start, flat, m, roleAt[PAYLOAD_INDEX]!) ?? valueAt(line, start, flat, m, roleAt[PAYLOAD_INDEX_CAMEL]!);
    out.label[r] = valueAt(line, start, flat, m, firstRole(FIRST_LABEL, FIRST_SCORE));
    out.score[r] = valueAt(line, start, flat, m, firstRole(FIRST_SCORE, ROLES));
    m += members;
  }
  return out;
}

/** Hands each record's reading to `visit`, as extractResponse does for the same objects (same errors, same order). */
export function visitFlatResponse(flat: FlatResponse, visit: RawVisitor): void {
  const n = flat.index.length;
  for (let r = 0; r < n; r++) {
    // A flat value is never an array: no probability vector, and the score is the number the score key holds.
    visit(payloadIndexFrom(flat.index[r], r), flat.label[r], asNumber(flat.score[r]), undefined);
  }
}
