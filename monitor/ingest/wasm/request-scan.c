// The request scan of monitor/ingest/request-scan.ts in C, compiled to WebAssembly with SIMD
// (scripts/build-request-scan-wasm.sh): same grammar, same results, several times faster than the JavaScript loop.
//
// Input: the content of a line-level JSON string (the captured request, escaped once more inside the capture line),
// copied to INPUT in linear memory, up to the end of the line, and followed by PADDING zero bytes (the JavaScript
// side writes them with every copy). A zero byte is a control character, which ends every plain run, number, key
// and lane exactly as the end of the input does; so the hot loops of scan_json and flat_records read up to the
// first zero byte without comparing their index with n at every byte, and 16-byte loads may cross n. Output: the RESULT words below. The scan stops at the
// string's closing quote. It counts the records of a top-level array, and describes the members of a top-level
// object (key position, kind, array length, whether the array holds scalars only) for the JavaScript side to decide
// the count by the keys; an object member that is itself an object (the orient=dict shape) is left to the
// JavaScript scan, which counts distinct keys.
//
// flat_records (at the end) is data quality's reading of a request of flat records into a tape (see there).

#include <stdint.h>
#include <wasm_simd128.h>

typedef uint8_t u8;
typedef uint32_t u32;

#define END_CH 0x10000u
#define BAD_CH 0x10001u
#define CHAR_MASK 0x1ffffu
#define LEN_SHIFT 17

// RESULT words.
enum { R_STATUS, R_END, R_TOP_KIND, R_COUNT, R_ALL_SCALAR, R_MEMBERS, R_WORDS };
// R_STATUS values.
enum { ST_OK = 0, ST_INVALID_REQUEST = 1, ST_INVALID_LINE = 2, ST_UNSUPPORTED = 3 };
// Kinds (R_TOP_KIND, member kinds).
enum { K_SCALAR = 0, K_NULL = 1, K_ARRAY = 2, K_OBJECT = 3 };

/** Zero bytes after the input (request-scan-wasm.ts writes them; at least one 16-byte load past any index <= n). */
#define PADDING 64

#define MAX_MEMBERS 4096
#define MEMBER_WORDS 5

extern unsigned char __heap_base;

static u32 result[R_WORDS];
static u32 members[MAX_MEMBERS * MEMBER_WORDS];

__attribute__((export_name("result_ptr"))) u32 *result_ptr(void) { return result; }
__attribute__((export_name("members_ptr"))) u32 *members_ptr(void) { return members; }
/** Where the input goes: the first free byte of linear memory. The container stack follows the input. */
__attribute__((export_name("input_ptr"))) u8 *input_ptr(void) { return &__heap_base; }

static inline int hexv(u32 b) {
  if (b - '0' < 10u) return (int)(b - '0');
  u32 l = b | 0x20u;
  if (l - 'a' < 6u) return (int)(l - 'a' + 10);
  return -1;
}

static inline __attribute__((always_inline)) u32 read_char(const u8 *p, u32 i, u32 n) {
  if (i >= n) return BAD_CH;
  u32 b = p[i];
  if (b == '"') return END_CH | (1u << LEN_SHIFT);
  if (b < 0x20) return BAD_CH;
  if (b != '\\') return b | (1u << LEN_SHIFT);
  if (i + 1 >= n) return BAD_CH;
  switch (p[i + 1]) {
    case '"': return 0x22 | (2u << LEN_SHIFT);
    case '\\': return 0x5c | (2u << LEN_SHIFT);
    case '/': return 0x2f | (2u << LEN_SHIFT);
    case 'b': return 0x08 | (2u << LEN_SHIFT);
    case 'f': return 0x0c | (2u << LEN_SHIFT);
    case 'n': return 0x0a | (2u << LEN_SHIFT);
    case 'r': return 0x0d | (2u << LEN_SHIFT);
    case 't': return 0x09 | (2u << LEN_SHIFT);
    case 'u': {
      if (i + 5 >= n) return BAD_CH;
      int a = hexv(p[i + 2]), b2 = hexv(p[i + 3]), c = hexv(p[i + 4]), d = hexv(p[i + 5]);
      if ((a | b2 | c | d) < 0) return BAD_CH;
      return (u32)((a << 12) | (b2 << 8) | (c << 4) | d) | (6u << LEN_SHIFT);
    }
    default: return BAD_CH;
  }
}

/**
 * Index of the first byte at or after i (i <= n) that is a quote, a backslash or a control character: at most n, the
 * first byte of the padding (PADDING).
 */
