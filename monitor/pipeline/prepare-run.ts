/**
 * @module The first stage: everything that can be checked is checked before the first record is read. The
 * constraints file is read and validated, the output folder must be writable, the storages are opened.
 */
import { readConstraints } from '../constraints/read-constraints.ts';
import type { ConstraintSet } from '../constraints/parse-constraints.ts';
import type { ResponseOptions } from '../ingest/explode-response.ts';
import { responseOptionsOf } from '../ingest/response-options.ts';
import { dropPrivileges } from '../runtime/drop-privileges.ts';
import { assertWritableFolder } from '../storage/local.ts';
import { openStorage } from '../storage/open-storage.ts';
import { isS3Uri } from '../storage/s3-uri.ts';
import type { Storage } from '../storage/storage.ts';
import type { RunContext } from './run-context.ts';

export interface PreparedRun {
  constraints: ConstraintSet;
  response: ResponseOptions;
  output: Storage;
  capture: Storage;
  /** suggest-baseline: keep the labelled records to fit the calibration of the label-free estimate on. */
  collectReference?: boolean;
}

export async function prepareRun(ctx: RunContext): Promise<PreparedRun> {
  const { config } = ctx;
  // In the image: the written folders become the image user's and root is dropped, before any input is read.
  await dropPrivileges(config, { log: ctx.log });
  const response = responseOptionsOf(config);
  const constraints = await readConstraints(config);
  ctx.facts.constraints = constraints;
  const options = { s3EndpointUrl: config.s3EndpointUrl };
  const output = await openStorage(config.outputPath, options);
  // An output folder that cannot be written is found now, not after an hour of reading.
  if (!isS3Uri(config.outputPath)) await assertWritableFolder(config.outputPath, 'output_path');
  const capture = await openStorage(config.datasetSource, options);
  return { constraints, response, output, capture };
}
