// The escaping of a captured body as the content of a JSON string, compiled to WebAssembly with SIMD
// (scripts/build-escape-wasm.sh): byte for byte what JSON.stringify gives for the body read as latin1 (one byte, one
// character), which for valid UTF-8 is the JSON string of its text (serving/capture/escape-json-bytes.ts says why).
// JSON.stringify changes only '"', '\' and the bytes below 0x20: \b \t \n \f \r short, the others \u00xx in lower
// case; every other byte is kept.
//
// Input: `len` bytes at any address `at` from heap_ptr() on (the caller picks one whose address agrees with its
// source's modulo 8, so that its copy runs word by word). Output: written right after them, at most 6 bytes per input
// byte, plus 16 bytes of room; escape() returns its length.

#include <stdint.h>
#include <wasm_simd128.h>

typedef uint8_t u8;
typedef uint32_t u32;

extern unsigned char __heap_base;

/** The first free byte of linear memory: the input goes at or after it. */
__attribute__((export_name("heap_ptr"))) u8 *heap_ptr(void) { return &__heap_base; }

static const char HEX[] = "0123456789abcdef";

/** Writes the escape of the special byte b (a quote, a backslash or a control character) at out; returns its length. */
static inline __attribute__((always_inline)) u32 escape_one(u8 *out, u32 b) {
  out[0] = '\\';
  switch (b) {
    case '"': out[1] = '"'; return 2;
    case '\\': out[1] = '\\'; return 2;
    case '\b': out[1] = 'b'; return 2;
    case '\t': out[1] = 't'; return 2;
    case '\n': out[1] = 'n'; return 2;
    case '\f': out[1] = 'f'; return 2;
    case '\r': out[1] = 'r'; return 2;
    default:
      out[1] = 'u';
      out[2] = '0';
      out[3] = '0';
      out[4] = (u8)HEX[b >> 4];
      out[5] = (u8)HEX[b & 15];
      return 6;
  }
}

/**
 * Escapes the `len` input bytes at `at` into the memory after them; returns the output's length. Sixteen bytes at a
 * time: a block is stored as it is, then the output goes on from its first special byte (if any), escaped.
 */
__attribute__((export_name("escape"))) u32 escape(u32 at, u32 len) {
  const u8 *p = (const u8 *)(uintptr_t)at;
  u8 *out = (u8 *)(uintptr_t)at + len;
  const v128_t quote = wasm_i8x16_splat('"');
  const v128_t bslash = wasm_i8x16_splat('\\');
  const v128_t space = wasm_i8x16_splat(0x20);
  u32 i = 0, o = 0;
  while (i + 16 <= len) {
    v128_t v = wasm_v128_load(p + i);
    wasm_v128_store(out + o, v);
    v128_t m = wasm_v128_or(wasm_v128_or(wasm_i8x16_eq(v, quote), wasm_i8x16_eq(v, bslash)), wasm_u8x16_lt(v, space));
    u32 mask = (u32)wasm_i8x16_bitmask(m);
    if (mask == 0) {
      i += 16;
      o += 16;
      continue;
    }
    // The bytes before the first special one are in place; escape it and go on after it.
    u32 k = (u32)__builtin_ctz(mask);
    i += k;
    o += k;
    o += escape_one(out + o, p[i]);
    i++;
  }
  for (; i < len; i++) {
    u32 b = p[i];
    if (b == '"' || b == '\\' || b < 0x20) o += escape_one(out + o, b);
    else out[o++] = (u8)b;
  }
  return o;
}