static inline __attribute__((always_inline)) u32 skip_plain(const u8 *p, u32 i) {
  const v128_t quote = wasm_i8x16_splat('"');
  const v128_t bslash = wasm_i8x16_splat('\\');
  const v128_t space = wasm_i8x16_splat(0x20);
  for (;;) {
    v128_t v = wasm_v128_load(p + i);
    v128_t m = wasm_v128_or(wasm_v128_or(wasm_i8x16_eq(v, quote), wasm_i8x16_eq(v, bslash)), wasm_u8x16_lt(v, space));
    u32 mask = (u32)wasm_i8x16_bitmask(m);
    if (mask) return i + (u32)__builtin_ctz(mask);
    i += 16;
  }
}

/** Whether e may follow a backslash in a JSON string (other than u). */
static inline int simple_escape(u32 e) {
  return e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' || e == 'r' || e == 't';
}

/**
 * Closing quote of a line-level string whose content starts at `start`, escapes checked; -1 when not valid. Works
 * 16 bytes at a time: every quote, backslash and control character of a block is handled from one bit mask.
 */
__attribute__((export_name("skip_string"))) int skip_string(u32 start, u32 n) {
  const u8 *p = input_ptr();
  const v128_t quote = wasm_i8x16_splat('"');
  const v128_t bslash = wasm_i8x16_splat('\\');
  const v128_t space = wasm_i8x16_splat(0x20);
  u32 i = start;
  while (i + 16 <= n) {
    v128_t v = wasm_v128_load(p + i);
    u32 special = (u32)wasm_i8x16_bitmask(wasm_v128_or(wasm_v128_or(wasm_i8x16_eq(v, quote), wasm_i8x16_eq(v, bslash)), wasm_u8x16_lt(v, space)));
    u32 next_block = i + 16;
    while (special) {
      u32 pos = i + (u32)__builtin_ctz(special);
      u32 b = p[pos];
      if (b == '"') return (int)pos;
      if (b < 0x20) return -1;
      if (pos + 1 >= n) return -1;
      u32 e = p[pos + 1];
      u32 after;
      if (simple_escape(e)) after = pos + 2;
      else if (e == 'u') {
        if (pos + 5 >= n || (hexv(p[pos + 2]) | hexv(p[pos + 3]) | hexv(p[pos + 4]) | hexv(p[pos + 5])) < 0) return -1;
        after = pos + 6;
      } else return -1;
      if (after >= i + 16) {
        next_block = after;
        break;
      }
      special &= ~((1u << (after - i)) - 1u);
    }
    i = next_block;
  }
  for (;;) {
    if (i >= n) return -1;
    u32 b = p[i];
    if (b == '"') return (int)i;
    if (b < 0x20) return -1;
    if (b != '\\') {
      i++;
      continue;
    }
    u32 c = read_char(p, i, n);
    if (c == BAD_CH) return -1;
    i += c >> LEN_SHIFT;
  }
}

static int scan_number(const u8 *p, u32 i, u32 n) {
  u32 q = read_char(p, i, n), c = q & CHAR_MASK;
  if (c == '-') { i += q >> LEN_SHIFT; q = read_char(p, i, n); c = q & CHAR_MASK; }
  if (c == '0') {
    i += q >> LEN_SHIFT; q = read_char(p, i, n); c = q & CHAR_MASK;
  } else if (c - '1' < 9u) {
    do {
      i += q >> LEN_SHIFT;
      if (i < n && p[i] - '0' < 10u) { q = p[i] | (1u << LEN_SHIFT); c = p[i]; continue; }
      q = read_char(p, i, n); c = q & CHAR_MASK;
    } while (c - '0' < 10u);
  } else return -1;
  if (c == '.') {
    i += q >> LEN_SHIFT; q = read_char(p, i, n); c = q & CHAR_MASK;
    if (c - '0' >= 10u) return -1;
    do { i += q >> LEN_SHIFT; q = read_char(p, i, n); c = q & CHAR_MASK; } while (c - '0' < 10u);
  }
  if (c == 'e' || c == 'E') {
    i += q >> LEN_SHIFT; q = read_char(p, i, n); c = q & CHAR_MASK;
    if (c == '+' || c == '-') { i += q >> LEN_SHIFT; q = read_char(p, i, n); c = q & CHAR_MASK; }
    if (c - '0' >= 10u) return -1;
    do { i += q >> LEN_SHIFT; q = read_char(p, i, n); c = q & CHAR_MASK; } while (c - '0' < 10u);
  }
  return (int)i;
}

