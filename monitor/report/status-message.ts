/**
 * @module The status line of /opt/ml/output/message, in the built-in analyzer's words (the service reads a
 * "CompletedWithViolations" prefix as that execution status). Its first 1 KB becomes the job's ExitMessage, so a
 * failure message is kept to one line and cut to 1024 bytes.
 */
import { rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { makeFolder } from '../runtime/make-folder.ts';

/**
 * The analyzer's exact words, "violations" even for one: Amazon's MonitoringCustomMetrics container reproduces them
 * and pins "CompletedWithViolations: Job completed successfully with 1 violations." in its tests, and readers match
 * the text.
 */
export function completedMessage(violations: number): string {
  return violations === 0
    ? 'Completed: Job completed successfully with no violations.'
    : `CompletedWithViolations: Job completed successfully with ${violations} violations.`;
}

export function failedMessage(reason: string): string {
  return `Failed: ${reason.replace(/\s*\n\s*/g, ' ').trim()}`;
}

/** Cuts a message to at most `max` UTF-8 bytes without splitting a character. */
export function truncateUtf8(text: string, max = 1024): string {
  const buf = Buffer.from(text, 'utf8');
  if (buf.length <= max) return text;
  let end = max;
  while (end > 0 && (buf[end]! & 0xc0) === 0x80) end--;
  return buf.toString('utf8', 0, end);
}

/** Writes the message file atomically. */
export async function writeMessageFile(file: string, message: string): Promise<void> {
  await makeFolder(path.dirname(file));
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, truncateUtf8(message), 'utf8');
  await rename(tmp, file);
}
