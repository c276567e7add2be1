/**
 * @module Typed errors of the AWS scripts. `run-script.ts` maps each class to an exit code; anything else is an
 * unexpected failure (exit 1) printed with its stack.
 */

/** Base class of every error the AWS scripts raise on purpose. */
export class ScriptError extends Error {
  /** Process exit code for this class of failure. */
  readonly exitCode: number = 1;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A flag is missing, malformed or inconsistent with another one. Raised before any request. */
export class UsageError extends ScriptError {
  override readonly exitCode: number = 2;
}

/** No region or no credentials could be resolved. Raised before any request is sent. */
export class AwsSetupError extends ScriptError {
  override readonly exitCode: number = 3;
}

/** An AWS API call failed. The message names the service, the operation and AWS's own error. */
export class ApiCallError extends ScriptError {
  override readonly exitCode: number = 4;
}
