/**
 * @module The capture writer's batch of whole lines as bytes: lines are encoded straight into pooled fixed-size chunks
 * (no per-line string or Buffer), and a flush hands the filled chunks to one `writev`; the chunks come back to the pool
 * once written, so steady traffic allocates nothing.
 */

/** Default size of a pooled chunk. A piece larger than the chunk size gets a chunk of its own, which is not pooled. */
export const CHUNK_BYTES = 256 * 1024;

/** Free chunks kept for reuse (at most this many: 2 MiB). */
const POOL_LIMIT = 8;
/**
 * Free chunks kept on either side of the escaping thread: there a batch's chunks come back only once the other thread
 * is done with them, and a burst (under backpressure) holds many at once; 8 MiB kept spares a new chunk per batch
 * after it (a new SharedArrayBuffer is zeroed memory, about 30 us for 256 KiB).
 */
export const THREAD_POOL_LIMIT = 32;

/** Reusable chunks shared by one writer's batches. */
export class ChunkPool {
  private readonly free: Buffer[] = [];

  /**
   * `chunkBytes`: tests use tiny chunks so that lines cross many chunk boundaries. `shared`: chunks live in
   * SharedArrayBuffers, so a batch can be read by the escaping thread without a copy (escape-thread.ts).
   */
  constructor(
    readonly chunkBytes = CHUNK_BYTES,
    readonly shared = false,
    private readonly limit = shared ? THREAD_POOL_LIMIT : POOL_LIMIT,
  ) {}

  /** A chunk of at least `minBytes`: a pooled one when it fits in a chunk. */
  take(minBytes: number): Buffer {
    if (minBytes > this.chunkBytes) return this.allocate(minBytes);
    return this.free.pop() ?? this.allocate(this.chunkBytes);
  }

  private allocate(bytes: number): Buffer {
    return this.shared ? Buffer.from(new SharedArrayBuffer(bytes)) : Buffer.allocUnsafe(bytes);
  }

  /** Returns chunks whose bytes are no longer needed (written, or dropped). */
  give(chunks: readonly Buffer[]): void {
    for (const chunk of chunks) {
      if (chunk.length === this.chunkBytes && this.free.length < this.limit) this.free.push(chunk);
    }
  }
}

/** Bytes staged at a time by {@link copyInPhase} (a multiple of 8). */
const STAGE_BYTES = 256 * 1024;
/** Below this, a copy into or out of shared memory is cheap whatever its alignment. */
const STAGE_MIN = 512;
let staging: Buffer | undefined;

/**
 * Copies `src` into `chunk` at `at` when either side is a SharedArrayBuffer. V8 copies into or out of shared memory word
 * by word only where the source and target addresses agree modulo 8, else byte by byte: 17 us for a 54 KB request body
 * against 3 us, on the request thread (into a shared chunk) and on the escaping thread (out of one). Out of phase, the
 * bytes go through plain memory staged at the shared side's phase, so both copies run word by word.
 */
function copyInPhase(chunk: Buffer, at: number, src: Uint8Array, targetShared: boolean): void {
  const target = chunk.byteOffset + at;
  if (src.length < STAGE_MIN || ((target - src.byteOffset) & 7) === 0) {
    chunk.set(src, at);
    return;
  }
  const phase = (targetShared ? target : src.byteOffset) & 7;
  staging ??= Buffer.allocUnsafeSlow(STAGE_BYTES + 8);
  for (let from = 0; from < src.length; from += STAGE_BYTES) {
    const piece = src.subarray(from, Math.min(src.length, from + STAGE_BYTES));
    staging.set(piece, phase);
    chunk.set(staging.subarray(phase, phase + piece.length), at + from);
  }
}

/**
 * Filled bytes handed over by `LineBuffer.take()`: `views` to write, `chunks` to give back to the pool afterwards, and
 * the `[start, end)` pairs (offsets in these bytes, flat) of the bodies appended by `bytes(…, true)` and not escaped yet
 * (escape-batch.ts escapes them; empty when every byte is final).
 */
export interface TakenBytes {
  readonly views: Buffer[];
  readonly chunks: Buffer[];
  readonly bytes: number;
  readonly regions: number[];
}

/**
 * Bytes appended piece by piece. A piece is never split across chunks by `reserve`, but a line may span chunks: the
 * views are written together, in order, so only whole batches (whole lines) reach the file.
 */
export class LineBuffer {
  /** Bytes appended since the last take(). */
  length = 0;
  private readonly views: Buffer[] = [];
  private readonly chunks: Buffer[] = [];
  private readonly regions: number[] = [];
  private chunk: Buffer | undefined;
  private pos = 0;

  constructor(private readonly pool: ChunkPool) {}

  /** Appends a string whose characters are all below U+0100 (ASCII, base64, latin1-escaped text), one byte each. */
  latin1(text: string): void {
    const at = this.reserve(text.length);
    this.pos = at + this.chunk!.write(text, at, 'latin1');
    this.length += text.length;
  }

  /** Appends `text` encoded as UTF-8 (lone surrogates become U+FFFD, as every UTF-8 write of a JS string does). */
  utf8(text: string): void {
    // 3 bytes per UTF-16 unit at most; an exact count only when that bound would not fit a pooled chunk.
    const bound = text.length * 3;
    const at = this.reserve(bound <= this.pool.chunkBytes ? bound : Buffer.byteLength(text, 'utf8'));
    const written = this.chunk!.write(text, at, 'utf8');
    this.pos = at + written;
    this.length += written;
  }

  /**
   * Appends a copy of `src`, in one piece (never split across chunks). With `escapeLater`, its range is listed in the
   * taken bytes' `regions`: a body whose JSON escaping is left to escapeBatch (on the escaping thread).
   */
  bytes(src: Uint8Array, escapeLater = false): void {
    if (src.length === 0) return;
    const at = this.reserve(src.length);
    if (escapeLater) this.regions.push(this.length, this.length + src.length);
    const shared = this.pool.shared;
    if (shared || src.buffer instanceof SharedArrayBuffer) copyInPhase(this.chunk!, at, src, shared);
    else this.chunk!.set(src, at);
    this.pos = at + src.length;
    this.length += src.length;
  }

  /** Hands over everything appended so far and starts empty. */
  take(): TakenBytes {
    this.seal();
    const taken = { views: this.views.splice(0), chunks: this.chunks.splice(0), bytes: this.length, regions: this.regions.splice(0) };
    this.chunk = undefined;
    this.length = 0;
    return taken;
  }

  /** Position in the current chunk with room for `bytes` more; starts a new chunk when the current one is short. */
  private reserve(bytes: number): number {
    if (this.chunk && this.chunk.length - this.pos >= bytes) return this.pos;
    this.seal();
    this.chunk = this.pool.take(bytes);
    this.chunks.push(this.chunk);
    this.pos = 0;
    return 0;
  }

  private seal(): void {
    if (this.chunk && this.pos > 0) this.views.push(this.chunk.subarray(0, this.pos));
  }
}
