/**
 * @module Loads parquet-wasm once, through its ESM build with the wasm bytes read from disk. (Its "node" build is
 * CommonJS inside a "type": "module" package, parquet-wasm 0.7.1, kylebarron/parquet-wasm#798: plain Node and vitest
 * refuse it, only tsx's loader accepts it.) Ground truth and tabular datasets share this one loader.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import type { Table } from 'apache-arrow';
import type * as ParquetWasmModule from 'parquet-wasm/esm';

/** The module type only: parquet-wasm itself is imported lazily, when a Parquet file is first read. */
type ParquetWasm = typeof ParquetWasmModule;

let loading: Promise<ParquetWasm> | undefined;

/** The part of the WebAssembly API used here (the project's lib settings do not declare it as a value). */
const Wasm = (globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<object> } }).WebAssembly;

/**
 * parquet-wasm, compiled once per process. `use` is what the first caller does with it: a process that first reads
 * (evaluate, ground truth, history) gets it from V8's baseline compiler only, since the tier-up compiled the hot
 * functions again with TurboFan on every run, 1.3 CPU s for an hour's store, more than the optimised code saved
 * (judging the 1 GB bench hour from the store: 2.4 -> 0.9 CPU s). A process that first writes (a run storing its
 * predictions, which compresses every row group) keeps V8's usual tiering: its gain there is not measured.
 */
export function loadParquetWasm(use: 'read' | 'write' = 'read'): Promise<ParquetWasm> {
  loading ??= (async () => {
    const mod = await import('parquet-wasm/esm');
    const wasm = createRequire(import.meta.url).resolve('parquet-wasm/esm/parquet_wasm_bg.wasm');
    const bytes = await readFile(wasm);
    // The flag is read when a module is compiled, so it is set for this one compilation only and other
    // WebAssembly (the request scanner) still tiers up.
    const baselineOnly = use === 'read';
    if (baselineOnly) setFlagsFromString('--liftoff-only');
    let compiled: object;
    try {
      compiled = await Wasm.compile(bytes);
    } finally {
      if (baselineOnly) setFlagsFromString('--no-liftoff-only');
    }
    await mod.default({ module_or_path: compiled as ParquetWasmModule.InitInput });
    return mod;
  })();
  return loading;
}

/** Reads a whole Parquet file into an Arrow table. */
export async function readParquetTable(bytes: Uint8Array): Promise<Table> {
  const pw = await loadParquetWasm();
  // apache-arrow too is imported when the first Parquet file is read.
  const { tableFromIPC } = await import('apache-arrow');
  return tableFromIPC(pw.readParquet(bytes).intoIPCStream());
}
