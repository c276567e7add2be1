#!/usr/bin/env bash
# Builds serving/capture/wasm/escape-json.c into WebAssembly (SIMD) and writes it, base64-encoded, into
# serving/capture/wasm/escape-json-wasm.ts (scripts/build-wasm.sh). An argument writes the module elsewhere (the
# test that checks the committed file is the build of the source).
set -euo pipefail
cd "$(dirname "$0")/.."
exec bash scripts/build-wasm.sh serving/capture/wasm/escape-json.c "${1:-serving/capture/wasm/escape-json-wasm.ts}" ESCAPE_JSON_WASM 'The capture body escaping compiled to WebAssembly (SIMD)' scripts/build-escape-wasm.sh
