/**
 * @module The status line of /opt/ml/output/message: the built-in analyzer's exact strings, and failure messages
 * kept to one line within SageMaker's 1 KB ExitMessage.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { completedMessage, failedMessage, truncateUtf8 } from './status-message.ts';
import { writeMessageFile } from './write-message.ts';

describe('completedMessage', () => {
  it('says Completed with no violations in the analyzer words', () => {
    expect(completedMessage(0)).toBe('Completed: Job completed successfully with no violations.');
  });

  // The analyzer writes "with 60 violations."; Amazon's MonitoringCustomMetrics container, which reproduces the
  // analyzer's strings, pins "with 1 violations." for one violation. A reader matching the text must match ours.
  it('says "1 violations." for one violation, exactly as the analyzer does', () => {
    expect(completedMessage(1)).toBe('CompletedWithViolations: Job completed successfully with 1 violations.');
  });

  it('gives the count for several violations', () => {
    expect(completedMessage(60)).toBe('CompletedWithViolations: Job completed successfully with 60 violations.');
  });
});

describe('failedMessage', () => {
  it('starts with "Failed: " and folds a multi-line reason onto one line', () => {
    expect(failedMessage('2 configuration problems:\n- a\n- b\n')).toBe('Failed: 2 configuration problems: - a - b');
  });
});

describe('truncateUtf8', () => {
  it('keeps a message within the byte limit without splitting a character', () => {
    const text = `${'a'.repeat(1022)}éé`; // é is 2 bytes: 1022 + 2 fits, the second does not
    const cut = truncateUtf8(text, 1024);
    expect(cut).toBe(`${'a'.repeat(1022)}é`);
    expect(Buffer.byteLength(cut)).toBe(1024);
  });

  it('leaves a short message alone', () => {
    expect(truncateUtf8('Completed', 1024)).toBe('Completed');
  });
});

describe('writeMessageFile', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mpm-message-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the folder and writes at most 1 KB of UTF-8', async () => {
    const file = path.join(dir, 'opt/ml/output/message');
    await writeMessageFile(file, `Failed: ${'x'.repeat(5000)}`);
    const written = readFileSync(file);
    expect(written.length).toBe(1024);
    expect(written.toString('utf8').startsWith('Failed: xxx')).toBe(true);
  });
});