/**
 * A number of plain ASCII bytes (digits, fraction, exponent) without read_char; one that an escape starts or goes on
 * with, or that breaks JSON's grammar, goes to scan_number, which reads escapes and decides.
 */
static inline __attribute__((always_inline)) int fast_number(const u8 *p, u32 i, u32 n) {
  u32 j = i;
  if (p[j] == '-') j++;
  if (p[j] - '1' < 9u) {
    j++;
    while (p[j] - '0' < 10u) j++;
  } else if (p[j] == '0') {
    j++;
  } else {
    return scan_number(p, i, n);
  }
  u32 b = p[j];
  if (b == '.') {
    // A fraction of plain digits (most features are decimals).
    j++;
    if (p[j] - '0' >= 10u) return scan_number(p, i, n);
    do j++;
    while (p[j] - '0' < 10u);
    b = p[j];
  }
  if ((b | 0x20) == 'e') {
    j++;
    if (p[j] == '+' || p[j] == '-') j++;
    if (p[j] - '0' >= 10u) return scan_number(p, i, n);
    do j++;
    while (p[j] - '0' < 10u);
    b = p[j];
  }
  // An escape may go on with the number (\u0030 is a digit): scan_number reads escapes.
  if (b == '\\') return scan_number(p, i, n);
  return (int)j;
}

static int scan_literal(const u8 *p, u32 i, u32 n, const char *word) {
  for (; *word; word++) {
    u32 q = read_char(p, i, n);
    if ((q & CHAR_MASK) != (u32)(u8)*word) return -1;
    i += q >> LEN_SHIFT;
  }
  return (int)i;
}

/** A string of the request whose opening quote was read; returns the index after its closing quote, or -1. */
static inline __attribute__((always_inline)) int scan_string(const u8 *p, u32 i, u32 n) {
  for (;;) {
    i = skip_plain(p, i);
    // The common end of a request string: \" (an escaped quote of the line).
    if (p[i] == '\\' && p[i + 1] == '"') return (int)(i + 2);
    u32 q = read_char(p, i, n);
    if (q == BAD_CH) return -1;
    u32 c = q & CHAR_MASK;
    if (c == END_CH || c < 0x20) return -1;
    i += q >> LEN_SHIFT;
    if (c == '"') return (int)i;
    if (c == '\\') {
      u32 e = read_char(p, i, n), ec = e & CHAR_MASK;
      i += e >> LEN_SHIFT;
      if (ec == 'u') {
        for (int k = 0; k < 4; k++) {
          u32 h = read_char(p, i, n), hc = h & CHAR_MASK;
          if (hc > 0x7f || hexv(hc) < 0) return -1;
          i += h >> LEN_SHIFT;
        }
      } else if (ec != '"' && ec != '\\' && ec != '/' && ec != 'b' && ec != 'f' && ec != 'n' && ec != 'r' && ec != 't') {
        return -1;
      }
    }
  }
}

enum { S_VALUE, S_ARRAY_FIRST, S_OBJECT_FIRST, S_KEY, S_COLON, S_AFTER };

// The keys of the last record (an object at depth 2) read by the lane, by member position: where each key's content
// starts in the input and its length with the closing \" (valid JSON by the scan that read it). The records of a
// request nearly always repeat their keys in order: a key whose bytes equal the key at its position in the record
// before is valid for the same reason, and the lane moves past it by the known length, without a data-dependent
// search for its end (the next member's reads need not wait for this one's).
#define MEMO 1024
#define MEMO_OFF 0xffffffffu
static u32 memo_start[MEMO];
static u32 memo_len[MEMO];
static u32 memo_count;
/** Position of the next member in the current record, or MEMO_OFF (a key the general loop read, or past MEMO). */
static u32 memo_k;

/** Whether a[0, len) == b[0, len), 16 bytes at a time (reads up to 15 bytes past both: in the input or its padding). */
static inline __attribute__((always_inline)) int same_bytes(const u8 *a, const u8 *b, u32 len) {
  while (len >= 16) {
    if ((u32)wasm_i8x16_bitmask(wasm_i8x16_eq(wasm_v128_load(a), wasm_v128_load(b))) != 0xffffu) return 0;
    a += 16;
    b += 16;
    len -= 16;
  }
  if (len == 0) return 1;
  u32 eq = (u32)wasm_i8x16_bitmask(wasm_i8x16_eq(wasm_v128_load(a), wasm_v128_load(b)));
  u32 need = (1u << len) - 1u;
  return (eq & need) == need;
}

