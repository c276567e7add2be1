/**
 * @module Errors across worker threads: a thread posts its error as plain data (structured clone keeps neither the
 * class nor an exit code), and the main thread raises it again with the class it was thrown with, so a run fails
 * with the same exit code and message whether the failure happened on the main thread or on a worker (the label
 * thread, the scan workers).
 */
import { ConfigError, InputError, MonitorError, OutputError } from './errors.ts';
import { UnreadableInput } from './ingest/open-input.ts';

/** An error as a thread posts it. */
export interface PostedError {
  name: string;
  message: string;
  code?: string;
  stack?: string;
}

/** The classes raised again as themselves; any other error comes back as an Error with the thrown one's name. */
const CLASSES: Record<string, new (message: string) => Error> = { ConfigError, InputError, OutputError, MonitorError, UnreadableInput };

/** What a thread posts for `error` (anything thrown). */
export function postedError(error: unknown): PostedError {
  const e = error as (Error & { code?: unknown }) | undefined;
  const posted: PostedError = { name: typeof e?.name === 'string' ? e.name : 'Error', message: typeof e?.message === 'string' ? e.message : String(error) };
  if (typeof e?.code === 'string') posted.code = e.code;
  if (typeof e?.stack === 'string') posted.stack = e.stack;
  return posted;
}

/** The posted error raised again on this thread, with its class when it is one of the monitor's. */
export function errorFromThread(posted: PostedError): Error {
  const Class = CLASSES[posted.name];
  const error = Class === undefined ? new Error(posted.message) : new Class(posted.message);
  if (Class === undefined) error.name = posted.name;
  if (posted.code !== undefined) (error as NodeJS.ErrnoException).code = posted.code;
  if (posted.stack !== undefined) error.stack = posted.stack;
  return error;
}
