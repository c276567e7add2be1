/**
 * @module The one writer of a run's report, for completed and failed runs alike: report.html (whose failure never
 * fails the job: its outcome goes into the run report) and then monitoring_report.json.
 */
import type { Logger } from 'pino';
import { OutputError } from '../errors.ts';
import type { Storage } from '../storage/storage.ts';
import type { RunReport } from './build-run-report.ts';
import { writeReportPage } from './html/write-report-page.ts';
import type { ReportPageInput } from './html/render-report-page.ts';
import { writeJson } from './json-file.ts';
import { REPORT_FILES } from './report-files.ts';

/** Writes report.html and monitoring_report.json into `output`; throws an OutputError when the latter fails. */
export async function writeRunReport(output: Storage, report: RunReport, page: Omit<ReportPageInput, 'report'>, log: Logger): Promise<void> {
  report.report_html = await writeReportPage(output, { report, ...page }, log);
  try {
    const location = await writeJson(output, REPORT_FILES.runReport, report);
    if (report.outputs) report.outputs.run_report = location;
  } catch (error) {
    throw new OutputError(`output: cannot write ${REPORT_FILES.runReport} to ${output.location} (${(error as Error).message})`, { cause: error });
  }
}
