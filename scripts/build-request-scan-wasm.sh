#!/usr/bin/env bash
# Builds monitor/ingest/wasm/request-scan.c into WebAssembly (SIMD) and writes it, base64-encoded, into
# monitor/ingest/wasm/request-scan-wasm.ts (scripts/build-wasm.sh). An argument writes the module elsewhere (the
# test that checks the committed file is the build of the source).
set -euo pipefail
cd "$(dirname "$0")/.."
exec bash scripts/build-wasm.sh monitor/ingest/wasm/request-scan.c "${1:-monitor/ingest/wasm/request-scan-wasm.ts}" REQUEST_SCAN_WASM 'The request scan compiled to WebAssembly (SIMD)' scripts/build-request-scan-wasm.sh
