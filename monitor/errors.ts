/**
 * @module Typed errors of the monitor. The CLI maps each class to an exit code (see cli.ts and the README's
 * "Outcomes and exit codes"); everything else is an internal error.
 */

/** Base class of every error the monitor raises on purpose. */
export class MonitorError extends Error {
  /** Process exit code for this class of failure. */
  readonly exitCode: number = 1;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A configuration value is missing or invalid. Raised before the first record is read. */
export class ConfigError extends MonitorError {
  override readonly exitCode: number = 2;
}

/** The input data is unusable: too many malformed lines, no capture at all, unreadable files. */
export class InputError extends MonitorError {
  override readonly exitCode: number = 3;
}

/** A report file or a metric could not be written. */
export class OutputError extends MonitorError {
  override readonly exitCode: number = 4;
}

/** Formats a value for an error message: strings quoted, everything else as JSON. */
export function showValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined) return 'undefined';
  try {
    return JSON.stringify(value);
  } catch {
    // Too deep to stringify (String() would recurse as deep), or a cycle.
    return `(${Array.isArray(value) ? 'an array' : typeof value} that cannot be shown)`;
  }
}