/** Index of the first byte at or after i that is not a space (raw spaces only: other white space is escaped here). */
static inline u32 skip_spaces(const u8 *p, u32 i, u32 n) {
  (void)n;
  while (p[i] == ' ') i++;
  return i;
}

/**
 * The fast lane for the members of an object that nothing is counted in (depth 2 and below: the records): keys and
 * values of the usual forms (\"key\":number, \"key\":\"text\", with or without spaces after the colon and the comma:
 * Python's json.dumps writes \"key\": 1, \"next\") read straight through. Returns the state the general loop goes on
 * with (S_AFTER after the closing brace, else where the lane stopped), or -1.
 */
static inline __attribute__((always_inline)) int member_lane(const u8 *p, u32 *pi, u32 n, u32 *depth, u32 state) {
  u32 i = *pi;
  for (;;) {
    if (!(p[i] == '\\' && p[i + 1] == '"')) {
      // Spaces after the comma: looked for only where the compact form is not, so that it costs the compact form nothing.
      if (!(p[i] == ' ')) break;
      i = skip_spaces(p, i + 1, n);
      if (!(p[i] == '\\' && p[i + 1] == '"')) break;
    }
    int j;
    u32 k = memo_k;
    if (*depth == 2 && k < memo_count && same_bytes(p + i + 2, p + memo_start[k], memo_len[k])) {
      j = (int)(i + 2 + memo_len[k]);
    } else {
      j = scan_string(p, i + 2, n);
      if (j < 0) return -1;
      if (*depth == 2 && k < MEMO) {
        memo_start[k] = i + 2;
        memo_len[k] = (u32)j - (i + 2);
        if (k >= memo_count) memo_count = k + 1;
      }
    }
    if (*depth == 2 && k < MEMO) memo_k = k + 1;
    else if (*depth == 2) memo_k = MEMO_OFF;
    i = (u32)j;
    if (!(p[i] == ':')) {
      state = S_COLON;
      break;
    }
    i++;
    u32 b = p[i];
    if (b == ' ') {
      i = skip_spaces(p, i + 1, n);
      b = p[i];
    }
    if (b - '0' < 10u && p[i + 1] == ',') {
      // One digit and a comma (flags, one-hot columns, small counts): the next key.
      i += 2;
      state = S_KEY;
      continue;
    }
    if (b - '0' < 10u || b == '-') j = fast_number(p, i, n);
    else if (b == '\\' && p[i + 1] == '"') j = scan_string(p, i + 2, n);
    else {
      state = S_VALUE;
      break;
    }
    if (j < 0) return -1;
    i = (u32)j;
    b = p[i];
    if (b == ' ') {
      i = skip_spaces(p, i + 1, n);
      b = p[i];
    }
    if (b == ',') {
      i++;
      state = S_KEY;
      continue;
    }
    if (b == '}') {
      i++;
      (*depth)--;
      state = S_AFTER;
      break;
    }
    state = S_AFTER;
    break;
  }
  *pi = i;
  return (int)state;
}

