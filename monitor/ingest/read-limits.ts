/**
 * @module The limits on what one input file may hold, so that no line, file or gzip stream can take unbounded time
 * or memory: past a limit the excess is an input error, counted like any other (README "Bad input").
 */

/** Limits applied while reading capture, ground truth and tabular datasets. */
export interface ReadLimits {
  /** The longest line read, in bytes (MPM_MAX_LINE_BYTES); a longer line is skipped unbuffered and is one input error. */
  maxLineBytes: number;
  /** How many times its compressed size a .gz file may decompress to (MPM_MAX_GZIP_RATIO), past 16 MiB. */
  maxGzipRatio: number;
  /** The largest file read whole (a JSON-array ground-truth file, Parquet), in bytes (MPM_MAX_FILE_BYTES). */
  maxFileBytes: number;
}

/** 64 MiB lines: above the 8-16 MB lines capture of 6 MB payloads (base64 on both sides) can hold. */
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;
/** Real capture compresses 5-100 times; a gzip bomb about 1000 times. */
export const DEFAULT_MAX_GZIP_RATIO = 200;
/** A JSON array of 256 MiB parses into about 1-2 GB of objects. */
export const DEFAULT_MAX_FILE_BYTES = 256 * 1024 * 1024;
/** Configuration files read whole (processingjobconfig.json, constraints, statistics): never this big legitimately. */
export const MAX_CONFIG_FILE_BYTES = 16 * 1024 * 1024;
/** The longest string V8 can hold: no limit on bytes that become one string may pass it. */
export const MAX_STRING_BYTES = 536_870_888;

export const DEFAULT_READ_LIMITS: ReadLimits = {
  maxLineBytes: DEFAULT_MAX_LINE_BYTES,
  maxGzipRatio: DEFAULT_MAX_GZIP_RATIO,
  maxFileBytes: DEFAULT_MAX_FILE_BYTES,
};

/** The limits a configuration sets. */
export function readLimitsOf(config: { maxLineBytes: number; maxFileBytes: number; maxGzipRatio: number }): ReadLimits {
  return { maxLineBytes: config.maxLineBytes, maxFileBytes: config.maxFileBytes, maxGzipRatio: config.maxGzipRatio };
}
