/**
 * @module Reads the "Environment" map of processingjobconfig.json: strings only, as SageMaker writes it. A number, a
 * boolean, null or an object given for a setting used to be turned into text loosely (issue 14, item 11); it is now a
 * configuration problem naming the setting. The file is read with a size cap and never through a FIFO or device.
 */
import { existsSync } from 'node:fs';
import { showValue } from '../errors.ts';
import { describeValue } from '../ingest/describe-value.ts';
import { jsonErrorDetail } from '../ingest/json-error.ts';
import { MAX_CONFIG_FILE_BYTES } from '../ingest/read-limits.ts';
import { readCappedFileSync } from '../runtime/read-capped-file.ts';
import { withoutBom } from '../runtime/without-bom.ts';

/** JSON's name for the type of a value, for messages. */
function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * The "Environment" map of `file`; a missing file is an empty map unless it was named explicitly. Problems are pushed
 * onto `problems` (one each, naming the file and the key). Only keys in `settings` are checked for their type: other
 * keys are not mpm's.
 */
export function readJobConfigEnvironment(file: string, explicit: boolean, problems: string[], settings: ReadonlySet<string>): Record<string, string> {
  if (!existsSync(file)) {
    if (explicit) problems.push(`config: MPM_JOB_CONFIG_FILE ${showValue(file)} does not exist; expected the path of processingjobconfig.json`);
    return {};
  }
  let text: string;
  try {
    text = readCappedFileSync(file, MAX_CONFIG_FILE_BYTES);
  } catch (error) {
    problems.push(`config: MPM_JOB_CONFIG_FILE ${showValue(file)} cannot be read (${(error as Error).message}); expected SageMaker's processingjobconfig.json`);
    return {};
  }
  let parsed: { Environment?: unknown };
  try {
    parsed = JSON.parse(withoutBom(text)) as { Environment?: unknown };
  } catch (error) {
    problems.push(`config: MPM_JOB_CONFIG_FILE ${showValue(file)} is not valid JSON (${jsonErrorDetail(error)}); expected SageMaker's processingjobconfig.json`);
    return {};
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    problems.push(`config: MPM_JOB_CONFIG_FILE ${showValue(file)} holds ${describeValue(parsed)}; expected SageMaker's processingjobconfig.json, a JSON object (its "Environment" an object of strings)`);
    return {};
  }
  const envMap = parsed.Environment;
  if (envMap === undefined || envMap === null) return {};
  if (typeof envMap !== 'object' || Array.isArray(envMap)) {
    problems.push(`config: MPM_JOB_CONFIG_FILE ${showValue(file)} has "Environment" ${describeValue(envMap)}; expected an object of strings`);
    return {};
  }
  // No prototype: the keys come from the file.
  const out = Object.create(null) as Record<string, string>;
  for (const [k, v] of Object.entries(envMap)) {
    if (typeof v === 'string') out[k] = v;
    else if (settings.has(k)) problems.push(`config: ${file} "Environment" has ${k} ${jsonType(v)}; expected a string, as SageMaker writes every value (e.g. "${k}": "...")`);
  }
  return out;
}