static inline int is_space(u32 c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

#define ARRAY 1
#define OBJECT 2

static u32 fail(u32 start, u32 n) {
  int close = skip_string(start, n);
  if (close < 0) { result[R_STATUS] = ST_INVALID_LINE; return ST_INVALID_LINE; }
  result[R_STATUS] = ST_INVALID_REQUEST;
  result[R_END] = (u32)close;
  return ST_INVALID_REQUEST;
}

/**
 * Scans the request whose content starts at `start` of the input, up to its closing quote (before n). The container
 * stack lives at `stack` (n bytes). Returns R_STATUS.
 */
__attribute__((export_name("scan_json"))) u32 scan_json(u32 start, u32 n, u8 *stack) {
  const u8 *p = input_ptr();
  u32 i = start, depth = 0, state = S_VALUE;
  u32 member = 0;          // members described so far
  u32 key_start = 0, key_end = 0;
  result[R_TOP_KIND] = K_SCALAR;
  result[R_COUNT] = 0;
  result[R_ALL_SCALAR] = 1;
  result[R_MEMBERS] = 0;
  memo_count = 0;
  memo_k = MEMO_OFF;
  u32 *m = 0;              // the member whose array value is open at depth 2
  for (;;) {
    u32 b = p[i], c, len;
    if (b >= 0x20 && b != '\\' && b != '"') {
      c = b;
      len = 1;
    } else {
      u32 q = read_char(p, i, n);
      if (q == BAD_CH) return fail(start, n);
      c = q & CHAR_MASK;
      len = q >> LEN_SHIFT;
      if (c == END_CH) {
        if (state != S_AFTER || depth != 0) return fail(start, n);
        result[R_STATUS] = ST_OK;
        result[R_END] = i;
        result[R_MEMBERS] = member;
        return ST_OK;
      }
    }
    switch (state) {
      case S_AFTER:
        if (c == ',' && depth > 0) {
          state = stack[depth] == ARRAY ? S_VALUE : S_KEY;
          i += len;
          continue;
        }
        if ((c == ']' && stack[depth] == ARRAY) || (c == '}' && stack[depth] == OBJECT)) {
          depth--;
          i += len;
          continue;
        }
        if (is_space(c)) { i += len; continue; }
        return fail(start, n);
      case S_VALUE:
      case S_ARRAY_FIRST:
        if (is_space(c)) { i += len; continue; }
        if (c == ']' && state == S_ARRAY_FIRST) {
          depth--;
          state = S_AFTER;
          i += len;
          continue;
        }
        if (depth <= 2) {
          int container = c == '[' || c == '{';
          if (depth == 0) {
            result[R_TOP_KIND] = c == '[' ? K_ARRAY : c == '{' ? K_OBJECT : K_SCALAR;
          } else if (depth == 1 && stack[1] == ARRAY) {
            result[R_COUNT]++;
            if (container) result[R_ALL_SCALAR] = 0;
          } else if (depth == 1) {
            // A member of the top-level object.
            if (c == '{') return result[R_STATUS] = ST_UNSUPPORTED;
            if (member >= MAX_MEMBERS) return result[R_STATUS] = ST_UNSUPPORTED;
            m = members + member * MEMBER_WORDS;
            member++;
            m[0] = key_start;
            m[1] = key_end;
            m[2] = c == '[' ? K_ARRAY : c == 'n' ? K_NULL : K_SCALAR;
            m[3] = 0;
            m[4] = 1;
          } else if (stack[1] == OBJECT && stack[2] == ARRAY) {
            // An element of an array member of the top-level object.
            m[3]++;
            if (container) m[4] = 0;
          }
        }
        if (c == '"') {
          int j = scan_string(p, i + len, n);
          if (j < 0) return fail(start, n);
          i = (u32)j;
          goto after_value;
        }
        if (c == '{' || c == '[') {
          depth++;
          stack[depth] = c == '[' ? ARRAY : OBJECT;
          if (depth == 2) memo_k = 0;
          state = c == '[' ? S_ARRAY_FIRST : S_OBJECT_FIRST;
          i += len;
          continue;
        }
        {
          int j;
          if (c == '-' || c - '0' < 10u) j = fast_number(p, i, n);
          else if (c == 't') j = scan_literal(p, i, n, "true");
          else if (c == 'f') j = scan_literal(p, i, n, "false");
          else if (c == 'n') j = scan_literal(p, i, n, "null");
          else return fail(start, n);
          if (j < 0) return fail(start, n);
          i = (u32)j;
        }
      after_value:
        // The common ", next" right after a value, without going round the loop.
        i = skip_spaces(p, i, n);
        if (p[i] == ',' && depth > 0) {
          i = skip_spaces(p, i + 1, n);
          state = stack[depth] == ARRAY ? S_VALUE : S_KEY;
          continue;
        }
        state = S_AFTER;
        continue;
      case S_OBJECT_FIRST:
      case S_KEY: {
        if (depth >= 2 && c == '"' && len == 2) {
          int next = member_lane(p, &i, n, &depth, state);
          if (next < 0) return fail(start, n);
          if ((u32)next != state) {
            state = (u32)next;
            continue;
          }
          // the lane stopped before a key it does not read: the general loop reads it
          b = p[i];
          if (b >= 0x20 && b != '\\' && b != '"') {
            c = b;
            len = 1;
          } else {
            u32 q = read_char(p, i, n);
            if (q == BAD_CH) return fail(start, n);
            c = q & CHAR_MASK;
            len = q >> LEN_SHIFT;
            if (c == END_CH) return fail(start, n);
          }
        }
        if (is_space(c)) { i += len; continue; }
        if (c == '}' && state == S_OBJECT_FIRST) {
          depth--;
          state = S_AFTER;
          i += len;
          continue;
        }
        if (c != '"') return fail(start, n);
        if (depth == 2) memo_k = MEMO_OFF;
        u32 ks = i;
        int j = scan_string(p, i + len, n);
        if (j < 0) return fail(start, n);
        i = (u32)j;
        if (depth == 1) { key_start = ks; key_end = i; }
        // The common ":" right after a key.
        i = skip_spaces(p, i, n);
        if (p[i] == ':') {
          i++;
          state = S_VALUE;
        } else {
          state = S_COLON;
        }
        continue;
      }
      case S_COLON:
        if (c == ':') { state = S_VALUE; i += len; continue; }
        if (is_space(c)) { i += len; continue; }
        return fail(start, n);
    }
  }
}

/** Length of a UTF-8 encoded character String.prototype.trim removes (above ASCII) at p[i], or 0. */
static u32 utf8_space(const u8 *p, u32 i, u32 n) {
  u32 b = p[i];
  if (b == 0xc2) return i + 1 < n && p[i + 1] == 0xa0 ? 2 : 0;
  if (i + 2 >= n) return 0;
  u32 b1 = p[i + 1], b2 = p[i + 2];
  if (b == 0xe1) return b1 == 0x9a && b2 == 0x80 ? 3 : 0;
  if (b == 0xe2) {
    if (b1 == 0x80) return (b2 >= 0x80 && b2 <= 0x8a) || b2 == 0xa8 || b2 == 0xa9 || b2 == 0xaf ? 3 : 0;
    return b1 == 0x81 && b2 == 0x9f ? 3 : 0;
  }
  if (b == 0xe3) return b1 == 0x80 && b2 == 0x80 ? 3 : 0;
  if (b == 0xef) return b1 == 0xbb && b2 == 0xbf ? 3 : 0;
  return 0;
}

static inline int is_trim_space(u32 c) {
  return (c >= 0x09 && c <= 0x0d) || c == 0x20 || c == 0xa0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200a) || c == 0x2028 ||
         c == 0x2029 || c == 0x202f || c == 0x205f || c == 0x3000 || c == 0xfeff;
}

