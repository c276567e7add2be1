/**
 * @module How a run ends: Completed or CompletedWithViolations (exit 0), or Failed with the exit code of the error's
 * class (monitor/errors.ts). A failed run still has a run report.
 */
import { MonitorError } from '../errors.ts';
import type { RunReport } from '../report/build-run-report.ts';
import { completedMessage, failedMessage } from '../report/status-message.ts';

export type RunStatus = 'Completed' | 'CompletedWithViolations' | 'Failed';

export interface RunOutcome {
  status: RunStatus;
  /** The first line of the message file. */
  message: string;
  exitCode: number;
  report: RunReport;
}

/** The status and message of a run that completed with `violations` violations. */
export function completed(violations: number): { status: RunStatus; message: string; exitCode: 0 } {
  return { status: violations === 0 ? 'Completed' : 'CompletedWithViolations', message: completedMessage(violations), exitCode: 0 };
}

/** The status, message and exit code of a run that failed with `error`. */
export function failed(error: unknown): { status: 'Failed'; message: string; exitCode: number; known: boolean } {
  const known = error instanceof MonitorError;
  const reason = known ? error.message : `internal error: ${(error as Error)?.message ?? String(error)}`;
  return { status: 'Failed', message: failedMessage(reason), exitCode: known ? error.exitCode : 1, known };
}
