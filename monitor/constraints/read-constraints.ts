/**
 * @module Reads baseline_constraints (a local path or an s3:// URI) and validates it for the problem type, before the
 * first record is read. No file configured gives an empty set.
 */
import { readFile } from 'node:fs/promises';
import type { MonitorConfig } from '../config/load-config.ts';
import { ConfigError, showValue } from '../errors.ts';
import { isS3Uri } from '../storage/s3-uri.ts';
import { openStorage } from '../storage/open-storage.ts';
import { parseConstraints, type ConstraintSet } from './parse-constraints.ts';

export async function readConstraints(config: Pick<MonitorConfig, 'baselineConstraints' | 'problemType' | 's3EndpointUrl'>): Promise<ConstraintSet> {
  const location = config.baselineConstraints;
  if (location === undefined) return { source: '(none)', schema: 'none', constraints: [], estimated: [] };
  let text: string;
  try {
    if (isS3Uri(location)) {
      const slash = location.lastIndexOf('/');
      const storage = await openStorage(location.slice(0, slash), { s3EndpointUrl: config.s3EndpointUrl });
      text = (await storage.readFile(location.slice(slash + 1))).toString('utf8');
    } else {
      text = await readFile(location, 'utf8');
    }
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`config: baseline_constraints ${showValue(location)} cannot be read (${(error as Error).message}); expected a readable constraints.json`);
  }
  return parseConstraints(text, location, config.problemType);
}
