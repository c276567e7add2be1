import { describe, expect, it } from 'vitest';
import { earlyMessageFile } from './job-command.ts';

describe('earlyMessageFile', () => {
  it('takes the flag, else the variable, else SageMaker\'s path; a blank value is unset', () => {
    expect(earlyMessageFile('/a/message', '/b/message')).toBe('/a/message');
    expect(earlyMessageFile(undefined, '/b/message')).toBe('/b/message');
    // "  " used to be written as a file named by two spaces in the working directory.
    expect(earlyMessageFile(undefined, '  ')).toBe('/opt/ml/output/message');
    expect(earlyMessageFile('', undefined)).toBe('/opt/ml/output/message');
  });
});
