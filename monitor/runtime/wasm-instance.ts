/**
 * @module Instantiates a WebAssembly module committed as base64 (the request scan, the capture's escaping), with no
 * imports, synchronously: the modules are a few KB, so compiling them on the calling thread costs less than a
 * promise would. The project's lib settings do not declare the WebAssembly API; the parts used are typed here.
 */

/** The linear memory every module exports. */
export interface WasmMemory {
  buffer: ArrayBuffer;
  grow(pages: number): number;
}

/** Bytes of a WebAssembly memory page. */
const WASM_PAGE = 65536;

/** Grows `memory` to at least `bytes` (its buffer is then a new one: views of the old one must be renewed). */
export function growMemoryTo(memory: WasmMemory, bytes: number): void {
  if (memory.buffer.byteLength < bytes) memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / WASM_PAGE));
}

interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}
const Wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** The exports of the module whose bytes are `base64`, as `Exports`. */
export function instantiateWasm<Exports>(base64: string): Exports {
  return new Wasm.Instance(new Wasm.Module(Buffer.from(base64, 'base64')), {}).exports as Exports;
}
