/**
 * @module How a run that failed ends, whatever its analysis: the error logged (a known error by its message, anything
 * else as an internal error), and the run report and page written with what the run learned, when the output can be.
 */
import { buildRunReport, type RunReportParts } from '../report/build-run-report.ts';
import { writeRunReport } from '../report/write-run-report.ts';
import { removeStaleOutputs } from '../report/owned-outputs.ts';
import { REPORT_FILES } from '../report/report-files.ts';
import { openStorage } from '../storage/open-storage.ts';
import type { Storage } from '../storage/storage.ts';
import { failed, type RunOutcome } from './outcome.ts';
import type { RunContext } from './run-context.ts';

/** The outcome of a run that failed: logged, and its run report and page written when the output can be. */
export async function failedRun(ctx: RunContext, error: unknown, output: Storage | undefined, analysis: Pick<RunReportParts, 'analysisType'> = {}): Promise<RunOutcome> {
  const { config, log } = ctx;
  ctx.finish();
  const end = failed(error);
  if (end.known) log.error((error as Error).message);
  else log.error({ err: error }, 'internal error');
  const facts = ctx.facts;
  const report = buildRunReport({ config, ...analysis, ...end, constraints: facts.constraints, capture: facts.capture, groundTruth: facts.groundTruth, store: facts.store, tally: ctx.tally, timings: ctx.timings });
  let storage = output;
  try {
    storage ??= await openStorage(config.outputPath, { s3EndpointUrl: config.s3EndpointUrl });
    await writeRunReport(storage, report, {}, log);
  } catch (reportError) {
    log.warn({ err: (reportError as Error).message }, 'the run report of the failed run could not be written');
  }
  // Beside a failed report, no result of an earlier run may remain (issue 14, item 5).
  try {
    if (storage !== undefined) await removeStaleOutputs(storage, { written: [REPORT_FILES.runReport, REPORT_FILES.page], inputs: [config.baselineConstraints, config.baselineStatistics] });
  } catch (cleanupError) {
    log.error({ err: (cleanupError as Error).message }, 'files of an earlier run could not be removed from output_path');
  }
  return { status: end.status, message: end.message, exitCode: end.exitCode, report };
}
