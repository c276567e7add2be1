/**
 * @module Loads parquet-wasm once, through its ESM build with the wasm bytes read from disk. (Its "node" build is
 * CommonJS inside a "type": "module" package, parquet-wasm 0.7.1, kylebarron/parquet-wasm#798: plain Node and vitest
 * refuse it, only tsx's loader accepts it.) Ground truth and tabular datasets share this one loader.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Table } from 'apache-arrow';
import type * as ParquetWasmModule from 'parquet-wasm/esm';

/** The module type only: parquet-wasm itself is imported lazily, when a Parquet file is first read. */
type ParquetWasm = typeof ParquetWasmModule;

let loading: Promise<ParquetWasm> | undefined;

export function loadParquetWasm(): Promise<ParquetWasm> {
  loading ??= (async () => {
    const mod = await import('parquet-wasm/esm');
    const wasm = createRequire(import.meta.url).resolve('parquet-wasm/esm/parquet_wasm_bg.wasm');
    await mod.default({ module_or_path: await readFile(wasm) });
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