/** Non-empty lines of a CSV or JSON Lines request (R_COUNT); R_STATUS ok or invalid_line, R_END the closing quote. */
__attribute__((export_name("count_lines"))) u32 count_lines(u32 start, u32 n) {
  const u8 *p = input_ptr();
  u32 i = start, count = 0;
  int filled = 0;
  for (;;) {
    u32 b = i < n ? p[i] : 0;
    if (b > 0x20 && b < 0x7f && b != '\\' && b != '"') { filled = 1; i++; continue; }
    if (b == 0x20) { i++; continue; }
    if (b >= 0x80) {
      u32 k = utf8_space(p, i, n);
      if (k) i += k;
      else { filled = 1; i++; }
      continue;
    }
    u32 q = read_char(p, i, n);
    if (q == BAD_CH) { result[R_STATUS] = ST_INVALID_LINE; return ST_INVALID_LINE; }
    u32 c = q & CHAR_MASK;
    if (c == END_CH) {
      result[R_STATUS] = ST_OK;
      result[R_END] = i;
      result[R_COUNT] = count + (filled ? 1 : 0);
      return ST_OK;
    }
    i += q >> LEN_SHIFT;
    if (c == 0x0a) { if (filled) count++; filled = 0; }
    else if (!is_trim_space(c)) filled = 1;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Flat records (data quality's fast path): a request that is a JSON array of flat objects, each member a number, a
// string without escapes, true, false or null, read in one pass into a tape the JavaScript side turns into rows
// without JSON.parse or the request's string. Anything else (nesting, escapes inside a key or a string, whitespace
// other than spaces, an empty array) returns FLAT_UNSUPPORTED, and the line goes the general way, which gives the
// same rows or the same error.

enum { FLAT_OK = 0, FLAT_UNSUPPORTED = 1 };
// Value kinds on the tape.
enum { V_NUMBER = 0, V_NUMBER_TEXT = 1, V_STRING = 2, V_TRUE = 3, V_FALSE = 4, V_NULL = 5 };
// FLAT_RESULT words.
enum { F_RECORDS, F_MEMBERS, F_END, F_WORDS };

#define LAYOUT_MAX_MEMBERS 4096
#define LAYOUT_MAX_BYTES 65536

static u32 flat_result[F_WORDS];
/** The key layout of the last record read (its keys' bytes back to back, and their lengths); -1: none. */
static int layout_count = -1;
static u32 layout_lens[LAYOUT_MAX_MEMBERS];
static u8 layout_bytes[LAYOUT_MAX_BYTES];

__attribute__((export_name("flat_result_ptr"))) u32 *flat_result_ptr(void) { return flat_result; }

static const double POW10[23] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
                                 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/**
 * A JSON number at p[i] (validated by JSON's grammar). Returns the index after it, or -1; *value is the number when
 * it is exact by Clinger's fast path (at most 2^53 as an integer of its significant digits, scaled by a power of ten
 * up to 22: one correctly rounded operation on exact operands, so the same double as JSON.parse), else *exact = 0.
 */
static int flat_number(const u8 *p, u32 i, u32 n, double *value, int *exact) {
  int negative = 0;
  if (i < n && p[i] == '-') { negative = 1; i++; }
  uint64_t m = 0;
  int digits = 0, scale = 0;
  if (i < n && p[i] == '0') {
    i++;
  } else if (i < n && p[i] - '1' < 9u) {
    while (i < n && p[i] - '0' < 10u) {
      if (digits < 19) m = m * 10 + (p[i] - '0');
      else scale++;
      digits++;
      i++;
    }
  } else return -1;
  if (i < n && p[i] == '.') {
    i++;
    if (!(i < n && p[i] - '0' < 10u)) return -1;
    while (i < n && p[i] - '0' < 10u) {
      if (digits < 19) { m = m * 10 + (p[i] - '0'); scale--; }
      if (m != 0) digits++;
      i++;
    }
  }
  int e = 0, big_exponent = 0;
  if (i < n && (p[i] == 'e' || p[i] == 'E')) {
    i++;
    int eneg = 0;
    if (i < n && (p[i] == '+' || p[i] == '-')) { eneg = p[i] == '-'; i++; }
    if (!(i < n && p[i] - '0' < 10u)) return -1;
    while (i < n && p[i] - '0' < 10u) {
      if (e < 100000) e = e * 10 + (p[i] - '0');
      else big_exponent = 1;
      i++;
    }
    if (eneg) e = -e;
  }
  int power = scale + e;
  if (digits > 19 || big_exponent || m > (1ull << 53) || power < -22 || power > 22) {
    *exact = 0;
    return (int)i;
  }
  double v = (double)m;
  v = power < 0 ? v / POW10[-power] : v * POW10[power];
  *value = negative ? -v : v;
  *exact = 1;
  return (int)i;
}

/**
 * A key or string value of the request, whose opening \" was read at i (i is after it): the content runs to the
 * next backslash, which must begin the closing \". Returns the index of that backslash, or -1 (an escape inside,
 * a control character, the line's own closing quote).
 */
static inline __attribute__((always_inline)) int flat_string(const u8 *p, u32 i, u32 n) {
  u32 j = skip_plain(p, i);
  if (j + 1 < n && p[j] == '\\' && p[j + 1] == '"') return (int)j;
  return -1;
}

/** Whether a[0, len) and b[0, len) are the same bytes (8 at a time). */
static inline int bytes_equal(const u8 *a, const u8 *b, u32 len) {
  while (len >= 8) {
    uint64_t x, y;
    __builtin_memcpy(&x, a, 8);
    __builtin_memcpy(&y, b, 8);
    if (x != y) return 0;
    a += 8;
    b += 8;
    len -= 8;
  }
  while (len > 0) {
    if (*a++ != *b++) return 0;
    len--;
  }
  return 1;
}

/** Stores the keys of a record as the layout (or none, when they do not fit). */
static void store_layout(const u8 *p, const u32 *tape, u32 first, u32 count) {
  layout_count = -1;
  if (count > LAYOUT_MAX_MEMBERS) return;
  u32 at = 0;
  for (u32 k = 0; k < count; k++) {
    const u32 *t = tape + (first + k) * 5;
    u32 len = t[1] - t[0];
    if (at + len > LAYOUT_MAX_BYTES) return;
    for (u32 x = 0; x < len; x++) layout_bytes[at + x] = p[t[0] + x];
    layout_lens[k] = len;
    at += len;
  }
  layout_count = (int)count;
}

/**
 * Reads the request whose content starts at `start` of the input, up to the line's closing quote (before n), as an
 * array of flat objects. Member m of the tape (5 words at `tape`): key start, key end (in the input), kind, value
 * start, value end; its number at nums[m] (kind V_NUMBER). Record r: its member count at records[2r], and at
 * records[2r + 1] 1 when its keys are those of the record before it (the one before this call, when `keep_layout`),
 * else 0. `max_members` and `max_records` bound the tape. Returns FLAT_OK (FLAT_RESULT: records, members, the index
 * of the closing quote) or FLAT_UNSUPPORTED.
 */
__attribute__((export_name("flat_records")))
u32 flat_records(u32 start, u32 n, u32 *tape, double *nums, u32 *records, u32 max_members, u32 max_records, u32 keep_layout) {
  const u8 *p = input_ptr();
  if (!keep_layout) layout_count = -1;
  u32 i = skip_spaces(p, start, n);
  if (!(i < n && p[i] == '[')) return FLAT_UNSUPPORTED;
  i = skip_spaces(p, i + 1, n);
  u32 member = 0, record = 0;
  for (;;) {
    if (!(i < n && p[i] == '{') || record >= max_records) return FLAT_UNSUPPORTED;
    i = skip_spaces(p, i + 1, n);
    u32 first = member;
    int same = layout_count >= 0;
    u32 at = 0;
    if (i < n && p[i] == '}') {
      i++;
    } else {
      for (;;) {
        if (!(i + 1 < n && p[i] == '\\' && p[i + 1] == '"') || member >= max_members) return FLAT_UNSUPPORTED;
        u32 *t = tape + member * 5;
        int ke = flat_string(p, i + 2, n);
        if (ke < 0) return FLAT_UNSUPPORTED;
        t[0] = i + 2;
        t[1] = (u32)ke;
        if (same) {
          // Still the stored layout so far: the k-th key must be its k-th key.
          u32 k = member - first, len = (u32)ke - (i + 2);
          same = k < (u32)layout_count && layout_lens[k] == len && bytes_equal(p + i + 2, layout_bytes + at, len);
          at += len;
        }
        i = skip_spaces(p, (u32)ke + 2, n);
        if (!(i < n && p[i] == ':')) return FLAT_UNSUPPORTED;
        i = skip_spaces(p, i + 1, n);
        u32 b = i < n ? p[i] : 0;
        if (b - '0' < 10u || b == '-') {
          double v = 0;
          int exact = 0;
          int j = flat_number(p, i, n, &v, &exact);
          if (j < 0) return FLAT_UNSUPPORTED;
          t[2] = exact ? V_NUMBER : V_NUMBER_TEXT;
          t[3] = i;
          t[4] = (u32)j;
          nums[member] = v;
          i = (u32)j;
        } else if (b == '\\') {
          if (!(i + 1 < n && p[i + 1] == '"')) return FLAT_UNSUPPORTED;
          int ve = flat_string(p, i + 2, n);
          if (ve < 0) return FLAT_UNSUPPORTED;
          t[2] = V_STRING;
          t[3] = i + 2;
          t[4] = (u32)ve;
          i = (u32)ve + 2;
        } else if (b == 't' && i + 4 <= n && p[i + 1] == 'r' && p[i + 2] == 'u' && p[i + 3] == 'e') {
          t[2] = V_TRUE;
          i += 4;
        } else if (b == 'f' && i + 5 <= n && p[i + 1] == 'a' && p[i + 2] == 'l' && p[i + 3] == 's' && p[i + 4] == 'e') {
          t[2] = V_FALSE;
          i += 5;
        } else if (b == 'n' && i + 4 <= n && p[i + 1] == 'u' && p[i + 2] == 'l' && p[i + 3] == 'l') {
          t[2] = V_NULL;
          i += 4;
        } else return FLAT_UNSUPPORTED;
        member++;
        i = skip_spaces(p, i, n);
        if (i < n && p[i] == ',') {
          i = skip_spaces(p, i + 1, n);
          continue;
        }
        if (i < n && p[i] == '}') {
          i++;
          break;
        }
        return FLAT_UNSUPPORTED;
      }
    }
    u32 count = member - first;
    records[2 * record] = count;
    same = same && count == (u32)layout_count;
    records[2 * record + 1] = (u32)same;
    if (!same) store_layout(p, tape, first, count);
    record++;
    i = skip_spaces(p, i, n);
    if (i < n && p[i] == ',') {
      i = skip_spaces(p, i + 1, n);
      continue;
    }
    if (i < n && p[i] == ']') break;
    return FLAT_UNSUPPORTED;
  }
  i = skip_spaces(p, i + 1, n);
  if (!(i < n && p[i] == '"')) return FLAT_UNSUPPORTED;
  flat_result[F_RECORDS] = record;
  flat_result[F_MEMBERS] = member;
  flat_result[F_END] = i;
  return FLAT_OK;
}
