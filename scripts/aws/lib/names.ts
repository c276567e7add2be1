/**
 * @module Client-side checks of resource names against the patterns the APIs enforce, so that a bad name fails
 * before the first request instead of halfway through a deployment.
 */
import { UsageError } from './errors.ts';

// SageMaker's pattern for model, endpoint, endpoint config, monitoring schedule and processing job names.
const SAGEMAKER_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
// EventBridge Scheduler's pattern for schedule and group names.
const SCHEDULER_NAME = /^[0-9a-zA-Z-_.]{1,64}$/;

/** Throws a UsageError unless `name` is a valid SageMaker resource name (1-63 letters, digits, inner hyphens). */
export function checkSageMakerName(name: string, flag: string, maxLength = 63): string {
  if (!SAGEMAKER_NAME.test(name) || name.length > maxLength) {
    throw new UsageError(
      `--${flag}: ${JSON.stringify(name)} is not a valid SageMaker name; expected 1-${maxLength} letters, digits and ` +
        'hyphens, starting and ending with a letter or digit',
    );
  }
  return name;
}

/** Throws a UsageError unless `name` is a valid EventBridge Scheduler name (1-64 of letters, digits, - _ .). */
export function checkSchedulerName(name: string, flag: string): string {
  if (!SCHEDULER_NAME.test(name)) {
    throw new UsageError(
      `--${flag}: ${JSON.stringify(name)} is not a valid EventBridge Scheduler name; expected 1-64 letters, digits, "-", "_" or "."`,
    );
  }
  return name;
}

/** Throws a UsageError unless `arn` looks like an IAM role ARN. */
export function checkRoleArn(arn: string, flag: string): string {
  if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/.test(arn)) {
    throw new UsageError(`--${flag}: ${JSON.stringify(arn)} is not an IAM role ARN; expected arn:aws:iam::<account>:role/<name>`);
  }
  return arn;
}
