/**
 * @module Recognises "this resource does not exist" answers, so that cleanup scripts can skip what is already gone
 * and --wait can see a deletion finish. SageMaker answers ValidationException "Could not find ..." for endpoints,
 * configs and models, and ResourceNotFound for monitoring schedules; Scheduler answers ResourceNotFoundException.
 */
import { ApiCallError } from './errors.ts';

/** Whether `err` (an ApiCallError from `AwsClients.send`) says that the resource does not exist. */
export function isNotFound(err: unknown): boolean {
  if (!(err instanceof ApiCallError)) return false;
  const cause = err.cause as { name?: string; message?: string } | undefined;
  const name = cause?.name ?? '';
  if (name === 'ResourceNotFound' || name === 'ResourceNotFoundException') return true;
  return name === 'ValidationException' && /could not find|does not exist|not found/i.test(cause?.message ?? '');
}
