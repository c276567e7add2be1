/**
 * @module Reads a small text file named by a setting (a baseline's constraints or statistics), from a local path or
 * an s3:// URI, before the first record is read. A file that cannot be read is a ConfigError naming the setting.
 */
import { ConfigError, showValue } from '../errors.ts';
import { openStorage } from './open-storage.ts';
import { isS3Uri } from './s3-uri.ts';
import { MAX_CONFIG_FILE_BYTES } from '../ingest/read-limits.ts';
import { readCappedFile } from '../runtime/read-capped-file.ts';

/** The text at `location`; `variable` and `expected` word the error ("baseline_constraints", "a constraints.json"). */
export async function readLocationText(location: string, variable: string, expected: string, s3EndpointUrl?: string): Promise<string> {
  try {
    if (isS3Uri(location)) {
      const slash = location.lastIndexOf('/');
      const storage = await openStorage(location.slice(0, slash), { s3EndpointUrl });
      return (await storage.readFile(location.slice(slash + 1), MAX_CONFIG_FILE_BYTES)).toString('utf8');
    }
    // At most 16 MiB, and never a FIFO or a device (issue 14).
    return await readCappedFile(location, MAX_CONFIG_FILE_BYTES);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`config: ${variable} ${showValue(location)} cannot be read (${(error as Error).message}); expected a readable ${expected}`);
  }
}
