/**
 * @module Typed errors of the serving container. Each class carries the HTTP status it renders as; app.ts turns
 * them into a JSON body `{ "error": name, "message": message }` and everything else into a plain 500.
 */

/** Base class of every error the server raises on purpose. */
export class ServingError extends Error {
  /** HTTP status the error renders as. */
  readonly statusCode: number = 500;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The request payload cannot be turned into records: bad JSON, a bad value, a missing or unknown feature. */
export class BadRequestError extends ServingError {
  override readonly statusCode: number = 400;
}

/** The request's Content-Type is not one the server decodes. */
export class UnsupportedMediaTypeError extends ServingError {
  override readonly statusCode: number = 415;
}

/** None of the types in the request's Accept header is one the server encodes. */
export class NotAcceptableError extends ServingError {
  override readonly statusCode: number = 406;
}

/** The request body is larger than SageMaker's 6 MB InvokeEndpoint limit. */
export class PayloadTooLargeError extends ServingError {
  override readonly statusCode: number = 413;
}

/** The model is not loaded yet (the container is still starting). */
export class ModelNotReadyError extends ServingError {
  override readonly statusCode: number = 503;
}

/**
 * The model file cannot be read or uses something the evaluator does not implement (an unknown objective, a linear
 * booster). Raised at load time, so the container fails its health check instead of answering wrongly.
 */
export class ModelError extends ServingError {
  override readonly statusCode: number = 500;
}

/** An environment variable or option is invalid; the server exits before it listens. */
export class ConfigError extends ServingError {}

/** Formats a value for an error message: strings quoted, everything else as JSON, long values cut. */
export function showValue(value: unknown, max = 60): string {
  let text: string;
  if (value === undefined) text = 'undefined';
  else if (typeof value === 'number' && !Number.isFinite(value)) text = String(value);
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
